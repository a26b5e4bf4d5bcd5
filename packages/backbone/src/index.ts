// Public API of @osfm/backbone: see README.md.
export {};
