// Public API of @osfm/tiling: see README.md.
export {};
