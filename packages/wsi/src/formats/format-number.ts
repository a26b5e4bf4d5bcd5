/** Formats like C's `%.17g` (how OpenSlide prints level downsamples and TIFF float tags). */
export function formatG17(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const exp = Math.floor(Math.log10(Math.abs(value)));
  if (exp < -4 || exp >= 17) {
    const [mant = "", e = "0"] = value.toExponential(16).split("e");
    const m = mant.includes(".") ? mant.replace(/0+$/, "").replace(/\.$/, "") : mant;
    const n = Number(e);
    return `${m}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  const s = value.toPrecision(17);
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

/** Formats the shortest decimal that round-trips (how OpenSlide prints mpp and objective power). */
export function formatShortest(value: number): string {
  return String(value);
}
