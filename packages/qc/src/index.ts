// Public API of @osfm/qc: see README.md.
export {};
