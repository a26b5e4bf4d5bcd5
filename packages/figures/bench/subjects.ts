// What the bench measures, imported from the package sources.
export { fig3aFigure, qcTissueFigure, toPng } from "../src/index.js";
export { seededRandom as seededRandomForBench } from "../src/figures/umap.js";
