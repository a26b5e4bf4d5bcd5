import { describe, expect, it } from "vitest";
import { FileSource } from "../src/io/file-source";
import { readTiff } from "../src/tiff/ifd";
import { TiffImage } from "../src/tiff/image";
import { stackJpegTiles } from "../src/codecs/jpeg-stack";
import { fixture, haveFixtures } from "./fixtures";

describe.skipIf(!haveFixtures)("stacked JPEG tile decoding", () => {
  it("decodes Aperio tiles together bit-identically to decoding them one by one", async () => {
    const source = await FileSource.open(fixture("aperio_CMU-1-Small-Region.svs"));
    const tiff = await readTiff(source);
    const image = new TiffImage(tiff, tiff.ifds[0] as NonNullable<(typeof tiff.ifds)[0]>);
    const indices = [0, 1, 7, 12, 13, 40, image.tileCount - 1];
    const raws = await Promise.all(indices.map(async (i) => (await image.readRaw(i)) as Uint8Array));
    expect(stackJpegTiles(raws, image.jpegTables, true, image.tileWidth, image.tileHeight)).toBeDefined();
    const together = await image.readTilesRgba(indices);
    const alone = await Promise.all(indices.map((i) => image.readTileRgba(i)));
    together.forEach((t, k) => expect(Buffer.compare(Buffer.from(t as Uint8Array), Buffer.from(alone[k] as Uint8Array)), `tile ${indices[k]}`).toBe(0));
    // tiles with different headers are not stacked
    const other = raws[0]?.slice() as Uint8Array;
    other[5] = (other[5] as number) ^ 1;
    expect(stackJpegTiles([raws[1] as Uint8Array, other], image.jpegTables, true, image.tileWidth, image.tileHeight)).toBeUndefined();
    await source.close();
  });
});
