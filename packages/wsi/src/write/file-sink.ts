import { open, type FileHandle } from "node:fs/promises";

/** Appends byte blocks to a file through a bounded buffer and knows the offset of every block. */
export class FileSink {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  /** File offset at which the next appended byte lands. */
  position: number;

  private constructor(
    private readonly handle: FileHandle,
    start: number,
    private readonly flushBytes: number,
  ) {
    this.position = start;
  }

  /** Opens (truncating) `path` and starts appending at `start`. */
  static async create(path: string, start: number, flushBytes = 8 << 20): Promise<FileSink> {
    const handle = await open(path, "w");
    return new FileSink(handle, start, flushBytes);
  }

  /** Appends `bytes`; returns the offset where they start. */
  async append(bytes: Uint8Array): Promise<number> {
    const at = this.position;
    this.chunks.push(bytes);
    this.buffered += bytes.length;
    this.position += bytes.length;
    if (this.buffered >= this.flushBytes) await this.flush();
    return at;
  }

  /** Writes buffered blocks to disk. */
  async flush(): Promise<void> {
    if (this.buffered === 0) return;
    const chunks = this.chunks;
    const at = this.position - this.buffered;
    this.chunks = [];
    this.buffered = 0;
    await this.handle.writev(chunks, at);
  }

  /** Writes `bytes` at an absolute offset (used to patch the header). */
  async writeAt(bytes: Uint8Array, at: number): Promise<void> {
    await this.flush();
    await this.handle.write(bytes, 0, bytes.length, at);
  }

  async close(): Promise<void> {
    await this.flush();
    await this.handle.close();
  }
}
