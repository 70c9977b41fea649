//===- CompileToHLS.cpp - a qnn model to an HLS project -------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/HLSCpp/CompileToHLS.h"

#include "whittle/Target/HLSCpp/DesignReport.h"
#include "whittle/Target/HLSCpp/EmitHLSCpp.h"
#include "whittle/Target/HLSCpp/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace whittle;
using namespace whittle::hlscpp;

/// Writes `path` through `write`, reporting a failure to open it on
/// `module`.
static LogicalResult
writeFile(ModuleOp module, const Twine &path,
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

/// Everything that goes into the project folder, written into `dir`.
static LogicalResult writeProject(ModuleOp module, StringRef dir) {
  if (failed(writeHLSProject(module, dir)))
    return failure();
  if (failed(writeFile(module, dir + "/model.qnn.mlir", [&](raw_ostream &os) {
        module.print(os);
        return success();
      })))
    return failure();
  std::string json, text;
  llvm::raw_string_ostream jsonStream(json), textStream(text);
  if (failed(writeDesignReport(module, jsonStream, textStream)))
    return failure();
  if (failed(writeFile(module, dir + "/report.json",
                       [&](raw_ostream &os) {
                         os << json;
                         return success();
                       })) ||
      failed(writeFile(module, dir + "/report.txt", [&](raw_ostream &os) {
        os << text;
        return success();
      })))
    return failure();
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

LogicalResult whittle::hlscpp::compileToHLS(ModuleOp module,
                                            const CompileToHLSOptions &options,
                                            StringRef outDir) {
  // The planner is the integer-only check: it refuses any float op but the
  // host's pre-processing of the inputs, naming the op.
  PassManager pm(module.getContext());
  HLSCppAttachDeviceOptions attach;
  attach.device = options.device;
  attach.clockMhz = options.clockMhz;
  pm.addPass(createHLSCppAttachDevice(attach));
  HLSCppPlanDataflowOptions plan;
  plan.objective = options.objective;
  plan.timeLimit = options.timeLimit;
  pm.addPass(createHLSCppPlanDataflow(plan));
  if (failed(pm.run(module)))
    return failure();

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
  if (failed(writeProject(module, stagingDir))) {
    discard();
    return failure();
  }
  if (llvm::sys::fs::exists(outDir)) {
    if (!isReplaceable(outDir)) {
      discard();
      return module.emitError()
             << outDir
             << " exists and is not an earlier whittle HLS project (no "
                "model.qnn.mlir and report.json in it); give another -o or "
                "remove it";
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
