//===- CompileToHLS.cpp - a qnn model to an HLS project -------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/HLSCpp/CompileToHLS.h"

#include "whittle/Support/ProjectDirectory.h"
#include "whittle/Target/HLSCpp/DesignReport.h"
#include "whittle/Target/HLSCpp/EmitHLSCpp.h"
#include "whittle/Target/HLSCpp/Passes.h"

#include "mlir/Pass/PassManager.h"

using namespace mlir;
using namespace whittle;
using namespace whittle::hlscpp;

/// Everything that goes into the project folder, written into `dir`.
static LogicalResult writeProject(ModuleOp module, StringRef dir) {
  if (failed(writeHLSProject(module, dir)))
    return failure();
  if (failed(writeProjectFile(module, dir + "/model.qnn.mlir",
                              [&](raw_ostream &os) {
                                module.print(os);
                                return success();
                              })))
    return failure();
  std::string json, text;
  llvm::raw_string_ostream jsonStream(json), textStream(text);
  if (failed(writeDesignReport(module, jsonStream, textStream)))
    return failure();
  if (failed(writeProjectFile(module, dir + "/report.json",
                              [&](raw_ostream &os) {
                                os << json;
                                return success();
                              })) ||
      failed(
          writeProjectFile(module, dir + "/report.txt", [&](raw_ostream &os) {
            os << text;
            return success();
          })))
    return failure();
  return success();
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

  return writeProjectDirectory(module, outDir, "HLS", [&](StringRef dir) {
    return writeProject(module, dir);
  });
}
