import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// What a user of "one package in another project" does: npm pack, install the tarball into a fresh
// project outside the workspace, import it from ESM and from TypeScript compiled against the packed types.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const packageDir = path.join(repoRoot, "packages/stats");
const npm = (args: string[], cwd: string) =>
  execFileSync("npm", args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_loglevel: "error" } });

let project: string;

beforeAll(() => {
  project = mkdtempSync(path.join(tmpdir(), "osfm-pack-"));
  npm(["pack", "--pack-destination", project], packageDir);
  const tarball = readdirSync(project).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${project}`);
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  npm(["install", "--prefer-offline", "--no-audit", "--no-fund", `./${tarball}`, "typescript@5.9.3", "@types/node@20"], project);
}, 300_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe("@osfm/stats packed and installed outside the workspace", () => {
  it("imports from an ESM file", () => {
    writeFileSync(
      path.join(project, "use.mjs"),
      'import { accuracy } from "@osfm/stats";\nconsole.log(accuracy([0, 1, 1, 0], [0, 1, 0, 0]));\n',
    );
    expect(execFileSync("node", ["use.mjs"], { cwd: project, encoding: "utf8" }).trim()).toBe("0.75");
  });

  it("compiles TypeScript against the packed types and runs it", () => {
    writeFileSync(
      path.join(project, "use.ts"),
      'import { accuracy, StatsInputError } from "@osfm/stats";\nconst a: number = accuracy([1, 2], [1, 1]);\nconsole.log(a, new StatsInputError("x", "EMPTY").code);\n',
    );
    const tsc = path.join(project, "node_modules/typescript/bin/tsc");
    const flags = ["--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--strict", "--types", "node"];
    execFileSync("node", [tsc, ...flags, "use.ts"], { cwd: project, encoding: "utf8" });
    expect(execFileSync("node", ["use.js"], { cwd: project, encoding: "utf8" }).trim()).toBe("0.5 EMPTY");
  });

  it("has real types: a wrong use fails to compile", () => {
    writeFileSync(path.join(project, "wrong.ts"), 'import { accuracy } from "@osfm/stats";\nconst s: string = accuracy([1], [1]);\nconsole.log(s);\n');
    const tsc = path.join(project, "node_modules/typescript/bin/tsc");
    let output = "";
    try {
      execFileSync("node", [tsc, "--module", "nodenext", "--moduleResolution", "nodenext", "--noEmit", "wrong.ts"], {
        cwd: project,
        encoding: "utf8",
      });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout);
    }
    expect(output).toMatch(/not assignable to type 'string'/);
  });
});
