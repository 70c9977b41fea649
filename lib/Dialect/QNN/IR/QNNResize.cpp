//===- QNNResize.cpp - qnn.resize for an nn.resize ------------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/QNN/QNNResize.h"
#include "whittle/Dialect/NN/NNResizeSampling.h"
#include "whittle/Dialect/NN/NNTensorData.h"

#include <cmath>

using namespace mlir;
using namespace whittle;

FailureOr<qnn::ResizeOp> qnn::buildResize(OpBuilder &b, nn::ResizeOp resize,
                                          Value x, RoundingMode rounding,
                                          std::string &reason) {
  auto fail = [&](StringRef why) {
    reason = why.str();
    return failure();
  };
  auto in = cast<RankedTensorType>(x.getType());
  auto out = dyn_cast<RankedTensorType>(resize.getType());
  if (!out || !in.hasStaticShape() || !out.hasStaticShape())
    return fail("its shapes are not static");
  if (in.getRank() < 3 || in.getDimSize(0) != out.getDimSize(0) ||
      in.getDimSize(1) != out.getDimSize(1))
    return fail("it resizes more than the spatial dimensions (N x C x D...)");
  StringRef mode = resize.getMode();
  if (mode != "nearest" && mode != "linear")
    return fail("'cubic' interpolation has no integer form");
  if (resize.getAntialias() != 0 || resize.getExcludeOutside() != 0)
    return fail("antialias and exclude_outside have no integer form");
  StringRef transform = resize.getCoordinateTransformationMode();
  if (transform == "tf_crop_and_resize" || transform == "tf_half_pixel_for_nn")
    return fail(("coordinate_transformation_mode '" + transform +
                 "' has no integer form")
                    .str());
  int64_t rank = in.getRank();
  SmallVector<int64_t> axes;
  if (std::optional<ArrayRef<int64_t>> given = resize.getAxes()) {
    for (int64_t axis : *given)
      axes.push_back(axis < 0 ? axis + rank : axis);
  } else {
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  DenseF32ArrayAttr scalesAttr;
  if (nn::isGiven(resize.getScales())) {
    ElementsAttr attr = nn::getConstantElements(resize.getScales());
    std::optional<SmallVector<double>> given =
        attr ? nn::readAsDoubles(attr) : std::nullopt;
    if (!given || given->size() != axes.size())
      return fail("its scales are not constant");
    SmallVector<float> scales(rank, 1.0f);
    for (auto [axis, scale] : llvm::zip(axes, *given))
      scales[axis] = static_cast<float>(scale);
    scalesAttr = b.getDenseF32ArrayAttr(scales);
  } else if (resize.getKeepAspectRatioPolicy() != "stretch") {
    return fail("keep_aspect_ratio_policy other than 'stretch' has no "
                "integer form");
  }
  return ResizeOp::create(
      b, resize.getLoc(), RankedTensorType::get(out.getShape(), b.getI8Type()),
      x, b.getStringAttr(mode), b.getStringAttr(transform),
      b.getStringAttr(resize.getNearestMode()), scalesAttr,
      b.getI64IntegerAttr(10), RoundingModeAttr::get(b.getContext(), rounding));
}

qnn::IntegerAxisSampling qnn::getIntegerAxisSampling(ResizeOp op,
                                                     int64_t axis) {
  int64_t in = op.getX().getType().getDimSize(axis);
  int64_t out = op.getType().getDimSize(axis);
  double scale = static_cast<double>(out) / in, outWidth = out;
  if (std::optional<ArrayRef<float>> scales = op.getScales()) {
    scale = (*scales)[axis];
    outWidth = scale * in;
  }
  ResizeConfig config;
  config.mode = op.getMode();
  config.coordinateMode = op.getCoordinateTransformationMode();
  config.nearestMode = op.getNearestMode();
  AxisSampling sampling =
      getAxisSampling(config, in, out, scale, outWidth, 0.0, 1.0);
  int64_t one = int64_t(1) << op.getFractionBits();
  IntegerAxisSampling result;
  result.indices.resize(sampling.taps);
  result.weights.resize(sampling.taps);
  for (int64_t i = 0; i < out; ++i) {
    int64_t rest = one;
    for (int64_t t = 0; t < sampling.taps; ++t) {
      int64_t weight =
          t + 1 == sampling.taps
              ? rest
              : static_cast<int64_t>(std::nearbyint(
                    std::ldexp(sampling.weights[i][t], op.getFractionBits())));
      rest -= weight;
      result.indices[t].push_back(sampling.indices[i][t]);
      result.weights[t].push_back(weight);
    }
  }
  return result;
}
