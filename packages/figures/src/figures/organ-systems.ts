/**
 * Default TCGA project code → organ system map used by Fig 3C (the original's grouping, as data).
 * Users override entries with `organ_systems` in `results/tcga/per_class.json`; unmapped codes are "Other".
 */
export const TCGA_ORGAN_SYSTEMS: Readonly<Record<string, string>> = {
  BRCA: "Breast",
  OV: "Reproductive",
  UCEC: "Reproductive",
  UCS: "Reproductive",
  CESC: "Reproductive",
  PRAD: "Genitourinary",
  TGCT: "Genitourinary",
  BLCA: "Genitourinary",
  KIRC: "Genitourinary",
  KIRP: "Genitourinary",
  KICH: "Genitourinary",
  LUAD: "Respiratory",
  LUSC: "Respiratory",
  MESO: "Respiratory",
  COAD: "Gastrointestinal",
  READ: "Gastrointestinal",
  STAD: "Gastrointestinal",
  ESCA: "Gastrointestinal",
  LIHC: "Gastrointestinal",
  CHOL: "Gastrointestinal",
  PAAD: "Gastrointestinal",
  HNSC: "Head/Neck",
  UVM: "Head/Neck",
  THCA: "Endocrine",
  ACC: "Endocrine",
  PCPG: "Endocrine",
  GBM: "CNS",
  LGG: "CNS",
  SKCM: "Skin",
  DLBC: "Hematologic",
  THYM: "Hematologic",
  SARC: "Soft tissue",
};

/** Organ system of `code`: the override map first, then {@link TCGA_ORGAN_SYSTEMS}, else "Other". */
export function organSystemOf(code: string, overrides: Readonly<Record<string, string>> = {}): string {
  return overrides[code] ?? TCGA_ORGAN_SYSTEMS[code] ?? "Other";
}
