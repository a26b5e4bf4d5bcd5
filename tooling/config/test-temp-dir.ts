import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, onTestFinished } from "vitest";

const remove = (dir: string) => () => rmSync(dir, { recursive: true, force: true });

/** A fresh folder in the OS temp dir, removed when the current test finishes. Call inside a test. */
export function testTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  onTestFinished(remove(dir));
  return dir;
}

/** A fresh folder in the OS temp dir, removed after the enclosing file or describe block. Call at suite level. */
export function suiteTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  afterAll(remove(dir));
  return dir;
}
