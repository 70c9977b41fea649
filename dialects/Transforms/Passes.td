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

def WhittleFactorize : Pass<"whittle-factorize", "::mlir::ModuleOp"> {
  let summary = "Rank-reducing factorization of float conv and matrix "
                "weights (Tucker-2, channel SVD, SVD)";
  let description = [{
    Replaces `nn.conv`, `nn.gemm` and `nn.matmul` ops whose weight (operand
    1) is a constant float tensor by a chain of smaller ops of the same kind
    (algorithms.md section 2):
    - KxK conv (kernel elements D > 1), `form=tucker2` (default): 1x1 conv
      S -> R3 (U3^T), KxK conv R3 -> R4 (the core, with the original
      strides, pads, dilations and auto_pad), 1x1 conv R4 -> T (U4, the
      original bias). HOSVD of the two channel unfoldings, then
      `hooi-iterations` rounds of HOOI.
    - KxK conv, `form=channel-svd`: truncated SVD of the T x S*D unfolding:
      KxK conv S -> R (original geometry), 1x1 conv R -> T (bias).
    - 1x1 conv, and Gemm / MatMul with a constant 2-D weight B' (K x N):
      SVD `B' ~= P Q`, two products K -> R -> N; the first takes A (and
      Gemm's transA), the second keeps alpha, beta, C and the bias. Gemm
      keeps transB's weight layout on both products.
    The singular values are split evenly between the two factors.

    Grouped and depthwise convs, dynamic shapes and non-constant weights
    are left alone with a remark, or are an error when the layer is named
    in `layer-ranks`. A layer is rewritten only if its MACs and its
    parameters both go down (the first 1x1 of Tucker-2 runs at the input's
    resolution); otherwise it stays, with a remark.

    Rank rules (`ranks=`):
    - `energy=P`: per mode, the smallest R keeping fraction P of
      sum sigma_i^2 (NRMF), P in (0, 1].
    - `evbmf`: the rank of empirical variational Bayes matrix factorization
      (Nakajima et al. 2013), noise variance estimated by minimising its
      free energy; per mode for Tucker-2. At least 1.
    - `budget=F` (F in (0, 1]) with `budget-metric=macs|params`: all
      eligible layers' ranks are chosen together so the model's total MACs
      (or parameters) are at most F times the original, maximising the sum
      over layers and modes of the kept energy fraction, which is the same
      as minimising the sum of the HOSVD bounds on each layer's relative
      squared reconstruction error (exact for the SVD forms). Candidate
      ranks per mode are the multiples of max(1, dim / 32) and the ranks of
      the energy thresholds 0.5, 0.8, 0.9, 0.95, 0.98, 0.99, plus "leave the
      layer alone"; the multiple-choice knapsack over them is solved
      exactly with CBC.
    - empty (default): only the layers named in `layer-ranks`.
    `layer-ranks=NAME:R3:R4,NAME:R,...` fixes the ranks of layers by their
    ONNX node name (the op's location name); they override the rule (and
    count as fixed costs under a budget). A single rank for a Tucker-2
    layer is used for both modes.

    Every new op gets the `whittle.compression` record of its layer (form
    "tucker2", "channel-svd" or "svd", ranks {R3, R4} or {R}, parameters
    and MACs before and after, relative Frobenius error of the effective
    weight) and the location `loc("NAME/FORM.I"(...))`, I counting the ops
    of the chain from 0.
  }];
  let options = [
    Option<"ranks", "ranks", "std::string", /*default=*/"\"\"",
           "Rank rule: evbmf, energy=P, budget=F, or empty for only the "
           "layers in layer-ranks">,
    Option<"layerRanks", "layer-ranks", "std::string", /*default=*/"\"\"",
           "Explicit ranks: NAME:R3:R4 (Tucker-2) or NAME:R, comma "
           "separated">,
    Option<"form", "form", "std::string", /*default=*/"\"tucker2\"",
           "Form for KxK convs: tucker2 or channel-svd">,
    Option<"budgetMetric", "budget-metric", "std::string",
           /*default=*/"\"macs\"", "What budget=F bounds: macs or params">,
    Option<"hooiIterations", "hooi-iterations", "unsigned",
           /*default=*/"0", "HOOI refinement rounds after HOSVD (Tucker-2)">
  ];
  let dependentDialects = ["::whittle::nn::NNDialect"];
}

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
    shifts as JSON and prints a table (`-` for stdout only). With the
    report, `sqnr` (on by default) also runs the float model and its
    integer twin side by side through the JIT on sample data (`sqnr-data`,
    by default the samples `whittle-calibrate` recorded) and reports each
    layer's SQNR: its dequantized output against the float layer's.
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
           "Write the per-layer report as JSON to this file">,
    Option<"sqnr", "sqnr", "bool", /*default=*/"true",
           "Measure each layer's SQNR on sample data for the report">,
    Option<"sqnrData", "sqnr-data", "std::string", /*default=*/"\"\"",
           "Samples for the SQNR (default: the calibration data)">,
    Option<"sqnrLimit", "sqnr-limit", "int64_t", /*default=*/"-1",
           "At most this many samples for the SQNR (default: as many as "
           "calibration used)">
  ];
  let dependentDialects = ["::whittle::nn::NNDialect",
                           "::whittle::qnn::QNNDialect"];
}

def VerifyIntegerOnly : Pass<"verify-integer-only", "mlir::ModuleOp"> {
  let summary = "Fail unless every value inside the model is an integer";
  let description = [{
    Checks a quantized model: between the input `qnn.quantize` ops and the
    output `qnn.dequantize` ops, no value may have a float type and no op
    may compute on floats. Allowed at the edges: float function arguments
    and what nn data-movement ops (reshape, transpose, pad, slice, ...)
    derive from them, `qnn.quantize` of those; `qnn.dequantize` whose
    results only reach returns (possibly through data movement); float
    constants that are unused or feed only those edge ops. Every violation
    is an error at the op (its location is the ONNX node's name) saying
    what is float; the pass changes nothing.
  }];
}

#endif // WHITTLE_TRANSFORMS_PASSES_TD
