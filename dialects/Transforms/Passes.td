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
