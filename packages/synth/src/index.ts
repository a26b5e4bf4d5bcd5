// Public API of @osfm/synth: see README.md.
export {};
