//===- InitAllPasses.h - register every pass whittle has --------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_INITALLPASSES_H
#define WHITTLE_INITALLPASSES_H

#include "mlir/InitAllPasses.h"
#include "whittle/Codegen/Passes.h"
#include "whittle/Conversion/Passes.h"
#include "whittle/Dialect/NN/Passes.h"
#include "whittle/Execution/Pipeline.h"
#include "whittle/Transforms/Passes.h"

namespace whittle {

inline void registerAllPasses() {
  mlir::registerAllPasses();
  nn::registerNNPasses();
  registerConversionPasses();
  registerCodegenPasses();
  registerLowerToLLVMPipeline();
  registerTransformsPasses();
}

} // namespace whittle

#endif // WHITTLE_INITALLPASSES_H
