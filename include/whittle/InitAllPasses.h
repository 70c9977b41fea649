//===- InitAllPasses.h - register every pass whittle has --------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_INITALLPASSES_H
#define WHITTLE_INITALLPASSES_H

#include "mlir/Transforms/Passes.h"
#include "whittle/Dialect/NN/Passes.h"

namespace whittle {

inline void registerAllPasses() {
  mlir::registerTransformsPasses();
  nn::registerNNPasses();
}

} // namespace whittle

#endif // WHITTLE_INITALLPASSES_H
