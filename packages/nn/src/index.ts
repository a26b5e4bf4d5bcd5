// Public API of @osfm/nn: see README.md.
export { ShapeError, NonFiniteError, WeightsError } from "./errors.js";
export { Graph, Tensor } from "./graph/graph.js";
export { makeData } from "./graph/data.js";
export type { Node, GraphOptions, GraphValue, ParamMode } from "./graph/graph.js";
export { Parameter } from "./graph/parameter.js";
export { attr, broadcastShapes } from "./graph/shape.js";
export { ONNX_DTYPE, DTYPE_BYTES, isFloat, numel, fmtShape } from "./graph/types.js";
export type { DType, Dim, Shape, TensorData, Attr, ConstTensor } from "./graph/types.js";
export {
  add, sub, mul, div, pow, equal, less, greater, neg, exp, log, sqrt, erf, tanh, sigmoid, relu, abs, gelu,
  identity, not, where, cast,
} from "./ops/elementwise.js";
export type { TensorLike } from "./ops/elementwise.js";
export { matmul, gemm } from "./ops/linalg.js";
export type { GemmOptions } from "./ops/linalg.js";
export { softmax, logSoftmax, layerNorm, conv2d, dropout, dropoutUnscaled } from "./ops/nn-ops.js";
export type { Conv2dOptions } from "./ops/nn-ops.js";
export { reduceSum, reduceMean, reduceMax } from "./ops/reduce.js";
export {
  reshape, reshapeTo, transpose, concat, split, slice, gather, unsqueeze, squeeze, shapeOf, expandAs, fullLike, pad,
} from "./ops/shape-ops.js";
export { stochasticDepth } from "./ops/regularize.js";
export { maskedMaxPool, maskedMeanPool, globalAvgPool } from "./ops/pool.js";
export { toOnnxBytes, IR_VERSION, OPSET } from "./onnx/emit.js";
export type { EmitOptions } from "./onnx/emit.js";
export { Session } from "./run/session.js";
export type { SessionOptions, Feed, RunOutput } from "./run/session.js";
export {
  relaunchWithHugePages, withHugePages, withoutHugePages, hugePagesRequested, shouldRelaunchWithHugePages, readThpMode, currentHost, HUGE_PAGES_ENV,
} from "./run/huge-pages.js";
export type { HugePagesHost, ThpMode } from "./run/huge-pages.js";
export { Rng, fillUniform, fillNormal, fillTruncNormal } from "./rng.js";
export { Module } from "./modules/module.js";
export { defaultRng, manualSeed } from "./modules/init.js";
export type { InitOptions } from "./modules/init.js";
export { Layer, GELU, ReLU, Dropout, Sequential, ModuleList } from "./modules/layer.js";
export { Linear } from "./modules/linear.js";
export type { LinearOptions } from "./modules/linear.js";
export { LayerNorm, LayerNorm2d } from "./modules/norm.js";
export type { LayerNormOptions } from "./modules/norm.js";
export { Embedding, learnedToken } from "./modules/embedding.js";
export type { LearnedTokenOptions } from "./modules/embedding.js";
export { MultiheadAttention, MASKED_SCORE } from "./modules/attention.js";
export type { MultiheadAttentionOptions, AttentionCallOptions } from "./modules/attention.js";
export { TransformerEncoderLayer, TransformerEncoder } from "./modules/transformer.js";
export type { TransformerEncoderLayerOptions } from "./modules/transformer.js";
export { Conv2d } from "./modules/conv.js";
export type { Conv2dModuleOptions } from "./modules/conv.js";
export { ConvNeXtBlock, Permute } from "./modules/convnext.js";
export type { ConvNeXtBlockOptions } from "./modules/convnext.js";
export { mlp } from "./modules/mlp.js";
export type { MlpOptions } from "./modules/mlp.js";
export { grad, registerGradRule, differentiableOps } from "./autodiff/grad.js";
export type { GradRule } from "./autodiff/helpers.js";
export { TrainStep, gradOutputName } from "./train/train-step.js";
export type { TrainGraphSpec, TrainStepOptions, TrainStepResult } from "./train/train-step.js";
export { AdamW } from "./train/adamw.js";
export type { AdamWOptions, ParamGroupSpec, ParamGroup } from "./train/adamw.js";
export { clipGradNorm } from "./train/clip.js";
export { warmupCosine, cosineRamp, constant } from "./train/schedule.js";
export type { Schedule, WarmupCosineOptions } from "./train/schedule.js";
export { Ema } from "./train/ema.js";
export type { EmaOptions } from "./train/ema.js";
export { Trainer } from "./train/trainer.js";
export type { TrainerOptions, MicroStepResult } from "./train/trainer.js";
export {
  parseSafetensors, readSafetensors, serializeSafetensors, writeSafetensors, saveWeights, loadWeights,
} from "./io/safetensors.js";
export type { NamedTensor, SafetensorsDType } from "./io/safetensors.js";
export { halfToFloat, floatToHalf, bf16ToFloat } from "./io/half.js";
export { exportOnnx, inferenceOnnxBytes } from "./io/export.js";
export type { ExportInput, ExportOptions } from "./io/export.js";
export { writeFileAtomic } from "./io/atomic.js";
export { topK, gatherElements, maximum, stopGradient, l2Normalize } from "./ops/select.js";
