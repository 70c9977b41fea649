//===- Pipeline.cpp - from nn to the LLVM dialect -------------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/CPU/Pipeline.h"
#include "whittle/Conversion/Passes.h"
#include "whittle/Dialect/NN/Passes.h"
#include "whittle/Target/CPU/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/OpenMPToLLVM/ConvertOpenMPToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/SCFToOpenMP/SCFToOpenMP.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace whittle {

/// Everything after the nn lowering is upstream MLIR, built from each pass's
/// typed options (a misspelled option is a compile error, not a run-time
/// one).
static void buildTensorToLLVMPipeline(OpPassManager &pm, StringRef int8Kernel) {
  // Matrix products and convolutions become register-blocked vector
  // kernels; then producers fuse into consumers (bias + ReLU + ...) and the
  // remaining reductions get a vector-friendly loop order.
  VectorizeContractionsOptions contractions;
  contractions.int8Kernel = int8Kernel.str();
  // Constant weights arrive transposed by some lowerings (ConvTranspose's
  // filter); folded first, the kernels see them as constants. The kernels'
  // own repacking of weights is folded after them.
  pm.addNestedPass<func::FuncOp>(createFoldConstantTransposes());
  pm.addNestedPass<func::FuncOp>(createVectorizeContractions(contractions));
  pm.addNestedPass<func::FuncOp>(createFoldConstantTransposes());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createLinalgElementwiseOpFusionPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addNestedPass<func::FuncOp>(createVectorizeTransposes());
  pm.addNestedPass<func::FuncOp>(createLinalgLoopOrder());

  // Bufferize with caller-allocated outputs and free every temporary.
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addNestedPass<func::FuncOp>(createDistinctResultBuffers());
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  pm.addPass(createCanonicalizerPass());
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addNestedPass<func::FuncOp>(createX86DotProducts());
  pm.addNestedPass<func::FuncOp>(createLowerStridedCopies());
  // One function per loop nest: LLVM then optimizes and compiles layer by
  // layer, in time linear in the model, and in parallel.
  pm.addPass(createOutlineLayers());
  // Loops whose iterations are independent run on the OpenMP runtime's
  // threads (omp_set_num_threads picks how many when the model runs).
  OpPassManager &loopNests = pm.nest<func::FuncOp>();
  loopNests.addPass(createConvertLinalgToLoopsPass());
  loopNests.addPass(createParallelizeLoops());
  pm.addPass(createOutlineIterations());
  // Accumulator tiles stay in registers across the reduction loop. After
  // outlining, the buffers are function arguments: upstream's hoisting
  // gives up on a tile read through a view (the collapse of a convolution's
  // output into a matrix) that other views of the same buffer may alias.
  pm.addNestedPass<func::FuncOp>(createHoistVectorTransfers());
  // Temporaries share one workspace where their lifetimes allow. After
  // outlining: the layers' `noalias` arguments were decided on distinct
  // allocations (which stay disjoint wherever a call uses them together).
  pm.addPass(createPlanMemory());
  pm.addPass(createConvertSCFToOpenMPPass());

  // Loops and vectors to LLVM. The conversions that stay inside a function
  // run on every function at once (the pass manager's threads); those that
  // declare functions in the module (malloc, libm) run on the module.
  OpPassManager &loops = pm.nest<func::FuncOp>();
  // The conversion wraps each parallel body in a memref.alloca_scope, which
  // must hold one block; the canonicalizer inlines those without allocas
  // before the lowering to a control-flow graph splits the body.
  loops.addPass(createCanonicalizerPass());
  loops.addPass(createConvertVectorToSCFPass(
      VectorTransferToSCFOptions().enableFullUnroll()));
  loops.addPass(createLowerAffinePass());
  loops.addPass(createSCFToControlFlowPass());
  loops.addPass(createCanonicalizerPass());
  ConvertVectorToLLVMPassOptions vectorToLLVM;
  vectorToLLVM.vectorContractLowering =
      vector::VectorContractLowering::OuterProduct;
  // A 2-D transpose (of a layout change's tile) is one shufflevector,
  // which the x86 back end lowers to register shuffles.
  vectorToLLVM.vectorTransposeLowering =
      vector::VectorTransposeLowering::Shuffle1D;
  loops.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  loops.addPass(memref::createExpandStridedMetadataPass());
  loops.addPass(createLowerAffinePass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addNestedPass<func::FuncOp>(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  OpPassManager &scalars = pm.nest<func::FuncOp>();
  scalars.addPass(createArithToLLVMConversionPass());
  scalars.addPass(createConvertIndexToLLVMPass());
  ConvertFuncToLLVMPassOptions funcToLLVM;
  funcToLLVM.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcToLLVM));
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void buildLowerToLLVMPipeline(OpPassManager &pm, StringRef int8Kernel) {
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
  buildTensorToLLVMPipeline(pm, int8Kernel);
}

void registerLowerToLLVMPipeline() {
  PassPipelineRegistration<>(
      "whittle-lower-to-llvm",
      "Lower nn on tensors to the LLVM dialect (whittle's CPU pipeline)",
      [](OpPassManager &pm) { buildLowerToLLVMPipeline(pm); });
}

} // namespace whittle
