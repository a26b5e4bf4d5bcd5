/** TIFF tag numbers used by the readers and the writer (TIFF 6.0, BigTIFF, Aperio, NDPI). */
export const Tag = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  PhotometricInterpretation: 262,
  ImageDescription: 270,
  Make: 271,
  Model: 272,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  XResolution: 282,
  YResolution: 283,
  PlanarConfiguration: 284,
  ResolutionUnit: 296,
  Software: 305,
  DateTime: 306,
  Predictor: 317,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  SubIFDs: 330,
  ExtraSamples: 338,
  SampleFormat: 339,
  JPEGTables: 347,
  YCbCrSubsampling: 530,
  ReferenceBlackWhite: 532,
  ImageDepth: 32997,
  NdpiFormatFlag: 65420,
  NdpiSourceLens: 65421,
  NdpiXOffsetFromCenter: 65422,
  NdpiYOffsetFromCenter: 65423,
  NdpiFocalPlane: 65424,
  NdpiMcuStarts: 65426,
  NdpiReference: 65427,
  NdpiMcuStartsHigh: 65432,
  NdpiPropertyMap: 65449,
} as const;

/** TIFF Compression values. */
export const Compression = {
  None: 1,
  Lzw: 5,
  OldJpeg: 6,
  Jpeg: 7,
  AdobeDeflate: 8,
  PackBits: 32773,
  Deflate: 32946,
  Jpeg2000YCbCr: 33003,
  Jpeg2000Rgb: 33005,
  Zstd: 50000,
} as const;

/** TIFF PhotometricInterpretation values. */
export const Photometric = {
  MinIsWhite: 0,
  MinIsBlack: 1,
  Rgb: 2,
  Palette: 3,
  YCbCr: 6,
} as const;

/** TIFF field types with their byte sizes (BigTIFF adds LONG8/SLONG8/IFD8). */
export const FieldType = {
  BYTE: 1,
  ASCII: 2,
  SHORT: 3,
  LONG: 4,
  RATIONAL: 5,
  SBYTE: 6,
  UNDEFINED: 7,
  SSHORT: 8,
  SLONG: 9,
  SRATIONAL: 10,
  FLOAT: 11,
  DOUBLE: 12,
  IFD: 13,
  LONG8: 16,
  SLONG8: 17,
  IFD8: 18,
} as const;

export const fieldTypeSize: Readonly<Record<number, number>> = {
  1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8,
};
