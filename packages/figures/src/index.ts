// Public API of @osfm/figures: see README.md.
export {};
