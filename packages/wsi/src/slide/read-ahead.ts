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
  private readonly levels = new Map<number, { endedRow: boolean; size: number; lastX: number; lastY: number }>();
  /** Whether the last read {@link next} recorded continued a left-to-right scan on any of its rows. */
  scanning = false;
  /**
   * For the last read {@link next} recorded: the first tile column and row a scan going on from it
   * does not reach (the level's tile counts when the read gave no `area`).
   */
  reachEnd = { column: 0, row: 0 };

  /**
   * Records a read of `indices` (tiles of `level`, `tilesAcross` per row) and returns the tile indices
   * to decode ahead of it, left to right (often none). `run` is the largest run in tiles; below 2
   * disables read-ahead. With `area`, no tile is named beyond what a scan of such regions can reach
   * (see {@link scanReach}).
   */
  next(level: number, tilesAcross: number, indices: readonly number[], run: number, area?: ReadArea): number[] {
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
    if (lv === undefined) this.levels.set(level, (lv = { endedRow: false, size: 0, lastX: Number.NaN, lastY: Number.NaN }));
    // the step across: what the scan moved by on this row, else the region's width
    const moved = area === undefined ? 0 : area.x - lv.lastX;
    const stepX = area !== undefined && area.y === lv.lastY && moved > 0 && moved <= area.width ? moved : (area?.width ?? 1);
    if (area !== undefined) { lv.lastX = area.x; lv.lastY = area.y; }
    const reach = area === undefined || area.width <= 0 || area.height <= 0 ? undefined : scanReach(area, stepX);
    const rowEnd = reach === undefined ? tilesAcross : Math.min(tilesAcross, reach.lastColumn + 1);
    this.reachEnd = { column: rowEnd, row: reach === undefined ? Number.POSITIVE_INFINITY : reach.lastRow + 1 };
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
      if (!sequential || st.ahead >= rowEnd) continue;
      // keep at least half the last run scheduled beyond the read, so the next one decodes meanwhile
      if (st.size > 0 && st.ahead - b > st.size / 2) continue;
      const size = st.size > 0 ? Math.min(run, st.size * 2) : wrap ? Math.max(first, Math.min(run, lv.size)) : first;
      const end = Math.min(rowEnd, st.ahead + size);
      for (let c = st.ahead; c < end; c++) extra.push(row * tilesAcross + c);
      st.ahead = end;
      st.size = size;
      lv.size = size;
    }
    if (this.scanning && (reach === undefined || Math.max(...spans.keys()) < reach.lastRow)) {
      this.nameRowBelow(level, tilesAcross, rowEnd, spans, extra, Math.min(run, Math.max(first, lv.size)));
    }
    return extra;
  }

  /**
   * When the schedule of the lowest row in `spans` has reached the row's end (`rowEnd`, the first
   * column the scan does not reach), appends to `extra` the first `size` tiles of the row below (once;
   * the caller drops tiles beyond the level) and records them as scheduled, so that the scan goes on
   * from them when it gets there.
   */
  private nameRowBelow(level: number, tilesAcross: number, rowEnd: number, spans: Map<number, [number, number]>, extra: number[], size: number): void {
    const lowest = Math.max(...spans.keys());
    const st = this.rows.get(`${level}/${lowest}`);
    if (st === undefined || st.ahead < rowEnd) return;
    const below = `${level}/${lowest + 1}`;
    if (this.rows.has(below)) return;
    const end = Math.min(rowEnd, size);
    for (let c = 0; c < end; c++) extra.push((lowest + 1) * tilesAcross + c);
    this.rows.set(below, { last: -1, ahead: end, size });
  }

  /** Forgets every row (e.g. when the slide is closed). */
  clear(): void {
    this.rows.clear();
    this.levels.clear();
  }
}

/**
 * Where a read lies in its level (level pixels), so that read-ahead stops at the tiles a continuing
 * scan can reach: a scan of whole `width × height` regions, stepping by the region's size (or by the
 * step seen between its last two reads on the row), never reads the strip at the level's right and
 * bottom edges narrower than one step.
 */
export interface ReadArea {
  x: number;
  y: number;
  width: number;
  height: number;
  levelWidth: number;
  levelHeight: number;
  tileWidth: number;
  tileHeight: number;
}

/**
 * The last tile column and row a scan going on from `area` reads when each step is `stepX` across and
 * the region's height down and only whole regions are read (never fewer than the read's own tiles).
 */
export function scanReach(area: ReadArea, stepX: number): { lastColumn: number; lastRow: number } {
  const { x, y, width, height, levelWidth, levelHeight, tileWidth, tileHeight } = area;
  const right = x + width + Math.max(0, Math.floor((levelWidth - x - width) / stepX)) * stepX;
  const bottom = y + height + Math.max(0, Math.floor((levelHeight - y - height) / height)) * height;
  return { lastColumn: Math.ceil(right / tileWidth) - 1, lastRow: Math.ceil(bottom / tileHeight) - 1 };
}

/** Tiles in the first run of a scan. */
const FIRST_RUN = 4;
