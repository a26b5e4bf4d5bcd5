export { WsiError } from "./errors";
export type { WsiErrorCode } from "./errors";
export type { LevelInfo, Mpp, OpenSlideOptions, RegionRequest, RgbaImage, Slide, Vendor } from "./types";
