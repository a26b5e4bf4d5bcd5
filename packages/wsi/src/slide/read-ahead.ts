/**
 * Sequential read-ahead along tile rows. When successive reads walk a tile row left to right (each
 * read's tiles on the row start at or just after the last read's rightmost column there, or at column 0
 * right after a read that reached the end of a row), the tiles
 * ahead of the scan are named so the slide can decode a run of them in one batched call (stacked JPEG
 * tiles share one libjpeg call) before they are asked for, and keep the next run decoding in the
 * background while the current one is painted. Random reads rarely look sequential and get nothing
 * extra.
 */
export class ReadAhead {
  /** Per `level/row`: rightmost column of the last read on the row, and the first column not yet scheduled. */
  private readonly rows = new Map<string, { last: number; ahead: number }>();
  /** Per level: whether the last read reached the last column of a row. */
  private readonly endedRow = new Map<number, boolean>();

  /**
   * Records a read of `indices` (tiles of `level`, `tilesAcross` per row) and returns the tile indices
   * to decode ahead of it, left to right (often none). `run` is the number of tiles per read-ahead run;
   * below 2 disables read-ahead.
   */
  next(level: number, tilesAcross: number, indices: readonly number[], run: number): number[] {
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
    // a read that starts a row right after the last read ended one continues a row-by-row scan
    const wrapped = this.endedRow.get(level) === true;
    let endsRow = false;
    const extra: number[] = [];
    for (const [row, [a, b]] of spans) {
      if (b === tilesAcross - 1) endsRow = true;
      const wrap = a === 0 && wrapped;
      const key = `${level}/${row}`;
      let st = this.rows.get(key);
      let sequential: boolean;
      if (st === undefined) {
        if (this.rows.size >= 4096) this.rows.clear(); // bounded: only recently scanned rows matter
        st = { last: b, ahead: b + 1 };
        this.rows.set(key, st);
        sequential = wrap;
      } else {
        sequential = wrap || (a <= st.last + 1 && b > st.last);
        // a jump or a new pass restarts the schedule (tiles scheduled before may have been evicted since)
        st.ahead = sequential && !wrap ? Math.max(st.ahead, b + 1) : b + 1;
        st.last = b;
      }
      // keep at least half a run scheduled beyond the read: the next run decodes while this one is used
      if (!sequential || st.ahead - b > run / 2 || st.ahead >= tilesAcross) continue;
      const end = Math.min(tilesAcross, st.ahead + Math.floor(run));
      for (let c = st.ahead; c < end; c++) extra.push(row * tilesAcross + c);
      st.ahead = end;
    }
    this.endedRow.set(level, endsRow);
    return extra;
  }

  /** Forgets every row (e.g. when the slide is closed). */
  clear(): void {
    this.rows.clear();
    this.endedRow.clear();
  }
}
