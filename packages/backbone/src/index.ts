// Public API of @osfm/backbone: see README.md.
export { createEncoder, registerArchitecture } from "./encoder/create-encoder";
export type { Architecture, ArchitectureBuildOptions, CreateEncoderOptions } from "./encoder/create-encoder";
export type { Encoder } from "./encoder/encoder";
export { encoderId } from "./encoder/encoder";
export { BackboneError, WeightsMismatchError } from "./errors";
export type { BackboneErrorCode } from "./errors";
export { extractFeatures } from "./extract/extract-features";
export type { ExtractFeaturesOptions, ExtractResult } from "./extract/extract-features";
export { manifestHash } from "./extract/manifest-hash";
export { readTileRgb } from "./extract/read-tile";
export type { TileReader } from "./extract/read-tile";
export { FEATURE_FORMAT_VERSION, readFeatureFile, readFeatureHeader, writeFeatureFile } from "./features/feature-file";
export type { FeatureFile, FeatureFileAttributes } from "./features/feature-file";
export { featureFilePath, scaleFolder } from "./features/layout";
export { IMAGENET_NORMALIZATION, tilesToTensor } from "./preprocess/normalize";
export type { Normalization } from "./preprocess/normalize";
export { resizeBilinearPil } from "./preprocess/pil-bilinear";
export type { BackboneArch, ExtractProgress, FeatureDtype, TileRow } from "./types";
