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
    `.npy` tensor or a folder of them; see whittle/Support/Dataset.h)
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
    1/256, zero point -128). Data movement stays as nn ops on i8; Pad in
    every mode too, with the input's parameters, constant padding with the
    pad value quantized at them (0 pads the zero point; saturated to i8).
    Before quantizing (and calibrating), no-op ops fold away: Pad with zero
    pads, Reshape/Transpose/Identity that change nothing, inference Dropout.

    Weight scales take what trained models contain (dead channels, weights
    ~1e-34 with a nonzero bias): a channel's scale `s_w = max|w| / 127` is
    raised to the floor `2^-31 * s_y / s_x` (below it, a whole i32
    accumulator moves the output by less than one step: the rescale would
    be beyond any multiplier or shift) and then, where the bias would not
    fit, until `|b| / (s_x * s_w) <= 2^30`, leaving half the i32 range to the
    products so that the accumulator check holds; the dead channel's
    weights then round to 0 and its output is its bias. Live channels meet
    both bounds and keep `max|w| / 127`. ONNX Runtime's quantizer
    (quantize_static, 1.32) differs: its weight scale has no floor but
    float32's smallest normal (a scale below it becomes 1.0, as an all-zero
    channel's does here), since it requantizes in float; and it raises a
    channel's weight scale (`_adjust_weight_scale_for_int32_bias`; QDQ
    unless `QDQDisableWeightAdjustForInt32Bias`, QOperator for symmetric
    int8 weights) so that `s_x * s_w >= 1.0001 * |b| / (2^31 - 1)`: the
    bias may fill the whole i32 range, with no room left for the products.
    Without the adjustment it clips the bias to i32 with a warning.

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

def CompressionReport : Pass<"whittle-compression-report", "mlir::ModuleOp"> {
  let summary = "Print what compression did to each layer";
  let description = [{
    Prints a table with one row per layer (ops with MACs, or ops sharing a
    `whittle.compression` record's `layer`): name, op types, weight shapes,
    form, ranks or sparsity, parameters and MACs before and after, and the
    relative reconstruction error; then the model totals and ratios. Reads
    only the records and the IR (layers without a record count their
    parameters and MACs from the IR), so it reports whatever passes ran.
    With `json=PATH` it also writes the report as JSON. The IR is unchanged.
  }];
  let options = [
    Option<"jsonPath", "json", "std::string", /*default=*/"\"\"",
           "Also write the report as JSON to this file">,
  ];
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

def WhittleSparsify : Pass<"whittle-sparsify", "::mlir::ModuleOp"> {
  let summary = "Sparsity masks on conv/gemm/matmul weights (Dynamic Sparse "
                "Training style): unstructured, N:M, blocks or whole channels";
  let description = [{
    Zeroes weights of `nn.conv`, `nn.gemm` and `nn.matmul` (constant float
    weights only) and records the pattern on the op as the discardable
    attribute `whittle.sparsity` (contract in
    include/whittle/Transforms/SparsityPattern.h: the zeros are the mask,
    the attribute says what structure the back end may exploit) and a
    `whittle.compression` record (form `mask-<granularity>`, joined with '+'
    to an earlier record of factorize).

    Granularities (`granularity=`):
    - `unstructured`: the DST mask `|W_ij| > t_i` with one threshold per
      output channel, chosen so that every channel reaches the layer's
      target within one element.
    - `n:m` (`n=2 m=4` by default, the GPU 2:4 sparse tensor core pattern):
      the `n` largest of every `m` consecutive weights along the reduction
      axis: conv W [T, S, k, k] along S at fixed (t, kernel position), the
      innermost K index of an NHWC implicit GEMM; gemm/matmul along K.
      The pattern fixes the sparsity at 1 - n/m: `sparsity` and per-layer
      values must be 0 or exactly that.
    - `block` (`block=4x4`, `block-norm=l2|l1`): the blocks of smallest norm
      over (output channel, input channel) at each kernel position are
      zeroed: the tiles of a PE array that an FPGA schedule skips.
    - `channel`: whole output channels of smallest L2 norm are removed from
      the weights and bias, and the matching input channels from the
      consumers, so the graph shrinks. The rewrite follows the output
      through Relu, LeakyRelu, Clip, Sigmoid, Identity, Dropout, MaxPool,
      AveragePool, GlobalAverage/MaxPool, BatchNormalization (its
      parameters shrink) and depthwise convs (their filters, bias and
      groups shrink: MobileNet's expand -> depthwise -> project) to every
      nn.conv (group 1) input, and through Flatten (axis 1) into the
      reduction rows of the gemm/matmul weight (channel c owns the H*W
      indices c*H*W .. c*H*W + H*W - 1). Anything else on the way (Add of a
      residual, Concat, Reshape, a function result, other grouped convs)
      leaves that layer unpruned, with a warning. Grouped convs are not
      pruned themselves.

    Targets: `sparsity=S` is the fraction of the weights of the eligible
    layers to prune, spread across layers by `allocation`:
    - `erk` (default): Erdos-Renyi-Kernel (RigL): layer l keeps a density
      proportional to sum(shape) / prod(shape), scaled to reach S (layers
      that would be denser than 1 stay dense, none beyond
      `max-layer-sparsity`). Small layers (depthwise filters, thin 1x1
      convs, classifiers) stay denser, large 3x3 convs take most of the
      cut. Chosen because it holds accuracy far better without
      fine-tuning on the Fashion fixtures (ResNet-18 at 0.7: 90.5% vs
      41.7%; MobileNetV2 at 0.5: 92.5% vs 9.5%; docs/sparsity.md).
    - `magnitude`: a global magnitude threshold on normalized scores: each
      unit's score (|w|, block norm or channel norm) is divided by its
      layer's mean score and units are pruned from the smallest upwards,
      no layer beyond `max-layer-sparsity`. It follows the weights, but in
      practice lands close to the same fraction in every layer, which is
      what hurts the small layers.

    `layer-sparsity=name:S,...` sets layers' targets directly (names are
    ONNX node names, the ops' NameLoc); together with `sparsity` the
    global target is spread over the remaining layers.
    `keep-first-last` (default) leaves the first and last weighted layer of
    each function out of the global allocation.

    Existing zeros (a model trained sparse) are kept: they have the
    smallest magnitude, so they are pruned first, and a layer that already
    meets its target keeps its weights. With `detect` (default) every
    weighted op that is not pruned but has zeros is annotated with the
    pattern that explains them (N:M along the reduction axis, blocks,
    else unstructured); `sparsity=0` without layer targets only detects.

    On the CPU path only `channel` saves work today (the graph is smaller);
    the other granularities compute with the zeros like dense weights (the
    lowering ignores the attribute, so nothing breaks). Skipping zero
    blocks and N:M groups is left to the back ends that read
    `whittle.sparsity` (the FPGA and GPU emitters).
  }];
  let options = [
    Option<"granularity", "granularity", "std::string", "\"unstructured\"",
           "unstructured | n:m | block | channel">,
    Option<"sparsity", "sparsity", "double", "0.0",
           "Global target: fraction of the eligible layers' weights to "
           "prune, in [0, 1)">,
    ListOption<"layerSparsity", "layer-sparsity", "std::string",
               "Per-layer targets NAME:S (ONNX node names)">,
    Option<"n", "n", "int64_t", "2", "N of the N:M pattern">,
    Option<"m", "m", "int64_t", "4", "M of the N:M pattern">,
    Option<"block", "block", "std::string", "\"4x4\"",
           "Block shape OUTxIN for granularity=block">,
    Option<"blockNorm", "block-norm", "std::string", "\"l2\"",
           "Norm ranking blocks: l2 | l1">,
    Option<"keepFirstLast", "keep-first-last", "bool", "true",
           "Leave the first and last weighted layer dense in the global "
           "allocation">,
    Option<"maxLayerSparsity", "max-layer-sparsity", "double", "0.98",
           "Most of one layer's units the global allocation may prune">,
    Option<"allocation", "allocation", "std::string", "\"erk\"",
           "How a global sparsity is spread over layers: magnitude | erk">,
    Option<"detect", "detect", "bool", "true",
           "Annotate existing zero patterns of layers that are not pruned">,
  ];
  let dependentDialects = ["::whittle::nn::NNDialect"];
}

def WhittleVerifySparsity : Pass<"whittle-verify-sparsity"> {
  let summary = "Check that every op's whittle.sparsity pattern holds in "
                "its weights";
  let description = [{
    Runs verifySparsityPattern on every op carrying `whittle.sparsity`: the
    attribute is well formed and the constant weight obeys it (N:M groups
    have at most N non-zeros, the all-zero blocks and zero fraction match
    the declared sparsity). Back ends that exploit the pattern run it
    first; it changes nothing.
  }];
}

#endif // WHITTLE_TRANSFORMS_PASSES_TD
