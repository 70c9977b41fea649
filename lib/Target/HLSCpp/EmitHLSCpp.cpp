//===- EmitHLSCpp.cpp - the --emit-hls translation ------------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/HLSCpp/EmitHLSCpp.h"

#include "EmitDesign.h"

#include "mlir/Tools/mlir-translate/Translation.h"
#include "whittle/InitAllDialects.h"
#include "llvm/Support/CommandLine.h"

using namespace mlir;
using namespace whittle;
using namespace whittle::hlscpp;

LogicalResult whittle::hlscpp::emitHLSCpp(ModuleOp module, raw_ostream &os) {
  detail::Design design;
  if (failed(detail::DesignEmitter(module).emit(design)))
    return failure();
  os << design.modelCpp;
  return success();
}

static llvm::cl::opt<std::string> projectDir(
    "hls-project-dir",
    llvm::cl::desc("With --emit-hls, also write the whole HLS project "
                   "(sources, weights.bin, testbench, Makefile, Vitis "
                   "scripts) into this directory"),
    llvm::cl::init(""));

void whittle::hlscpp::registerEmitHLSTranslation() {
  TranslateFromMLIRRegistration registration(
      "emit-hls",
      "Print the Vitis HLS C++ of a planned qnn model (hls/model.cpp)",
      [](Operation *op, raw_ostream &os) -> LogicalResult {
        auto module = dyn_cast<ModuleOp>(op);
        if (!module)
          return op->emitError() << "--emit-hls takes a module";
        detail::Design design;
        if (failed(detail::DesignEmitter(module).emit(design)))
          return failure();
        if (!projectDir.empty() &&
            failed(detail::writeProject(design, projectDir)))
          return failure();
        os << design.modelCpp;
        return success();
      },
      [](DialectRegistry &registry) {
        whittle::registerAllDialects(registry);
      });
}
