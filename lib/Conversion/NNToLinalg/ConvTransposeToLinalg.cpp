//===- ConvTransposeToLinalg.cpp - ConvTranspose to linalg ----------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "whittle/Dialect/NN/NNOps.h"

using namespace mlir;
using namespace whittle;

void whittle::populateNNConvTransposeToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {}
