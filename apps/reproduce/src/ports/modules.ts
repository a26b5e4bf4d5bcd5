/**
 * The @osfm packages, imported lazily: a stage whose package (or the export it needs) is not there
 * says so and the rest of the pipeline still runs. 
 */
export const packageLoaders = new Map<string, () => Promise<unknown>>(
  ["wsi", "synth", "qc", "tiling", "nn", "backbone", "mil", "byol-mfr", "stats", "figures"].map((name) => {
    // A computed specifier: the app is typed against its own port interfaces (ports/*.ts), not the
    // packages' sources, so a package under construction cannot break the app's typecheck.
    const specifier = `@osfm/${name}`;
    return [name, () => import(/* @vite-ignore */ specifier)];
  }),
);

const cache = new Map<string, Promise<Record<string, unknown> | Error>>();

/** The package's module namespace, or the error that loading it raised. */
export function loadPackage(name: string): Promise<Record<string, unknown> | Error> {
  let p = cache.get(name);
  if (!p) {
    const loader = packageLoaders.get(name);
    p = loader
      ? loader().then(
          (m) => m as Record<string, unknown>,
          (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
        )
      : Promise.resolve(new Error(`unknown package ${name}`));
    cache.set(name, p);
  }
  return p;
}

/** Why `@osfm/<name>` cannot provide `exports`, or undefined when it can. */
export async function missingExports(name: string, exports: readonly string[]): Promise<string | undefined> {
  const mod = await loadPackage(name);
  if (mod instanceof Error) return `@osfm/${name} could not be loaded (${mod.message.split("\n")[0]})`;
  const absent = exports.filter((e) => mod[e] === undefined);
  return absent.length ? `@osfm/${name} does not export ${absent.join(", ")} yet` : undefined;
}

/** Checks several packages at once; the first missing piece wins. */
export async function missingApis(needs: Record<string, readonly string[]>): Promise<string | undefined> {
  for (const [pkg, names] of Object.entries(needs)) {
    const why = await missingExports(pkg, names);
    if (why) return why;
  }
  return undefined;
}

/** The package module, typed by the caller (after {@link missingExports} said it is complete). */
export async function requirePackage<T>(name: string): Promise<T> {
  const mod = await loadPackage(name);
  if (mod instanceof Error) throw mod;
  return mod as T;
}
