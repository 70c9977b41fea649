//===- EntryFunction.cpp - the function a whole-model pass runs on --------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Transforms/EntryFunction.h"

using namespace mlir;

func::FuncOp whittle::getEntryFunction(ModuleOp module, StringRef passName) {
  func::FuncOp entry;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (!func.isPublic() || func.isExternal())
      continue;
    if (entry) {
      InFlightDiagnostic diag =
          module.emitError() << passName
                             << ": the module has more than one public "
                                "function (@"
                             << entry.getSymName() << ", @" << func.getSymName()
                             << "); make the helpers private";
      return {};
    }
    entry = func;
  }
  if (!entry)
    module.emitError() << passName << ": the module has no public function "
                       << "with a body to run on";
  return entry;
}
