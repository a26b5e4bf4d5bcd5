/** What the Aperio ImageDescription says about a slide. */
export interface AperioInfo {
  width: number;
  height: number;
  tileSize: number;
  compressionLabel: string;
  quality: number;
  mpp: number | undefined;
  objectivePower: number | undefined;
  extra: Record<string, string | number>;
}

/** First line of every description: OpenSlide recognises Aperio files by the `Aperio` prefix. */
export const APERIO_HEADER = "Aperio Image Library v12.0.0 (@osfm/wsi)";

function properties(info: AperioInfo): string {
  const pairs: [string, string | number][] = [];
  if (info.objectivePower !== undefined) pairs.push(["AppMag", info.objectivePower]);
  if (info.mpp !== undefined) pairs.push(["MPP", info.mpp]);
  pairs.push(["Filtered", 5]);
  for (const [k, v] of Object.entries(info.extra)) pairs.push([k, v]);
  return pairs.map(([k, v]) => `|${k} = ${v}`).join("");
}

/** Level-0 description, e.g. `Aperio Image Library …\r\n40000x30000 [0,0 40000x30000] (256x256) JPEG/RGB Q=90|AppMag = 20|MPP = 0.5`. */
export function aperioLevel0Description(info: AperioInfo): string {
  const { width: w, height: h, tileSize: t } = info;
  return `${APERIO_HEADER}\r\n${w}x${h} [0,0 ${w}x${h}] (${t}x${t}) ${info.compressionLabel} Q=${info.quality}${properties(info)}`;
}

/** Description of a reduced level or of the thumbnail: `… -> WxH - |…`. */
export function aperioReducedDescription(info: AperioInfo, width: number, height: number): string {
  const { width: w, height: h, tileSize: t } = info;
  return `${APERIO_HEADER}\r\n${w}x${h} [0,0 ${w}x${h}] (${t}x${t}) -> ${width}x${height} ${info.compressionLabel} Q=${info.quality}${properties(info)}`;
}

/** Description of a label or macro image: OpenSlide takes the first word of the second line as its name. */
export function aperioAssociatedDescription(name: "label" | "macro", width: number, height: number): string {
  return `${APERIO_HEADER}\n${name} ${width}x${height}`;
}
