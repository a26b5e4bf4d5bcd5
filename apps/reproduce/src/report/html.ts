/** Escapes text for HTML content and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A number for a table cell: 3 significant decimals, "—" for null/NaN. */
export function num(value: unknown, digits = 3): string {
  if (value === null || value === undefined || value === "") return "—";
  const n = Number(value);
  if (!Number.isFinite(n)) return esc(value);
  return Number.isInteger(n) ? String(n) : n.toFixed(digits);
}

/** An HTML table from rows; cells are escaped unless the column is listed in `raw`. */
export function table(columns: readonly string[], rows: readonly Record<string, unknown>[], raw: readonly string[] = []): string {
  if (rows.length === 0) return `<p class="empty">(no rows)</p>`;
  const head = columns.map((c) => `<th>${esc(c)}</th>`).join("");
  const body = rows
    .map((r) => `<tr>${columns.map((c) => `<td>${raw.includes(c) ? String(r[c] ?? "") : typeof r[c] === "number" ? num(r[c]) : esc(r[c])}</td>`).join("")}</tr>`)
    .join("\n");
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** An <img> with inline data (the report is one self-contained file). */
export function img(mime: string, data: Uint8Array, alt: string, attrs = ""): string {
  return `<img alt="${esc(alt)}" src="data:${mime};base64,${Buffer.from(data).toString("base64")}" ${attrs}>`;
}

/** A report section with an id for the table of contents. */
export interface Section {
  id: string;
  title: string;
  html: string;
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24;background:#fafafa}
main{max-width:1100px;margin:0 auto;padding:1rem 2rem 4rem}
h1{font-size:1.6rem}h2{border-bottom:1px solid #ccd;padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0;background:#fff}
th,td{border:1px solid #d8dbe0;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f5}.empty{color:#777;font-style:italic}
.note{background:#fff7e0;border-left:4px solid #e0a800;padding:.5rem 1rem}
.status-done{color:#1a7f37}.status-failed,.status-blocked,.status-inputs-missing{color:#c62828}.status-unavailable{color:#8a6d00}
figure{display:inline-block;margin:.5rem;vertical-align:top;max-width:100%}figure img{max-width:100%;border:1px solid #ddd;background:#fff}
figcaption{font-size:.8rem;color:#444}pre{background:#fff;border:1px solid #ddd;padding:.5rem;overflow:auto;font-size:.75rem;max-height:30rem}
nav ul{columns:3;font-size:.9rem}`;

/** The whole page: title, table of contents, sections. No scripts, no external resources. */
export function page(title: string, intro: string, sections: readonly Section[]): string {
  const toc = sections.map((s) => `<li><a href="#${esc(s.id)}">${esc(s.title)}</a></li>`).join("");
  const body = sections.map((s) => `<section id="${esc(s.id)}"><h2>${esc(s.title)}</h2>\n${s.html}\n</section>`).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><link rel="icon" href="data:,"><style>${STYLE}</style></head>
<body><main><h1>${esc(title)}</h1>${intro}<nav><ul>${toc}</ul></nav>
${body}
</main></body></html>
`;
}
