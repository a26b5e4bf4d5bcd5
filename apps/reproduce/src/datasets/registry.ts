import { stat } from "node:fs/promises";
import { join } from "node:path";
import { ReproduceError } from "../errors";
import type { DatasetName } from "../types";
import { camelyon16Adapter } from "./camelyon16";
import { camelyon17Adapter } from "./camelyon17";
import { pandaAdapter } from "./panda";
import { tcgaAdapter } from "./tcga";
import type { AdapterOptions, AdapterResult, DataRoots, DatasetAdapter } from "./types";

/** Dataset name → adapter. Add an entry to teach the pipeline a new dataset layout. */
export const datasetAdapters = new Map<DatasetName, DatasetAdapter>([
  ["tcga", tcgaAdapter],
  ["camelyon16", camelyon16Adapter],
  ["camelyon17", camelyon17Adapter],
  ["panda", pandaAdapter],
]);

/**
 * Where each dataset lives: `<data>/Raw Data/TCGA` etc., with `WSI_ROOT` (TCGA) and `PANDA_ROOT`
 * overriding their parts, as in the original.
 */
export function resolveDataRoots(data: string | undefined, overrides: { wsiRoot?: string | undefined; pandaRoot?: string | undefined } = {}): DataRoots {
  const under = (d: DatasetName) => (data ? join(data, datasetAdapters.get(d)!.defaultSubdir) : undefined);
  return {
    data,
    tcga: overrides.wsiRoot ?? under("tcga"),
    camelyon16: under("camelyon16"),
    camelyon17: under("camelyon17"),
    panda: overrides.pandaRoot ?? under("panda"),
  };
}

async function isDir(path: string | undefined): Promise<boolean> {
  if (!path) return false;
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Everything the adapters found, with the datasets that are absent. */
export interface Discovery {
  results: AdapterResult[];
  absent: { dataset: DatasetName; root: string | undefined }[];
  notes: string[];
}

/**
 * Runs every adapter whose folder exists. No dataset folder at all is an error that shows the expected
 * layout; a data folder with only some datasets is fine, and the absent ones are listed (their
 * evaluation stages will say they have no inputs).
 */
export async function discoverSlides(roots: DataRoots, options: AdapterOptions): Promise<Discovery> {
  if (roots.data && !(await isDir(roots.data)) && !(await isDir(roots.tcga)) && !(await isDir(roots.panda)))
    throw new ReproduceError("data-layout", `data folder ${roots.data} does not exist`, { path: roots.data });
  const results: AdapterResult[] = [];
  const absent: Discovery["absent"] = [];
  for (const [dataset, adapter] of datasetAdapters) {
    const root = roots[dataset];
    if (await isDir(root)) results.push(await adapter.read(root!, options));
    else absent.push({ dataset, root });
  }
  if (results.length === 0)
    throw new ReproduceError(
      "data-layout",
      `no dataset found under ${roots.data ?? "(no data folder)"}: expected at least one of\n` +
        absent.map((a) => `  ${a.root ?? `<data>/${datasetAdapters.get(a.dataset)!.defaultSubdir}`}  (${a.dataset})`).join("\n") +
        "\n(or run with --demo to build a synthetic cohort)",
      roots.data ? { path: roots.data } : {},
    );
  const notes = results.flatMap((r) => r.notes);
  for (const a of absent) notes.push(`${a.dataset}: no folder at ${a.root ?? "(not configured)"}; its stages will have no inputs`);
  const seen = new Map<string, string>();
  for (const r of results)
    for (const s of r.slides) {
      const prev = seen.get(s.slideId);
      if (prev) throw new ReproduceError("data-layout", `slide id ${s.slideId} occurs twice: ${prev} and ${s.path} (slide ids must be unique: they name every output file)`, { path: s.path });
      seen.set(s.slideId, s.path);
    }
  return { results, absent, notes };
}
