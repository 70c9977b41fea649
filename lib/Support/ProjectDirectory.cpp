//===- ProjectDirectory.cpp - write a project folder all or nothing -------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Support/ProjectDirectory.h"

#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

LogicalResult
whittle::writeProjectFile(ModuleOp module, const Twine &path,
                          function_ref<LogicalResult(raw_ostream &)> write) {
  std::string error;
  auto file = openOutputFile(path.str(), &error);
  if (!file)
    return module.emitError() << "cannot write " << path << ": " << error;
  if (failed(write(file->os())))
    return failure();
  file->keep();
  return success();
}

/// Whether an existing `outDir` may be replaced: an empty folder or an
/// earlier project, never a folder of the user's own files.
static bool isReplaceable(StringRef outDir) {
  if (!llvm::sys::fs::is_directory(outDir))
    return false;
  std::error_code error;
  llvm::sys::fs::directory_iterator it(outDir, error);
  if (!error && it == llvm::sys::fs::directory_iterator())
    return true;
  return llvm::sys::fs::exists(outDir + "/model.qnn.mlir") &&
         llvm::sys::fs::exists(outDir + "/report.json");
}

LogicalResult
whittle::writeProjectDirectory(ModuleOp module, StringRef outDir,
                               StringRef kind,
                               function_ref<LogicalResult(StringRef)> write) {
  // Built next to the destination (the same file system, so the rename is
  // atomic) under a name no other run takes.
  SmallString<256> staging(outDir);
  llvm::sys::path::remove_dots(staging, /*remove_dot_dot=*/true);
  while (llvm::sys::path::is_separator(staging.back()) && staging.size() > 1)
    staging.pop_back();
  staging += ".partial-%%%%%%";
  SmallString<256> stagingDir;
  llvm::sys::fs::createUniquePath(staging, stagingDir, /*MakeAbsolute=*/false);
  if (std::error_code error = llvm::sys::fs::create_directories(stagingDir))
    return module.emitError()
           << "cannot create " << stagingDir << ": " << error.message();
  auto discard = [&]() { llvm::sys::fs::remove_directories(stagingDir); };
  if (failed(write(stagingDir))) {
    discard();
    return failure();
  }
  if (llvm::sys::fs::exists(outDir)) {
    if (!isReplaceable(outDir)) {
      discard();
      return module.emitError()
             << outDir << " exists and is not an earlier whittle " << kind
             << " project (no model.qnn.mlir and report.json in it); give "
                "another -o or remove it";
    }
    if (std::error_code error = llvm::sys::fs::remove_directories(outDir)) {
      discard();
      return module.emitError()
             << "cannot replace " << outDir << ": " << error.message();
    }
  }
  if (std::error_code error = llvm::sys::fs::rename(stagingDir, outDir)) {
    discard();
    return module.emitError() << "cannot move the project to " << outDir << ": "
                              << error.message();
  }
  return success();
}
