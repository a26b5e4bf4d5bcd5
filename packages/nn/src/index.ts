// Public API of @osfm/nn: see README.md.
export {};
