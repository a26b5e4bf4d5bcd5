// Public API of @osfm/mil: see README.md.
export {};
