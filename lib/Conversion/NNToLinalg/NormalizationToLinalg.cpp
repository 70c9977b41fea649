//===- NormalizationToLinalg.cpp
//----------------------------------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "whittle/Dialect/NN/NNOps.h"

using namespace mlir;
using namespace whittle;

void whittle::populateNNNormalizationToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {}
