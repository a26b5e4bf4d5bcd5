// Public API of @osfm/byol-mfr: see README.md.
export {};
