import { open, type FileHandle } from "node:fs/promises";
import { WsiError } from "../errors";

/**
 * Positioned reads from one open file; never loads the whole file.
 * Every read is bounds-checked against the file size so a corrupt offset becomes a `CORRUPT` WsiError.
 */
export class FileSource {
  readonly path: string;
  readonly size: number;
  private handle: FileHandle | undefined;

  private constructor(path: string, handle: FileHandle, size: number) {
    this.path = path;
    this.handle = handle;
    this.size = size;
  }

  /** Opens `path` read-only; a missing or unreadable file becomes a `NOT_FOUND` WsiError. */
  static async open(path: string): Promise<FileSource> {
    let handle: FileHandle;
    try {
      handle = await open(path, "r");
    } catch (cause) {
      throw new WsiError("NOT_FOUND", path, `cannot open file (${(cause as NodeJS.ErrnoException).code ?? "error"})`, { cause });
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new Error("not a regular file");
      return new FileSource(path, handle, stat.size);
    } catch (cause) {
      await handle.close().catch(() => undefined);
      throw new WsiError("NOT_FOUND", path, "not a regular file", { cause });
    }
  }

  /** Reads exactly `length` bytes at `offset` (bytes); fails with `CORRUPT` when the range leaves the file. */
  async read(offset: number, length: number, what = "data"): Promise<Uint8Array> {
    const handle = this.handle;
    if (handle === undefined) throw new WsiError("CLOSED", this.path, "slide is closed");
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > this.size) {
      throw new WsiError("CORRUPT", this.path, `${what} at byte ${offset} (+${length}) lies outside the file (${this.size} bytes)`);
    }
    const buf = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await handle.read(buf, done, length - done, offset + done);
      if (bytesRead === 0) throw new WsiError("CORRUPT", this.path, `${what}: unexpected end of file at byte ${offset + done}`);
      done += bytesRead;
    }
    return buf;
  }

  /** True until `close()` is called. */
  get isOpen(): boolean {
    return this.handle !== undefined;
  }

  /** Closes the file handle; safe to call twice. */
  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    if (handle !== undefined) await handle.close();
  }
}
