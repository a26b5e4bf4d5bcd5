// Sums the vitest JSON reports of every workspace into the closing line CI reads:
// "N passed, N failed" (", N skipped" when any). A workspace with tests but no report counts as failed.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
const groups = ["packages", "apps", "tooling"];
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const group of groups) {
  for (const name of readdirSync(path.join(root, group))) {
    const dir = path.join(root, group, name);
    const pkgFile = path.join(dir, "package.json");
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
    if (!pkg.scripts?.test) continue;
    const report = path.join(dir, "reports/vitest.json");
    if (!existsSync(report)) {
      missing.push(pkg.name);
      continue;
    }
    const r = JSON.parse(readFileSync(report, "utf8"));
    passed += r.numPassedTests ?? 0;
    failed += r.numFailedTests ?? 0;
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    // A test file that failed to load has no test results but counts as a failed suite.
    const brokenFiles = (r.testResults ?? []).filter((f) => f.status === "failed" && (f.assertionResults ?? []).length === 0);
    failed += brokenFiles.length;
  }
}
for (const name of missing) console.log(`no test report from ${name}: counted as failed`);
failed += missing.length;
const extraFailures = Number(process.argv[2] ?? 0);
failed += extraFailures;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
