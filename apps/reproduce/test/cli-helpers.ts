import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, symlink } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const repoRoot = resolve(appRoot, "../..");
export const fixtures = resolve(repoRoot, "../shared/fixtures/wsi");
/** True when the shared real-slide fixtures sit beside the repository (tests that need them skip otherwise). */
export const haveFixtures = existsSync(fixtures);

/** Starts the CLI from its sources (no build needed), like `osfm-reproduce …`. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ["--conditions=@osfm/source", "--import", "tsx", join(appRoot, "src/cli.ts"), ...args], {
    cwd: appRoot,
    env: { ...process.env, ...env, FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Runs the CLI to the end; returns its exit code and output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = startCli(args, env);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => res({ code, stdout, stderr }));
  });
}

/**
 * A data folder from the real slide fixtures: 2 good TCGA slides and 1 broken one, a CAMELYON16
 * tumour slide and an unopenable normal one. `copies` adds more TCGA slides (symlinks to the CMU fixture).
 */
export async function fixtureData(root: string, copies = 0): Promise<string> {
  const data = join(root, "data");
  const tcga = join(data, "Raw Data", "TCGA");
  const cam16 = join(data, "Raw Data", "CAMELYON16");
  await mkdir(join(tcga, "BRCA"), { recursive: true });
  await mkdir(join(tcga, "LUAD"), { recursive: true });
  await mkdir(cam16, { recursive: true });
  await copyFile(join(fixtures, "aperio_CMU-1-Small-Region.svs"), join(tcga, "BRCA", "TCGA-A1-0001-01Z-00-DX1.aaaa.svs"));
  await copyFile(join(fixtures, "aperio_small_16x16.svs"), join(tcga, "LUAD", "TCGA-B2-0002-01Z-00-DX1.bbbb.svs"));
  await copyFile(join(fixtures, "bad_broken_not_tiff.svs"), join(tcga, "LUAD", "TCGA-B2-0003-01Z-00-DX1.cccc.svs"));
  await copyFile(join(fixtures, "generic_boxes.tiff"), join(cam16, "tumor_001.tif"));
  await copyFile(join(fixtures, "bad_unopenable.tiff"), join(cam16, "normal_002.tif"));
  for (let i = 0; i < copies; i++) {
    const id = String(100 + i).padStart(4, "0");
    await symlink(join(fixtures, "aperio_CMU-1-Small-Region.svs"), join(tcga, i % 2 ? "BRCA" : "LUAD", `TCGA-C${i % 3}-${id}-01Z-00-DX1.s${i}.svs`));
  }
  return data;
}
