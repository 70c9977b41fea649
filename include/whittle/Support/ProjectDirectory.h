//===- ProjectDirectory.h - write a project folder all or nothing -*- C++ -*-//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_SUPPORT_PROJECTDIRECTORY_H
#define WHITTLE_SUPPORT_PROJECTDIRECTORY_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace whittle {

/// Writes a project folder at `outDir` through `write`, which fills the
/// folder it is given: a staging folder beside `outDir` (the same file
/// system), renamed into place only when `write` succeeds, so that a
/// failed run leaves nothing. An existing `outDir` is replaced when it is
/// empty or an earlier whittle project (model.qnn.mlir and report.json in
/// it), never when it holds other files. `kind` names the project in
/// errors ("HLS", "CUDA"). Errors are reported on `module`.
mlir::LogicalResult writeProjectDirectory(
    mlir::ModuleOp module, llvm::StringRef outDir, llvm::StringRef kind,
    llvm::function_ref<mlir::LogicalResult(llvm::StringRef)> write);

/// Writes `path` through `write`, reporting a failure to open it on
/// `module`.
mlir::LogicalResult writeProjectFile(
    mlir::ModuleOp module, const llvm::Twine &path,
    llvm::function_ref<mlir::LogicalResult(llvm::raw_ostream &)> write);

} // namespace whittle

#endif // WHITTLE_SUPPORT_PROJECTDIRECTORY_H
