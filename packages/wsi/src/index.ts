export { WsiError } from "./errors";
export type { WsiErrorCode } from "./errors";
export type { LevelInfo, Mpp, OpenSlideOptions, RegionRequest, RgbaImage, Slide, Vendor } from "./types";
export { writeSlide } from "./write/write-slide";
export { tileEncoders } from "./write/tile-encoders";
export type { EncodeSettings, TileEncoder } from "./write/tile-encoders";
export type { RasterImage, SlideFileFormat, SlideSource, TileCompression, WriteProgress, WriteSlideOptions, WriteSlideResult } from "./write/types";
