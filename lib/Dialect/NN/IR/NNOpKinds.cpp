//===- NNOpKinds.cpp - classes of nn ops that passes treat alike ----------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNOpKinds.h"
#include "whittle/Dialect/NN/NNOps.h"

using namespace mlir;

bool whittle::nn::isDataMovement(Operation *op) {
  if (auto resize = dyn_cast<ResizeOp>(op))
    return resize.getMode() == "nearest";
  if (auto upsample = dyn_cast<UpsampleOp>(op))
    return upsample.getMode() == "nearest";
  return isa<ReshapeOp, FlattenOp, SqueezeOp, UnsqueezeOp, TransposeOp,
             IdentityOp, DepthToSpaceOp, SpaceToDepthOp, ConcatOp, SplitOp,
             SliceOp, PadOp, ExpandOp, TileOp, GatherOp>(op);
}
