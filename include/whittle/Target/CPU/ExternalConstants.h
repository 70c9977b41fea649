//===- ExternalConstants.h - weights kept out of LLVM IR --------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// A model's weights reach LLVM as `llvm.mlir.global` constants whose
// initializers are nested arrays. Translating tens of megabytes of weights
// element by element into LLVM constants dominates compile time, so large
// initializers are taken out of the module before translation and supplied
// as raw bytes: the JIT resolves the globals to the bytes in place, an
// object file gets them as one byte array each.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_CPU_EXTERNALCONSTANTS_H
#define WHITTLE_TARGET_CPU_EXTERNALCONSTANTS_H

#include "mlir/IR/BuiltinOps.h"

namespace llvm {
class Module;
} // namespace llvm

namespace whittle {

/// One constant taken out of a module: its symbol and its bytes, laid out
/// as LLVM lays out the global (row-major, no padding). The bytes belong to
/// the MLIRContext.
struct ExternalConstant {
  std::string symbol;
  llvm::ArrayRef<char> bytes;
  uint64_t alignment;
};

/// Turns every constant global of `module` (LLVM dialect) with an
/// initializer of at least `minBytes` into an external declaration and
/// returns the initializers' data. Globals whose element layout in memory
/// differs from the attribute's storage (i1, sub-byte types, splats) keep
/// their initializer.
llvm::SmallVector<ExternalConstant>
takeLargeConstants(mlir::ModuleOp module, uint64_t minBytes = 4096);

/// Defines each of `constants`, declared in `module` by takeLargeConstants,
/// as an internal constant byte array: one LLVM constant per global.
void defineConstants(llvm::Module &module,
                     llvm::ArrayRef<ExternalConstant> constants);

} // namespace whittle

#endif // WHITTLE_TARGET_CPU_EXTERNALCONSTANTS_H
