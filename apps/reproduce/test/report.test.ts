import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { fixtureData, haveFixtures, runCli } from "./cli-helpers";
import { tempDir } from "./helpers";

const CHROMIUM = "/usr/bin/chromium";

describe.skipIf(!haveFixtures)("report.html", () => {
  it.skipIf(!existsSync(CHROMIUM))("is self-contained and loads in headless Chromium with no console errors and every image rendered (skipped when /usr/bin/chromium is absent: apt-get install chromium)", async () => {
    const root = await tempDir();
    const data = await fixtureData(root);
    const ws = join(root, "ws");
    const run = await runCli(["run", "--data", data, "--workspace", ws, "--stages", "env,manifest,qc,tiles,figures,report", "--quiet"]);
    expect(run.code).toBe(0);
    const html = await readFile(join(ws, "report.html"), "utf8");
    // Self-contained: no external resources, no scripts.
    expect(html).not.toMatch(/<script|<link[^>]+href="(?!data:)|src="(?!data:)/);
    for (const section of ["Cohort", "Quality control", "Tiling", "Pretraining", "Task metrics", "Figures", "Failures (2)", "Passport"]) expect(html).toContain(`>${section}</h2>`);
    expect(html).toContain("TCGA-B2-0003-01Z-00-DX1.cccc");
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("requestfailed", (r) => errors.push(`request failed: ${r.url().slice(0, 80)}`));
      await page.goto(pathToFileURL(join(ws, "report.html")).href, { waitUntil: "load" });
      const images = await page.$$eval("img", (imgs) => imgs.map((i) => ({ alt: i.alt, ok: i.complete && i.naturalWidth > 0 })));
      expect(errors).toEqual([]);
      // 3 QC overlays + the figures drawn from manifest, QC and tiling inputs.
      expect(images.length).toBeGreaterThanOrEqual(3 + 9);
      expect(images.filter((i) => !i.ok)).toEqual([]);
      expect(images.filter((i) => i.alt === "QC overlay")).toHaveLength(3);
    } finally {
      await browser.close();
    }
  });
});
