import { open, type FileHandle } from "node:fs/promises";
import { WsiError } from "../errors";

/** Bytes read eagerly at open (TIFF header and, usually, the IFDs). */
const HEAD_BYTES = 64 * 1024;

/**
 * Positioned reads from one open file; never loads the whole file.
 * Every read is bounds-checked against the file size so a corrupt offset becomes a `CORRUPT` WsiError.
 */
export class FileSource {
  readonly path: string;
  readonly size: number;
  private handle: FileHandle | undefined;
  /** The first bytes of the file, read once at open: headers and most IFDs are served from here. */
  private head: Uint8Array = new Uint8Array(0);
  /** Reads by native code through the descriptor ({@link withDescriptor}) still running: close waits for them. */
  private readonly descriptorUsers = new Set<Promise<unknown>>();

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
      const source = new FileSource(path, handle, stat.size);
      const headLength = Math.min(stat.size, HEAD_BYTES);
      const head = new Uint8Array(headLength);
      let done = 0;
      while (done < headLength) {
        const { bytesRead } = await handle.read(head, done, headLength - done, done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      source.head = head.subarray(0, done);
      return source;
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
    if (offset + length <= this.head.length) return this.head.slice(offset, offset + length);
    const buf = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await handle.read(buf, done, length - done, offset + done);
      if (bytesRead === 0) throw new WsiError("CORRUPT", this.path, `${what}: unexpected end of file at byte ${offset + done}`);
      done += bytesRead;
    }
    return buf;
  }

  /**
   * Runs `use` with the file's descriptor, for native code that reads `length` bytes at `offset` itself
   * (off the JavaScript thread); the range is checked as {@link read} checks it, and the descriptor stays
   * open until the returned promise settles (close waits for it).
   */
  withDescriptor<T>(offset: number, length: number, what: string, use: (fd: number) => Promise<T>): Promise<T> {
    const handle = this.handle;
    if (handle === undefined) return Promise.reject(new WsiError("CLOSED", this.path, "slide is closed"));
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > this.size) {
      return Promise.reject(new WsiError("CORRUPT", this.path, `${what} at byte ${offset} (+${length}) lies outside the file (${this.size} bytes)`));
    }
    let running: Promise<T>;
    try {
      running = use(handle.fd);
    } catch (err) {
      return Promise.reject(err);
    }
    const settled = running.then(() => undefined, () => undefined);
    this.descriptorUsers.add(settled);
    void settled.then(() => this.descriptorUsers.delete(settled));
    return running;
  }

  /** True until `close()` is called. */
  get isOpen(): boolean {
    return this.handle !== undefined;
  }

  /** Closes the file handle; safe to call twice. */
  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    if (handle === undefined) return;
    await Promise.all(this.descriptorUsers);
    await handle.close();
  }
}
