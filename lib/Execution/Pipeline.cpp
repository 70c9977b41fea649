//===- Pipeline.cpp - from nn to the LLVM dialect -------------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Execution/Pipeline.h"
#include "whittle/Codegen/Passes.h"
#include "whittle/Conversion/Passes.h"
#include "whittle/Dialect/NN/Passes.h"

#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/ErrorHandling.h"

using namespace mlir;

namespace whittle {

/// Everything after the nn lowering is upstream MLIR, spelled as a textual
/// pipeline so that it reads like the documentation of each pass.
static constexpr const char *kTensorToLLVM =
    // Fuse producers into consumers (bias + ReLU + ...), then bufferize
    // with caller-allocated outputs and free every temporary.
    // Matrix products and convolutions become register-blocked vector
    // kernels, then the layout changes they need fuse with their
    // neighbours; the remaining reductions get a vector-friendly loop order.
    "func.func(whittle-vectorize-contractions),canonicalize,"
    "func.func(linalg-fuse-elementwise-ops),"
    "canonicalize,cse,"
    "func.func(whittle-linalg-loop-order),"
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "func.func(whittle-distinct-result-buffers),"
    "buffer-results-to-out-params{hoist-static-allocs=true "
    "modify-public-functions=true},"
    "canonicalize,"
    "buffer-deallocation-pipeline,"
    "func.func(whittle-hoist-vector-transfers,whittle-lower-strided-copies),"
    // Loops and vectors to LLVM.
    "func.func(convert-linalg-to-loops),"
    "convert-vector-to-scf{full-unroll=true},"
    "lower-affine,convert-scf-to-cf,canonicalize,"
    "convert-vector-to-llvm{vector-contract-lowering=outerproduct},expand-"
    "strided-metadata,lower-affine,"
    "finalize-memref-to-llvm,convert-math-to-llvm,convert-math-to-libm,"
    "convert-arith-to-llvm,convert-index-to-llvm,"
    "convert-func-to-llvm{use-bare-ptr-memref-call-conv=true},"
    "convert-cf-to-llvm,convert-ub-to-llvm,reconcile-unrealized-casts";

void buildLowerToLLVMPipeline(OpPassManager &pm) {
  // The textual pipeline names upstream passes, which must be registered.
  static const bool registered = [] {
    registerAllPasses();
    registerCodegenPasses();
    return true;
  }();
  (void)registered;
  // Quantized ONNX models (QDQ, QOperator, com.microsoft ops) become qnn
  // before anything folds: the canonicalizer would fold the weights'
  // DequantizeLinear into float constants and lose the int8 weights. On a
  // model without quantization ops the pass changes nothing.
  pm.addPass(createNNToQNN());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(nn::createNNFoldBatchNorm());
  // qnn first: its partial conversion leaves the nn data movement on i8
  // around it, which the nn conversion (a full one) then lowers.
  pm.addPass(createConvertQNNToLinalg());
  pm.addPass(createConvertNNToLinalg());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (failed(parsePassPipeline(kTensorToLLVM, pm)))
    llvm::report_fatal_error("whittle: malformed built-in pipeline");
}

void registerLowerToLLVMPipeline() {
  PassPipelineRegistration<>(
      "whittle-lower-to-llvm",
      "Lower nn on tensors to the LLVM dialect (whittle's CPU pipeline)",
      [](OpPassManager &pm) { buildLowerToLLVMPipeline(pm); });
}

} // namespace whittle
