//===- NNTensorOps.cpp - nn shape, data movement and reduction ops --------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/NN/NNTensorData.h"

using namespace mlir;
using namespace whittle::nn;

//===----------------------------------------------------------------------===//
// ReshapeOp
//===----------------------------------------------------------------------===//

/// Resolves ONNX Reshape's target shape: 0 copies the input dimension
/// (unless allowzero), one -1 is inferred from the element count.
static FailureOr<SmallVector<int64_t>>
resolveReshape(std::optional<Location> location, ArrayRef<int64_t> input,
               ArrayRef<int64_t> target, bool allowZero) {
  SmallVector<int64_t> shape;
  int64_t inferIndex = -1;
  for (auto [i, d] : llvm::enumerate(target)) {
    if (d == -1) {
      if (inferIndex >= 0)
        return emitOptionalError(location,
                                 "Reshape shape has more than one -1");
      inferIndex = i;
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    if (d < -1)
      return emitOptionalError(location, "Reshape shape entry ", d,
                               " is invalid");
    if (d == 0 && !allowZero) {
      if (i >= input.size())
        return emitOptionalError(location, "Reshape shape entry ", i,
                                 " is 0 but the input has rank ", input.size());
      shape.push_back(input[i]);
      continue;
    }
    shape.push_back(d);
  }
  if (allowZero && inferIndex >= 0 && llvm::is_contained(target, 0))
    return emitOptionalError(location,
                             "Reshape with allowzero=1 cannot have both 0 "
                             "and -1 in the shape");
  bool staticInput = llvm::none_of(input, ShapedType::isDynamic);
  int64_t inCount = 1;
  for (int64_t d : input)
    inCount *= ShapedType::isDynamic(d) ? 1 : d;
  int64_t known = 1;
  for (auto [i, d] : llvm::enumerate(shape))
    if ((int64_t)i != inferIndex)
      known *= ShapedType::isDynamic(d) ? 1 : d;
  bool staticOutput = llvm::all_of(llvm::enumerate(shape), [&](auto it) {
    return (int64_t)it.index() == inferIndex ||
           !ShapedType::isDynamic(it.value());
  });
  if (!staticInput || !staticOutput)
    return shape;
  if (inferIndex >= 0) {
    if (known == 0 || inCount % known != 0)
      return emitOptionalError(location, "cannot reshape ", inCount,
                               " elements: the -1 dimension is not integral");
    shape[inferIndex] = inCount / known;
  } else if (known != inCount) {
    return emitOptionalError(location, "cannot reshape ", inCount,
                             " elements into a shape of ", known, " elements");
  }
  return shape;
}

LogicalResult ReshapeOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> location,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  auto dataType = cast<RankedTensorType>(adaptor.getData().getType());
  auto shapeType = cast<RankedTensorType>(adaptor.getShape().getType());
  if (shapeType.getRank() != 1 || shapeType.isDynamicDim(0))
    return emitOptionalError(location,
                             "Reshape shape must be a 1-D tensor of static "
                             "size");
  std::optional<SmallVector<int64_t>> target =
      getConstantInts(adaptor.getShape());
  if (!target) {
    inferred.push_back(RankedTensorType::get(
        SmallVector<int64_t>(shapeType.getDimSize(0), ShapedType::kDynamic),
        dataType.getElementType()));
    return success();
  }
  FailureOr<SmallVector<int64_t>> shape = resolveReshape(
      location, dataType.getShape(), *target, adaptor.getAllowzero() != 0);
  if (failed(shape))
    return failure();
  inferred.push_back(RankedTensorType::get(*shape, dataType.getElementType()));
  return success();
}

LogicalResult ReshapeOp::verify() {
  auto in = cast<RankedTensorType>(getData().getType());
  auto out = cast<RankedTensorType>(getReshaped().getType());
  if (in.hasStaticShape() && out.hasStaticShape() &&
      in.getNumElements() != out.getNumElements())
    return emitOpError("input has ")
           << in.getNumElements() << " elements but the result has "
           << out.getNumElements();
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  auto type = cast<RankedTensorType>(getType());
  if (getData().getType() == type)
    return getData();
  auto data = dyn_cast_if_present<DenseElementsAttr>(adaptor.getData());
  if (data && type.hasStaticShape())
    return data.reshape(type);
  return {};
}
