//===- Passes.td - model transformations on nn and qnn -----*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The passes that change what a model computes, on purpose: compression
// (factorize, sparsify) on float nn weights, and calibration and
// quantization from nn to qnn. Each is one concern in its own file under
// lib/Transforms/.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TRANSFORMS_PASSES_TD
#define WHITTLE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def WhittleCalibrate : Pass<"whittle-calibrate", "::mlir::ModuleOp"> {
  let summary = "Record the range of every float activation on sample data";
  let description = [{
    Runs the float model of `@main` (static shapes, one float input) on
    the samples of `data` (an IDX file such as Fashion-MNIST's, a `.pb` /
    `.npy` tensor or a folder of them; see whittle/Execution/Dataset.h)
    through the JIT, with every float activation (the input and each op's
    float results) made an extra result of a copy of the model, and stores
    the range `method` picks as `whittle.range` on the op producing each
    value (`array<f64: min0, max0, ...>`, one pair per result, NaN for
    results that are not float) and on the input, plus
    `whittle.calibration = {method, samples}` on the module. BatchNorm is
    folded into the preceding convolution first, so the ranges are those
    of the layers quantize sees.

    Methods: `minmax` (observed range), `percentile` (clip |x| at the
    `percentile`-th percentile), `entropy` (TensorRT's KL-divergence rule:
    2048 bins of |x|, 128 levels), `mse` (the clipping threshold that
    minimises the expected squared quantization error). The histogram
    methods sweep the data twice: once for the range, once for the bins.
    Models run on `batch` samples at a time when `batch` equals the
    model's batch dimension (the default, 0, takes it from the model); the
    last batch is padded and the padding ignored.
  }];
  let options = [
    Option<"data", "data", "std::string", /*default=*/"\"\"",
           "Calibration samples: IDX (.gz), .pb, .npy or a folder">,
    Option<"labels", "labels", "std::string", /*default=*/"\"\"",
           "Labels of the samples (read, not needed)">,
    Option<"limit", "limit", "int64_t", /*default=*/"500",
           "Use at most this many samples (all if negative)">,
    Option<"method", "method", "std::string", /*default=*/"\"minmax\"",
           "minmax, percentile, entropy or mse">,
    Option<"percentile", "percentile", "double", /*default=*/"99.99",
           "Percentile of |x| kept by method=percentile">,
    Option<"batch", "batch", "int64_t", /*default=*/"0",
           "Samples per run: 0 for the model's batch dimension">
  ];
  let dependentDialects = ["::whittle::nn::NNDialect"];
}

def WhittleQuantize : Pass<"whittle-quantize", "::mlir::ModuleOp"> {
  let summary = "Rewrite a calibrated float nn model into integer-only qnn";
  let description = [{
    Reads the ranges `whittle-calibrate` stored and rewrites `@main` into
    qnn: `qnn.quantize` at the input, `qnn.dequantize` at the outputs, i8
    activations and weights, i32 accumulators and biases in between.
    BatchNorm is folded first. Conv, Gemm and MatMul with constant weights
    become `qnn.conv` / `qnn.matmul` + `qnn.requantize`, with a following
    Relu or Clip fused as the clamp; weights are symmetric int8 in
    [-127, 127], per output channel or per tensor; the bias is
    `round(b / (s_x * s_w))` in i32. Add/Sub/Mul (and Mul/Div by a
    constant) become `qnn.add` / `qnn.mul`, pools `qnn.max_pool`,
    `qnn.avg_pool`, `qnn.global_avg_pool`, Concat `qnn.concat`, elementwise
    functions of one input `qnn.lut`, Softmax `qnn.softmax` (output scale
    1/256, zero point -128). Data movement stays as nn ops on i8.

    `scheme=fixed-point` uses gemmlowp's 31-bit multipliers; `pow2` makes
    every scale a power of two (NITI) so that every rescale is a shift.
    Activations are `symmetric` (zero point 0) or `asymmetric`; with
    `unsigned-after-relu`, tensors whose calibrated range is non-negative
    use all 256 levels (zero point -128). Every conv and matmul is checked
    for i32 accumulator overflow from its actual weights; a layer that
    could overflow is an error naming it and its bound.

    `report=PATH` writes the per-layer scales, zero points, multipliers and
    shifts as JSON and prints a table (`-` for stdout only).
  }];
  let options = [
    Option<"scheme", "scheme", "std::string", /*default=*/"\"fixed-point\"",
           "fixed-point or pow2">,
    Option<"rounding", "rounding", "std::string",
           /*default=*/"\"nearest-even\"",
           "nearest-even, half-away or pseudo-stochastic">,
    Option<"weights", "weights", "std::string", /*default=*/"\"per-channel\"",
           "per-channel or per-tensor">,
    Option<"activations", "activations", "std::string",
           /*default=*/"\"symmetric\"", "symmetric or asymmetric">,
    Option<"unsignedAfterRelu", "unsigned-after-relu", "bool",
           /*default=*/"true",
           "Non-negative tensors use zero point -128 and 256 levels">,
    Option<"report", "report", "std::string", /*default=*/"\"\"",
           "Write the per-layer report as JSON to this file">
  ];
  let dependentDialects = ["::whittle::nn::NNDialect",
                           "::whittle::qnn::QNNDialect"];
}

#endif // WHITTLE_TRANSFORMS_PASSES_TD
