/** How nuclei and epithelium are arranged in a tissue class. */
export type Arrangement = "scattered" | "clustered" | "glands" | "cribriform" | "sheets" | "nests" | "cords";

/** Morphology of one tissue class, in physical units, so the look is the same at any mpp. */
export interface TissueClassSpec {
  description: string;
  arrangement: Arrangement;
  /** Epithelial/lymphoid nuclei per 10,000 µm² inside structures (or everywhere for scattered). */
  density: number;
  /** Nucleus radius in µm: mean and standard deviation (pleomorphism). */
  nucleusRadiusUm: readonly [number, number];
  /** Ratio of long to short axis, uniform in this range. */
  elongation: readonly [number, number];
  /** Haematoxylin concentration of nuclei: mean and standard deviation (0–2.4). */
  nucleusStain: readonly [number, number];
  /** Eosin concentration of stroma (0–1.6). */
  stromaEosin: number;
  /** Eosin concentration of epithelial cytoplasm. */
  cytoplasmEosin: number;
  /** Spindle stromal nuclei per 10,000 µm² between structures. */
  stromaDensity: number;
  /** Probability that a 128 µm grid cell holds a structure (gland, nest, cluster, cord). */
  structureFraction: number;
  /** Radius of glands / nests / clusters in µm, uniform in this range. */
  structureRadiusUm: readonly [number, number];
  /** Lumen radius as a fraction of the gland radius. */
  lumenFraction: number;
  /** Eosin concentration inside lumens: near 0 for empty lumens, higher for luminal debris ("dirty necrosis"). */
  lumenEosin: number;
  /** Minor/major axis ratio of structures (1 = round). */
  structureAspect: readonly [number, number];
}

const spec = (s: Partial<TissueClassSpec> & Pick<TissueClassSpec, "description" | "arrangement">): TissueClassSpec => ({
  density: 30,
  nucleusRadiusUm: [4, 0.8],
  elongation: [1, 1.4],
  nucleusStain: [1.2, 0.2],
  stromaEosin: 0.55,
  cytoplasmEosin: 0.45,
  stromaDensity: 3,
  structureFraction: 0.8,
  structureRadiusUm: [25, 45],
  lumenFraction: 0.45,
  lumenEosin: 0.06,
  structureAspect: [0.7, 1],
  ...s,
});

/**
 * Tissue classes by name. Classes differ in nuclear density, size, shape and arrangement (visible at
 * 0.5 µm/px) and in architecture (glands, sheets, nests; visible at 2.0 µm/px); their mean colours are
 * kept close, so global colour alone separates them poorly. Add an entry to define another class.
 */
export const tissueClasses = new Map<string, TissueClassSpec>([
  ["stroma", spec({ description: "fibrous stroma with sparse spindle cells", arrangement: "scattered", density: 0, stromaDensity: 5, stromaEosin: 0.62 })],
  ["lymphoid", spec({ description: "lymph node: dense small round dark lymphocytes", arrangement: "scattered", density: 95, nucleusRadiusUm: [3.2, 0.4], elongation: [1, 1.15], nucleusStain: [1.35, 0.15], stromaEosin: 0.4, stromaDensity: 0 })],
  ["carcinoma", spec({ description: "metastatic carcinoma: solid sheets of large pleomorphic nuclei", arrangement: "sheets", density: 28, nucleusRadiusUm: [5.8, 1.5], elongation: [1, 1.6], nucleusStain: [1.05, 0.3], cytoplasmEosin: 0.5, structureFraction: 1 })],
  ["adenocarcinoma", spec({ description: "acinar adenocarcinoma: crowded gland rings with lumens", arrangement: "glands", density: 40, nucleusRadiusUm: [4.8, 1], elongation: [1.2, 1.8], structureFraction: 1.4, structureRadiusUm: [22, 42], lumenFraction: 0.45 })],
  ["colonic", spec({ description: "colorectal adenocarcinoma: large elongated glands, tall dark columnar nuclei, dirty lumens", arrangement: "glands", density: 45, nucleusRadiusUm: [4.5, 0.8], elongation: [1.8, 2.6], nucleusStain: [1.5, 0.2], structureFraction: 1.5, structureRadiusUm: [40, 62], structureAspect: [0.4, 0.7], lumenFraction: 0.5, lumenEosin: 0.7 })],
  ["ductal", spec({ description: "invasive ductal carcinoma: many cords and small nests in dense stroma", arrangement: "cords", density: 30, nucleusRadiusUm: [5, 1.1], elongation: [1, 1.5], structureFraction: 1, stromaEosin: 0.75, structureRadiusUm: [25, 55] })],
  ["clear-cell", spec({ description: "clear-cell carcinoma: large nests of cells with clear cytoplasm and small nuclei, thin septa", arrangement: "nests", density: 22, nucleusRadiusUm: [3.6, 0.6], elongation: [1, 1.2], nucleusStain: [1.3, 0.2], cytoplasmEosin: 0.06, structureFraction: 1, structureRadiusUm: [50, 66] })],
  ["squamous", spec({ description: "squamous carcinoma: sheets of polygonal cells with pink cytoplasm", arrangement: "sheets", density: 16, nucleusRadiusUm: [5, 1], elongation: [1, 1.3], nucleusStain: [1, 0.25], cytoplasmEosin: 0.75, structureFraction: 1 })],
  ["benign-glands", spec({ description: "benign prostate: large glands with pale epithelium and much stroma", arrangement: "glands", density: 26, nucleusRadiusUm: [3.4, 0.5], elongation: [1.1, 1.5], structureFraction: 0.45, structureRadiusUm: [45, 62], lumenFraction: 0.62, cytoplasmEosin: 0.3 })],
  ["gleason-3", spec({ description: "Gleason pattern 3: many small well-formed glands", arrangement: "glands", density: 42, nucleusRadiusUm: [4.2, 0.8], elongation: [1, 1.4], structureFraction: 0.95, structureRadiusUm: [14, 26], lumenFraction: 0.4 })],
  ["gleason-4", spec({ description: "Gleason pattern 4: fused and cribriform glands", arrangement: "cribriform", density: 45, nucleusRadiusUm: [4.6, 1], elongation: [1, 1.5], structureFraction: 0.95, structureRadiusUm: [45, 62], lumenFraction: 0.18 })],
  ["gleason-5", spec({ description: "Gleason pattern 5: sheets and single cells, no glands", arrangement: "sheets", density: 38, nucleusRadiusUm: [4.8, 1.3], elongation: [1, 1.7], nucleusStain: [1.15, 0.3], cytoplasmEosin: 0.4, structureFraction: 1 })],
  ["inflamed", spec({ description: "stroma with clusters of lymphocytes", arrangement: "clustered", density: 110, nucleusRadiusUm: [3.2, 0.4], elongation: [1, 1.15], nucleusStain: [1.35, 0.15], structureFraction: 0.35, structureRadiusUm: [20, 50] })],
]);

/** Looks a class up; throws a RangeError naming the known classes. */
export function classSpec(name: string): TissueClassSpec {
  const s = tissueClasses.get(name);
  if (!s) throw new RangeError(`unknown tissue class "${name}", expected one of ${[...tissueClasses.keys()].join(", ")}`);
  return s;
}
