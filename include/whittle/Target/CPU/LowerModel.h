//===- LowerModel.h - a model in the LLVM dialect ---------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The steps the JIT and the object emitter share before LLVM takes over:
// read the entry function's signature, lower the module to the LLVM dialect
// and take the large weights out of it.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_CPU_LOWERMODEL_H
#define WHITTLE_TARGET_CPU_LOWERMODEL_H

#include "whittle/Support/ModelSignature.h"
#include "whittle/Target/CPU/ExternalConstants.h"

namespace whittle {

/// What lowering learnt about a model that its LLVM dialect form no longer
/// says.
struct LoweredModel {
  llvm::SmallVector<TensorSpec> inputs, outputs;
  /// The weights taken out of the module; the context owns their bytes.
  llvm::SmallVector<ExternalConstant> constants;
};

/// Lowers `module` (nn on tensors) in place to the LLVM dialect, with its
/// function `entry` as `void entry(in0, ..., out0, ...)` on bare pointers,
/// and registers the translations to LLVM IR on its context. Errors are
/// emitted as diagnostics.
/// `int8Kernel` as for buildLowerToLLVMPipeline.
std::optional<LoweredModel> lowerModel(mlir::ModuleOp module,
                                       llvm::StringRef entry,
                                       llvm::StringRef int8Kernel);

} // namespace whittle

#endif // WHITTLE_TARGET_CPU_LOWERMODEL_H
