import type { Workspace } from "../workspace/layout";
import type { Passport, StageRecord } from "../workspace/passport";
import { formatBytes, formatSeconds } from "../util/memory";
import { esc, img, num, table, type Section } from "./html";
import { listDirs, listNames, readArrow, readBytes, readCsvRows, readJson } from "./read";
import type { TaskSummary } from "./task-summary";

const MAX_QC_ROWS = 200;

async function thumbnail(path: string, width = 160): Promise<string | undefined> {
  const bytes = await readBytes(path);
  if (!bytes) return undefined;
  try {
    const sharp = (await import("sharp")).default;
    const jpeg = await sharp(bytes).resize({ width, withoutEnlargement: true }).flatten({ background: "#ffffff" }).jpeg({ quality: 80 }).toBuffer();
    return img("image/jpeg", jpeg, "QC overlay", `width="${width}"`);
  } catch {
    return undefined;
  }
}

function countBy(rows: Record<string, unknown>[], key: string): Record<string, unknown>[] {
  const m = new Map<string, number>();
  for (const r of rows) m.set(String(r[key] ?? "—"), (m.get(String(r[key] ?? "—")) ?? 0) + 1);
  return [...m].sort().map(([k, n]) => ({ [key]: k, slides: n }));
}

/** Cohort summary from manifests/slides.arrow. */
export async function cohortSection(ws: Workspace): Promise<Section> {
  const rows = await readArrow(ws.slidesArrow);
  if (!rows) return { id: "cohort", title: "Cohort", html: `<p class="empty">No manifest yet (stage manifest).</p>` };
  const byLabel = new Map<string, number>();
  for (const r of rows) byLabel.set(`${r.dataset}\t${r.label ?? "(unlabelled)"}`, (byLabel.get(`${r.dataset}\t${r.label ?? "(unlabelled)"}`) ?? 0) + 1);
  const labels = [...byLabel].sort().map(([k, n]) => ({ dataset: k.split("\t")[0], label: k.split("\t")[1], slides: n }));
  const patients = new Set(rows.map((r) => `${r.dataset}:${r.patient_id}`)).size;
  return {
    id: "cohort",
    title: "Cohort",
    html: `<p>${rows.length} slides from ${patients} patients.</p>${table(["dataset", "slides"], countBy(rows, "dataset"))}
<h3>Labels</h3>${table(["dataset", "label", "slides"], labels)}<h3>Pixel size sources</h3>${table(["mpp_source", "slides"], countBy(rows, "mpp_source"))}`,
  };
}

/** QC table with overlay thumbnails (qc/qc.json + qc/overlays). */
export async function qcSection(ws: Workspace): Promise<Section> {
  const qc = await readJson<{ thresholds: Record<string, number>; slides: Record<string, unknown>[] }>(ws.path("qc", "qc.json"));
  if (!qc) return { id: "qc", title: "Quality control", html: `<p class="empty">No QC results yet (stage qc).</p>` };
  const rows = [];
  for (const s of qc.slides.slice(0, MAX_QC_ROWS)) {
    const overlay = (await thumbnail(ws.qcOverlay(String(s.slide_id)))) ?? "—";
    rows.push({ ...s, reasons: Array.isArray(s.reasons) ? s.reasons.join("; ") : s.reasons, excluded: s.excluded ? "yes" : "no", overlay });
  }
  const excluded = qc.slides.filter((s) => s.excluded).length;
  return {
    id: "qc",
    title: "Quality control",
    html: `<p>${qc.slides.length} slides, ${excluded} excluded. Thresholds: ${esc(JSON.stringify(qc.thresholds))}.${qc.slides.length > MAX_QC_ROWS ? ` First ${MAX_QC_ROWS} shown.` : ""}</p>
${table(["slide_id", "cancer_code", "tissue_pct", "white_pct", "pen_pct", "blur_var", "excluded", "reasons", "overlay"], rows, ["overlay"])}`,
  };
}

/** Tiling stats from tiles/summary.json. */
export async function tilingSection(ws: Workspace): Promise<Section> {
  const t = await readJson<{ budget_0p5: number; budget_2p0: number; slides: { slide_id: string; n_tiles_0p5: number; n_tiles_2p0: number }[] }>(ws.path("tiles", "summary.json"));
  if (!t) return { id: "tiling", title: "Tiling", html: `<p class="empty">No tiles yet (stage tiles).</p>` };
  const stats = (k: "n_tiles_0p5" | "n_tiles_2p0", budget: number) => {
    const v = t.slides.map((s) => s[k]).sort((a, b) => a - b);
    const sum = v.reduce((a, b) => a + b, 0);
    return { scale: k === "n_tiles_0p5" ? "0.5 µm/px" : "2.0 µm/px", budget, slides: v.length, total: sum, mean: v.length ? sum / v.length : null, min: v[0] ?? null, median: v[Math.floor(v.length / 2)] ?? null, max: v.at(-1) ?? null, at_budget: v.filter((x) => x >= budget).length, empty: v.filter((x) => x === 0).length };
  };
  return { id: "tiling", title: "Tiling", html: table(["scale", "budget", "slides", "total", "mean", "min", "median", "max", "at_budget", "empty"], [stats("n_tiles_0p5", t.budget_0p5), stats("n_tiles_2p0", t.budget_2p0)]) };
}

function lossSvg(rows: { step: number; loss: number | null }[]): string {
  const pts = rows.filter((r) => r.loss !== null && Number.isFinite(r.loss));
  if (pts.length < 2) return "";
  const w = 640, h = 240, pad = 40;
  const xs = pts.map((p) => p.step), ys = pts.map((p) => p.loss!);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => pad + ((x - x0) / (x1 - x0 || 1)) * (w - 2 * pad);
  const sy = (y: number) => h - pad - ((y - y0) / (y1 - y0 || 1)) * (h - 2 * pad);
  const d = pts.map((p, i) => `${i ? "L" : "M"}${sx(p.step).toFixed(1)},${sy(p.loss!).toFixed(1)}`).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="training loss"><rect width="${w}" height="${h}" fill="#fff"/><path d="${d}" fill="none" stroke="#0072b2" stroke-width="1.5"/><text x="${pad}" y="16" font-size="12">total loss vs optimizer step (${num(y1)} → ${num(ys.at(-1))})</text><text x="${pad}" y="${h - 10}" font-size="11">step ${x0}</text><text x="${w - pad}" y="${h - 10}" font-size="11" text-anchor="end">step ${x1}</text></svg>`;
}

/** Pretraining curves (results/pretrain/loss.json) and the NB06C gates (diagnostics/gates.json). */
export async function pretrainSection(ws: Workspace): Promise<Section> {
  const loss = await readJson<{ rows: { phase: number; step: number; loss: number | null }[] }>(ws.results("pretrain", "loss.json"));
  const gates = await readJson<{ gates?: Record<string, unknown>[] }>(ws.path("diagnostics", "gates.json"));
  let html = loss ? lossSvg(loss.rows) || `<p class="empty">Too few logged steps for a curve.</p>` : `<p class="empty">No training log yet (stage pretrain).</p>`;
  html += gates?.gates ? `<h3>Gates (NB06C)</h3>${table(Object.keys(gates.gates[0] ?? {}), gates.gates)}` : `<p class="empty">No diagnostics yet (stage diagnostics).</p>`;
  return { id: "pretrain", title: "Pretraining", html };
}

/** Every task's metrics with CIs (results/<task>/summary.json). */
export async function tasksSection(ws: Workspace, passport?: Passport): Promise<Section> {
  const parts: string[] = [];
  const tasks = ["tcga", "scale-ablation", "cam17", "cam16", "panda-mil", "panda-metrics"];
  const last = new Map<string, StageRecord>();
  for (const r of passport?.stages ?? []) if (tasks.includes(r.stage) && r.shard === null) last.set(r.stage, r);
  const notRun = [...last.values()].filter((r) => r.status !== "done").map((r) => ({ task: r.stage, status: r.status, reason: r.message ?? "" }));
  if (notRun.length) parts.push(`<p>Tasks without results in the latest run:</p>${table(["task", "status", "reason"], notRun)}`);
  for (const task of await listDirs(ws.path("results"))) {
    const s = await readJson<TaskSummary>(ws.results(task, "summary.json"));
    if (!s) continue;
    const metrics = s.metrics.map((m) => ({ metric: m.name, value: m.value, "95% CI": m.ci95 ? `${num(m.ci95[0])} – ${num(m.ci95[1])}` : "—", "CI method": m.ciMethod ?? "" }));
    parts.push(`<h3>${esc(s.title)}</h3><p>${esc(s.protocol)} · n = ${s.n}${s.chance ? ` · chance ${esc(s.chance.name)} = ${num(s.chance.value)}` : ""}</p>${table(["metric", "value", "95% CI", "CI method"], metrics)}`);
    for (const t of s.tables ?? []) parts.push(`<h4>${esc(t.title)}</h4>${table(t.columns, t.rows)}`);
    for (const n of s.notes ?? []) parts.push(`<p class="note">${esc(n)}</p>`);
  }
  return { id: "tasks", title: "Task metrics", html: parts.join("\n") || `<p class="empty">No evaluation results yet.</p>` };
}

/** Every figure in figures/ (PNG inlined; SVG-only figures inlined as SVG images). */
export async function figuresSection(ws: Workspace): Promise<Section> {
  const names = await listNames(ws.figures, [".png", ".jpg", ".svg"]);
  const stems = new Map<string, string>();
  for (const n of names) {
    const stem = n.replace(/\.[^.]+$/, "");
    if (!stems.has(stem) || !n.endsWith(".svg")) stems.set(stem, n);
  }
  const figs: string[] = [];
  for (const [stem, n] of stems) {
    const bytes = await readBytes(ws.path("figures", n));
    if (!bytes) continue;
    const mime = n.endsWith(".svg") ? "image/svg+xml" : n.endsWith(".jpg") ? "image/jpeg" : "image/png";
    figs.push(`<figure>${img(mime, bytes, stem, 'style="max-width:520px"')}<figcaption>${esc(stem)}</figcaption></figure>`);
  }
  return { id: "figures", title: "Figures", html: figs.join("\n") || `<p class="empty">No figures yet (stage figures).</p>` };
}

/** failures.csv as a table. */
export async function failuresSection(ws: Workspace): Promise<Section> {
  const rows = (await readCsvRows(ws.failuresCsv)) ?? [];
  return { id: "failures", title: `Failures (${rows.length})`, html: rows.length ? table(["stage", "slide_id", "path", "error"], rows) : `<p>No slide failed.</p>` };
}

function latestRecords(stages: StageRecord[]): Record<string, unknown>[] {
  const last = new Map<string, StageRecord>();
  for (const r of stages) last.set(`${r.stage}|${r.shard ?? ""}`, r);
  return [...last.values()].map((r) => ({ stage: r.stage, nb: r.nb, shard: r.shard ?? "", status: `<span class="status-${esc(r.status)}">${esc(r.status)}</span>`, seconds: formatSeconds(r.seconds), counts: esc(Object.entries(r.counts).map(([k, v]) => `${k}=${v}`).join(" ")), message: esc(r.message ?? ""), config: esc(r.configHash) }));
}

/** Stage status and the passport (environment, per-stage records, runs). */
export function passportSection(passport: Passport | undefined): Section {
  if (!passport) return { id: "passport", title: "Passport", html: `<p class="empty">No passport.</p>` };
  const e = passport.environment;
  const env = [
    { item: "host", value: e.host },
    { item: "platform", value: e.platform },
    { item: "Node", value: e.node },
    { item: "onnxruntime-node", value: e.onnxruntime ?? "not installed" },
    { item: "CPU", value: `${e.cpu.model} × ${e.cpu.cores}` },
    { item: "memory", value: formatBytes(e.memoryBytes) },
    ...Object.entries(e.packages).map(([k, v]) => ({ item: k, value: v ?? "not installed" })),
  ];
  const runs = passport.runs.map((r) => ({ run: r.runId, command: r.command, time: formatSeconds(r.seconds), "peak memory": formatBytes(r.peakRssBytes), exit: r.exitCode }));
  return {
    id: "passport",
    title: "Passport",
    html: `${table(["item", "value"], env)}<h3>Latest record per stage</h3>${table(["stage", "nb", "shard", "status", "seconds", "counts", "message", "config"], latestRecords(passport.stages), ["status", "counts", "message", "config"])}
<h3>Runs</h3>${table(["run", "command", "time", "peak memory", "exit"], runs)}<details><summary>passport.json</summary><pre>${esc(JSON.stringify(passport, null, 2))}</pre></details>`,
  };
}
