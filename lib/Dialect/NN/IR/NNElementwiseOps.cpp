//===- NNElementwiseOps.cpp - nn elementwise op verification and types ----===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNShapes.h"

using namespace mlir;
using namespace whittle::nn;

//===----------------------------------------------------------------------===//
// Binary broadcasting ops
//===----------------------------------------------------------------------===//

LogicalResult AddOp::inferReturnTypes(MLIRContext *context,
                                      std::optional<Location> location,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  return inferBroadcastResult(location, adaptor.getA().getType(),
                              adaptor.getB().getType(), /*resultElement=*/{},
                              inferred);
}

LogicalResult AddOp::verify() {
  return verifySameElementType(getOperation(), getA().getType(),
                               getB().getType());
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) { return {}; }
