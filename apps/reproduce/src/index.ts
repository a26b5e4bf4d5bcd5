// osfm-reproduce: see README.md.
export {};
