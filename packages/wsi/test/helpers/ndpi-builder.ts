import sharp from "sharp";
import { halve } from "./pyramid";
import { basicTags, type ImageSpec, type TagSpec, testPicture } from "./tiff-builder";

/** Entropy-coded data of a JPEG (between the SOS header and EOI). */
function scanData(jpeg: Uint8Array): { header: Uint8Array; data: Uint8Array } {
  let p = 2;
  while (p + 4 <= jpeg.length) {
    const marker = jpeg[p + 1] as number;
    const len = ((jpeg[p + 2] as number) << 8) | (jpeg[p + 3] as number);
    if (marker === 0xda) {
      const start = p + 2 + len;
      return { header: jpeg.subarray(0, start), data: jpeg.subarray(start, jpeg.length - 2) };
    }
    p += 2 + len;
  }
  throw new Error("no SOS");
}

/**
 * One JPEG of `width × height` with a restart marker after every `interval` MCUs (8×8 MCUs for 4:4:4,
 * 16×16 for 4:2:0), made
 * by encoding each interval as its own small JPEG (same standard tables) and concatenating the scans.
 * Returns the stream and the offsets of every interval's data (NDPI McuStarts).
 */
export async function restartJpeg(rgb: Uint8Array, width: number, height: number, interval: number, quality = 85, subsampling: "4:4:4" | "4:2:0" = "4:4:4"): Promise<{ jpeg: Uint8Array; starts: number[] }> {
  const mcu = subsampling === "4:2:0" ? 16 : 8;
  const bw = interval * mcu;
  if ((width / mcu) % interval !== 0) throw new Error("interval must divide MCUs per row");
  const blocks: Uint8Array[] = [];
  let header: Uint8Array | undefined;
  for (let by = 0; by < Math.ceil(height / mcu); by++) {
    for (let bx = 0; bx < width / bw; bx++) {
      const block = new Uint8Array(bw * mcu * 3);
      for (let y = 0; y < mcu; y++) {
        const sy = Math.min(height - 1, by * mcu + y);
        block.set(rgb.subarray((sy * width + bx * bw) * 3, (sy * width + bx * bw + bw) * 3), y * bw * 3);
      }
      const enc = new Uint8Array(await sharp(block, { raw: { width: bw, height: mcu, channels: 3 } })
        .jpeg({ quality, chromaSubsampling: subsampling, optimiseCoding: false })
        .toBuffer());
      const s = scanData(enc);
      header ??= s.header;
      blocks.push(s.data);
    }
  }
  const head = (header as Uint8Array).slice();
  // patch SOF0 dimensions and insert DRI before SOS
  let p = 2;
  let sosAt = 0;
  while (p < head.length) {
    const marker = head[p + 1] as number;
    const len = ((head[p + 2] as number) << 8) | (head[p + 3] as number);
    if (marker === 0xc0) {
      head[p + 5] = height >> 8; head[p + 6] = height & 0xff;
      head[p + 7] = width >> 8; head[p + 8] = width & 0xff;
    }
    if (marker === 0xda) { sosAt = p; break; }
    p += 2 + len;
  }
  const dri = Uint8Array.from([0xff, 0xdd, 0x00, 0x04, interval >> 8, interval & 0xff]);
  const parts: Uint8Array[] = [head.subarray(0, sosAt), dri, head.subarray(sosAt)];
  let offset = head.length + dri.length;
  const starts: number[] = [];
  blocks.forEach((b, i) => {
    starts.push(offset);
    parts.push(b);
    offset += b.length;
    if (i < blocks.length - 1) {
      parts.push(Uint8Array.from([0xff, 0xd0 + (i % 8)]));
      offset += 2;
    }
  });
  parts.push(Uint8Array.from([0xff, 0xd9]));
  const jpeg = new Uint8Array(parts.reduce((n, q) => n + q.length, 0));
  let o = 0;
  for (const q of parts) { jpeg.set(q, o); o += q.length; }
  return { jpeg, starts };
}

function ndpiTags(lens: number, extra: TagSpec[] = []): TagSpec[] {
  return [
    { tag: 271, type: "ascii", value: "Hamamatsu" },
    { tag: 272, type: "ascii", value: "C13220" },
    { tag: 282, type: "rational", value: [43478.2609] },
    { tag: 283, type: "rational", value: [43478.2609] },
    { tag: 296, type: "short", value: [3] },
    { tag: 65420, type: "long", value: [1] },
    { tag: 65421, type: "float", value: [lens] },
    { tag: 65422, type: "slong", value: [-1234] },
    { tag: 65423, type: "slong", value: [5678] },
    { tag: 65424, type: "slong", value: [0] },
    { tag: 65427, type: "float", value: [0] },
    { tag: 65449, type: "ascii", value: "Objective.Lens.Magnificant=20.000000\r\nImageFileFormat=NDP.scan\r\n" },
    ...extra,
  ];
}

/** An NDPI-like file: levels as single JPEG strips with restart markers and McuStarts, plus a macro. */
export async function buildNdpiImages(width = 512, height = 200, interval = 8, options: { picture?: Uint8Array; subsampling?: "4:4:4" | "4:2:0" } = {}): Promise<ImageSpec[]> {
  let level = { data: options.picture ?? testPicture(width, height), width, height };
  const images: ImageSpec[] = [];
  for (let i = 0; i < 2; i++) {
    const { jpeg, starts } = await restartJpeg(level.data, level.width, level.height, interval, 85, options.subsampling);
    images.push({
      tiled: false,
      chunks: [jpeg],
      tags: [
        ...basicTags({ width: level.width, height: level.height, compression: 7, photometric: 6 }),
        ...ndpiTags(20, [{ tag: 65426, type: "long", value: starts }]),
      ],
    });
    level = halve(level.data, level.width, level.height, 3);
    level = { ...level, width: level.width };
  }
  const macroRgb = testPicture(120, 40, 3, 5);
  const macro = new Uint8Array(await sharp(macroRgb, { raw: { width: 120, height: 40, channels: 3 } }).jpeg({ quality: 90 }).toBuffer());
  images.push({ tiled: false, chunks: [macro], tags: [...basicTags({ width: 120, height: 40, compression: 7, photometric: 6 }), ...ndpiTags(-1)] });
  return images;
}
