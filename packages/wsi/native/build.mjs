// Builds the optional libjpeg-turbo JPEG addon (binding.gyp → build/Release/osfm_jpeg.node). Never fails:
// without a compiler, Node headers or libjpeg headers it prints a warning and @osfm/wsi decodes JPEG
// tiles through sharp instead. Run by the package's `build` and `install` scripts.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function warn(message) {
  process.stderr.write(`@osfm/wsi: native JPEG decoder not built (${message}); JPEG tiles will be decoded by sharp\n`);
}

/** node-gyp: the one npm runs scripts with, a local install, or the one bundled with the global npm. */
function findNodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  try {
    candidates.push(createRequire(import.meta.url).resolve("node-gyp/bin/node-gyp.js"));
  } catch {
    // not installed locally
  }
  const npmRoot = spawnSync(process.platform === "win32" ? "npm.cmd" : "npm", ["root", "-g"], { encoding: "utf8" });
  if (npmRoot.status === 0) candidates.push(path.join(npmRoot.stdout.trim(), "npm/node_modules/node-gyp/bin/node-gyp.js"));
  candidates.push(path.join(path.dirname(process.execPath), "../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"));
  return candidates.find((c) => c !== undefined && c !== "" && existsSync(c));
}

function main() {
  if (process.env.OSFM_WSI_NATIVE === "0") return warn("OSFM_WSI_NATIVE=0");
  const gyp = findNodeGyp();
  if (gyp === undefined) return warn("node-gyp not found");
  const args = [gyp, "rebuild", "--silent"];
  // Debian/Ubuntu's nodejs ships its headers in /usr/include/node: use them instead of downloading
  if (existsSync(path.join("/usr/include/node", "node_api.h")) && !process.env.npm_config_nodedir) args.push("--nodedir=/usr");
  const run = spawnSync(process.execPath, args, { cwd: packageDir, encoding: "utf8" });
  if (run.status !== 0) {
    const log = `${run.stdout ?? ""}${run.stderr ?? ""}`.split("\n").filter((l) => /error|not found|No such file/i.test(l)).slice(0, 5).join("\n");
    return warn(`node-gyp exited with ${run.status ?? run.signal}${log ? `:\n${log}` : ""}`);
  }
  if (!existsSync(path.join(packageDir, "build/Release/osfm_jpeg.node"))) return warn("node-gyp produced no osfm_jpeg.node");
}

try {
  main();
} catch (err) {
  warn(err instanceof Error ? err.message : String(err));
}
