//===- ObjectEmitter.h - a model as a native object file --------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Compiles a model ahead of time into a relocatable object that defines one
// C function, `void symbol(const T0 *in0, ..., U0 *out0, ...)`, with the
// weights in its read-only data. The object needs nothing but libc and
// libm, and is position independent, so it links into executables and
// shared libraries alike.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_CPU_OBJECTEMITTER_H
#define WHITTLE_TARGET_CPU_OBJECTEMITTER_H

#include "whittle/Support/ModelSignature.h"
#include "whittle/Target/CPU/TargetMachine.h"

namespace whittle {

/// A model compiled into an object file.
struct NativeObject {
  llvm::SmallVector<TensorSpec> inputs, outputs;
  /// The object file's bytes.
  llvm::SmallVector<char, 0> bytes;
};

/// Lowers `module` (nn on tensors) in place and compiles its function
/// `entry` into an object file for `target` in which it is the global
/// function `symbol` (see isCIdentifier); every other definition is local
/// to the object. Errors are emitted as diagnostics.
std::optional<NativeObject> emitObject(mlir::ModuleOp module,
                                       llvm::StringRef entry,
                                       llvm::StringRef symbol,
                                       const TargetSpec &target = {});

} // namespace whittle

#endif // WHITTLE_TARGET_CPU_OBJECTEMITTER_H
