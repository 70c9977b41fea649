//===- InitAllPasses.h - register every pass whittle has --------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_INITALLPASSES_H
#define WHITTLE_INITALLPASSES_H

#include "mlir/InitAllPasses.h"
#include "whittle/Conversion/Passes.h"
#include "whittle/Dialect/NN/Passes.h"
#include "whittle/Target/CPU/Passes.h"
#include "whittle/Target/CPU/Pipeline.h"
#include "whittle/Target/CUDA/Passes.h"
#include "whittle/Target/HLSCpp/Passes.h"
#include "whittle/Transforms/Passes.h"

namespace whittle {

inline void registerAllPasses() {
  mlir::registerAllPasses();
  nn::registerNNPasses();
  registerConversionPasses();
  registerCPUPasses();
  registerLowerToLLVMPipeline();
  cuda::registerCUDAPasses();
  hlscpp::registerHLSCppPasses();
  registerTransformsPasses();
}

} // namespace whittle

#endif // WHITTLE_INITALLPASSES_H
