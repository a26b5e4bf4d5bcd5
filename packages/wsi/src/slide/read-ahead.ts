/**
 * Sequential read-ahead along tile rows. When successive reads walk a tile row left to right (each
 * read's tiles on the row start at or just after the last read's rightmost column there, or at column 0
 * right after a read that ended a row: one more step of its width would have reached the row's last
 * tile, which a scan of whole regions may never read), the tiles ahead of the scan are named so the slide
 * can decode them in batched calls (stacked JPEG tiles share one libjpeg call) before they are asked
 * for, the next run decoding in the background while the current one is painted. Runs start at 4 tiles
 * and double while the scan goes on (as the kernel's file read-ahead does), so a scan that stops soon
 * (a short stretch of tissue) wastes little. Once the schedule of the lowest row a scan reads reaches
 * the row's end, the first run of the row below is named too, so that it decodes while the scan
 * finishes its row rather than when the next row starts. Random reads rarely look sequential and get
 * nothing extra.
 */
export class ReadAhead {
  /**
   * Per `level/row`: rightmost column of the last read on the row (-1: none yet, the row was named
   * ahead of a scan reaching it), the first column not yet scheduled, and the size of the last run
   * scheduled (0: none since the scan started).
   */
  private readonly rows = new Map<string, { last: number; ahead: number; size: number }>();
  /** Per level: whether the last read ended a row (see above), and the last run's size. */
  private readonly levels = new Map<number, { endedRow: boolean; size: number }>();
  /** Whether the last read {@link next} recorded continued a left-to-right scan on any of its rows. */
  scanning = false;

  /**
   * Records a read of `indices` (tiles of `level`, `tilesAcross` per row) and returns the tile indices
   * to decode ahead of it, left to right (often none). `run` is the largest run in tiles; below 2
   * disables read-ahead.
   */
  next(level: number, tilesAcross: number, indices: readonly number[], run: number): number[] {
    this.scanning = false;
    if (run < 2) return [];
    // columns [min, max] the read touches on each row
    const spans = new Map<number, [number, number]>();
    for (const i of indices) {
      const row = Math.floor(i / tilesAcross);
      const col = i - row * tilesAcross;
      const s = spans.get(row);
      if (s === undefined) spans.set(row, [col, col]);
      else { if (col < s[0]) s[0] = col; if (col > s[1]) s[1] = col; }
    }
    let lv = this.levels.get(level);
    if (lv === undefined) this.levels.set(level, (lv = { endedRow: false, size: 0 }));
    // a read that starts a row right after the last read ended one continues a row-by-row scan
    const wrapped = lv.endedRow;
    lv.endedRow = false;
    const first = Math.min(run, FIRST_RUN);
    const extra: number[] = [];
    for (const [row, [a, b]] of spans) {
      if (b + (b - a + 1) >= tilesAcross - 1) lv.endedRow = true;
      const wrap = a === 0 && wrapped;
      const key = `${level}/${row}`;
      let st = this.rows.get(key);
      let sequential = wrap;
      if (st === undefined) {
        if (this.rows.size >= 4096) this.rows.clear(); // bounded: only recently scanned rows matter
        this.rows.set(key, (st = { last: b, ahead: b + 1, size: 0 }));
      } else {
        sequential = wrap || (a <= st.last + 1 && b > st.last);
        if (sequential && (!wrap || st.last < 0)) {
          // (a row named ahead, now reached: its schedule goes on)
          st.ahead = Math.max(st.ahead, b + 1);
        } else {
          // a jump or a new pass restarts the schedule (tiles scheduled before may have been evicted since)
          st.ahead = b + 1;
          st.size = 0;
        }
        st.last = b;
      }
      if (sequential) this.scanning = true;
      if (!sequential || st.ahead >= tilesAcross) continue;
      // keep at least half the last run scheduled beyond the read, so the next one decodes meanwhile
      if (st.size > 0 && st.ahead - b > st.size / 2) continue;
      const size = st.size > 0 ? Math.min(run, st.size * 2) : wrap ? Math.max(first, Math.min(run, lv.size)) : first;
      const end = Math.min(tilesAcross, st.ahead + size);
      for (let c = st.ahead; c < end; c++) extra.push(row * tilesAcross + c);
      st.ahead = end;
      st.size = size;
      lv.size = size;
    }
    if (this.scanning) this.nameRowBelow(level, tilesAcross, spans, extra, Math.min(run, Math.max(first, lv.size)));
    return extra;
  }

  /**
   * When the schedule of the lowest row in `spans` has reached the row's end, appends to `extra` the
   * first `size` tiles of the row below (once; the caller drops tiles beyond the level) and records
   * them as scheduled, so that the scan goes on from them when it gets there.
   */
  private nameRowBelow(level: number, tilesAcross: number, spans: Map<number, [number, number]>, extra: number[], size: number): void {
    const lowest = Math.max(...spans.keys());
    const st = this.rows.get(`${level}/${lowest}`);
    if (st === undefined || st.ahead < tilesAcross) return;
    const below = `${level}/${lowest + 1}`;
    if (this.rows.has(below)) return;
    const end = Math.min(tilesAcross, size);
    for (let c = 0; c < end; c++) extra.push((lowest + 1) * tilesAcross + c);
    this.rows.set(below, { last: -1, ahead: end, size });
  }

  /** Forgets every row (e.g. when the slide is closed). */
  clear(): void {
    this.rows.clear();
    this.levels.clear();
  }
}

/** Tiles in the first run of a scan. */
const FIRST_RUN = 4;
