//===- NNNeuralOps.cpp - nn conv, matmul, norm and pool ops ---------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/NN/NNTensorData.h"

using namespace mlir;
using namespace whittle::nn;

static std::optional<ArrayRef<int64_t>>
optionalArray(std::optional<ArrayRef<int64_t>> attr) {
  return attr;
}

//===----------------------------------------------------------------------===//
// ConvOp
//===----------------------------------------------------------------------===//

LogicalResult ConvOp::inferReturnTypes(MLIRContext *context,
                                       std::optional<Location> location,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  auto xType = cast<RankedTensorType>(adaptor.getX().getType());
  auto wType = cast<RankedTensorType>(adaptor.getW().getType());
  if (xType.getRank() < 3 || wType.getRank() != xType.getRank())
    return emitOptionalError(location,
                             "Conv expects X of rank >= 3 and W of the same "
                             "rank, got ranks ",
                             xType.getRank(), " and ", wType.getRank());
  ArrayRef<int64_t> kernel = wType.getShape().drop_front(2);
  if (auto given = adaptor.getKernelShape()) {
    if (*given != kernel)
      return emitOptionalError(location,
                               "'kernel_shape' does not match the spatial "
                               "dimensions of W");
  }
  if (llvm::any_of(kernel, ShapedType::isDynamic))
    return emitOptionalError(location, "Conv weights must have a static shape");
  FailureOr<WindowGeometry> window =
      resolveWindow(location, xType.getShape().drop_front(2), kernel,
                    optionalArray(adaptor.getStrides()),
                    optionalArray(adaptor.getDilations()),
                    optionalArray(adaptor.getPads()), adaptor.getAutoPad());
  if (failed(window))
    return failure();
  SmallVector<int64_t> shape = {xType.getDimSize(0), wType.getDimSize(0)};
  shape.append(window->output);
  inferred.push_back(RankedTensorType::get(shape, xType.getElementType()));
  return success();
}

LogicalResult ConvOp::verify() {
  auto xType = cast<RankedTensorType>(getX().getType());
  auto wType = cast<RankedTensorType>(getW().getType());
  int64_t group = getGroup();
  if (group <= 0)
    return emitOpError("'group' must be positive, got ") << group;
  int64_t channels = xType.getDimSize(1);
  int64_t outChannels = wType.getDimSize(0);
  if (!ShapedType::isDynamic(channels) &&
      channels != wType.getDimSize(1) * group)
    return emitOpError("input has ")
           << channels << " channels but W expects " << wType.getDimSize(1)
           << " x group " << group;
  if (outChannels % group != 0)
    return emitOpError("output channels (")
           << outChannels << ") must be divisible by 'group' (" << group << ")";
  if (!isNone(getB())) {
    auto bType = cast<RankedTensorType>(getB().getType());
    if (bType.getRank() != 1 || bType.getDimSize(0) != outChannels)
      return emitOpError("bias must have shape [") << outChannels << "]";
  }
  return success();
}
