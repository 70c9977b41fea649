//===- CompileToCUDA.h - a qnn model to a CUDA project ----------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_CUDA_COMPILETOCUDA_H
#define WHITTLE_TARGET_CUDA_COMPILETOCUDA_H

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace whittle::cuda {

/// Plans the integer-only `module` for `gpu` (sm_80 or sm_90a), emits it
/// and writes the project folder `outDir` (all or nothing; see
/// writeProjectDirectory). `name` is the model's C identifier.
mlir::LogicalResult compileToCUDA(mlir::ModuleOp module, llvm::StringRef gpu,
                                  llvm::StringRef name, llvm::StringRef outDir);

} // namespace whittle::cuda

#endif // WHITTLE_TARGET_CUDA_COMPILETOCUDA_H
