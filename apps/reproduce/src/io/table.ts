import { readFile } from "node:fs/promises";
import { Bool, Float64, Int32, Table, Utf8, type Vector, tableFromIPC, tableToIPC, vectorFromArray, type DataType } from "apache-arrow";
import { writeFileAtomic } from "./atomic";

/** Column types the app writes; every column is nullable. */
export type ColumnKind = "string" | "float" | "int" | "bool";

/** A column schema: name → kind, in output order. */
export type TableSchema = ReadonlyArray<readonly [name: string, kind: ColumnKind]>;

const KIND_TYPE: Record<ColumnKind, () => DataType> = {
  string: () => new Utf8(),
  float: () => new Float64(),
  int: () => new Int32(),
  bool: () => new Bool(),
};

function coerce(kind: ColumnKind, v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (kind === "string") return String(v);
  if (kind === "bool") return Boolean(v);
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? (kind === "int" ? Math.trunc(n) : n) : null;
}

/** Builds an Arrow table from row objects with an explicit schema (so empty tables keep their columns). */
export function rowsToTable(schema: TableSchema, rows: readonly Record<string, unknown>[]): Table {
  const columns: Record<string, Vector> = {};
  for (const [name, kind] of schema) {
    columns[name] = vectorFromArray(rows.map((r) => coerce(kind, r[name])) as never[], KIND_TYPE[kind]() as never);
  }
  return new Table(columns);
}

/** Writes rows as an Arrow IPC file (readable by pyarrow.ipc / pandas.read_feather), atomically. */
export async function writeArrowRows(path: string, schema: TableSchema, rows: readonly Record<string, unknown>[]): Promise<void> {
  await writeFileAtomic(path, tableToIPC(rowsToTable(schema, rows), "file"));
}

/** Reads an Arrow IPC file (file or stream format) into plain row objects. */
export async function readArrowRows(path: string): Promise<Record<string, unknown>[]> {
  const table = tableFromIPC(await readFile(path));
  const names = table.schema.fields.map((f) => f.name);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const row: Record<string, unknown> = {};
    for (const name of names) {
      const v = table.getChild(name)?.get(i);
      row[name] = typeof v === "bigint" ? Number(v) : v;
    }
    out.push(row);
  }
  return out;
}
