//===- NNResizeSampling.cpp - where Resize samples its input --------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNResizeSampling.h"

#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/NN/NNTensorData.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace whittle;

/// The source coordinate of output position `i` along an axis of `in`
/// elements resized by `scale` to `outInt` elements, as the ONNX reference
/// computes it (in doubles, from the float scale); `outWidth` is the
/// unrounded `scale * in` that several modes use.
static double getSourceCoordinate(StringRef mode, double i, double scale,
                                  int64_t in, double outWidth, int64_t outInt,
                                  double roiStart, double roiEnd) {
  if (mode == "align_corners")
    return outWidth == 1 ? 0.0 : i * (in - 1) / (outWidth - 1);
  if (mode == "asymmetric")
    return i / scale;
  if (mode == "tf_half_pixel_for_nn")
    return (i + 0.5) / scale;
  if (mode == "tf_crop_and_resize") {
    double x = outWidth == 1
                   ? (roiEnd - roiStart) * (in - 1) / 2
                   : i * (roiEnd - roiStart) * (in - 1) / (outWidth - 1);
    return x + roiStart * (in - 1);
  }
  if (mode == "pytorch_half_pixel")
    return outWidth == 1 ? -0.5 : (i + 0.5) / scale - 0.5;
  if (mode == "half_pixel_symmetric") {
    double adjustment = outInt / outWidth;
    double offset = in / 2.0 * (1 - adjustment);
    return offset + (i + 0.5) / scale - 0.5;
  }
  return (i + 0.5) / scale - 0.5; // half_pixel
}

/// The interpolation weights for a source coordinate whose distance past
/// the tap on its left is `ratio` in (0, 1].
static SmallVector<double> getCoefficients(const ResizeConfig &config,
                                           double ratio) {
  if (config.mode == "nearest") {
    bool right;
    if (ratio == 1.0)
      right = true;
    else if (config.nearestMode == "round_prefer_ceil")
      right = ratio >= 0.5;
    else if (config.nearestMode == "floor")
      right = false;
    else if (config.nearestMode == "ceil")
      right = true;
    else
      right = ratio > 0.5;
    return {right ? 0.0 : 1.0, right ? 1.0 : 0.0};
  }
  if (config.mode == "linear")
    return {1 - ratio, ratio};
  double a = config.cubicA;
  double r1 = ratio + 1, s = 1 - ratio, s1 = s + 1;
  return {((a * r1 - 5 * a) * r1 + 8 * a) * r1 - 4 * a,
          ((a + 2) * ratio - (a + 3)) * ratio * ratio + 1,
          ((a + 2) * s - (a + 3)) * s * s + 1,
          ((a * s1 - 5 * a) * s1 + 8 * a) * s1 - 4 * a};
}

AxisSampling whittle::getAxisSampling(const ResizeConfig &config, int64_t in,
                                      int64_t out, double scale,
                                      double outWidth, double roiStart,
                                      double roiEnd) {
  AxisSampling sampling;
  int64_t taps = config.mode == "cubic" ? 4 : 2;
  int64_t padWidth = (taps + 1) / 2;
  for (int64_t i = 0; i < out; ++i) {
    double x = getSourceCoordinate(config.coordinateMode, i, scale, in,
                                   outWidth, out, roiStart, roiEnd);
    double floorX = std::floor(x);
    double ratio = x == floorX ? 1.0 : x - floorX;
    SmallVector<double> weights = getCoefficients(config, ratio);
    // The `taps` indices nearest to x, ties to the left: with an even
    // count the window starts taps/2 - 1 left of floor(x), or taps/2 when
    // x is an integer.
    double padded = x + padWidth;
    double p = std::floor(padded);
    int64_t start = static_cast<int64_t>(p) - taps / 2 +
                    (padded - p == 0 ? 0 : 1) - padWidth;
    SmallVector<int64_t> indices;
    for (int64_t t = 0; t < taps; ++t)
      indices.push_back(start + t);
    if (config.excludeOutside) {
      double sum = 0;
      for (int64_t t = 0; t < taps; ++t) {
        if (indices[t] < 0 || indices[t] >= in)
          weights[t] = 0;
        sum += weights[t];
      }
      if (sum != 0)
        for (double &w : weights)
          w /= sum;
    }
    for (int64_t &index : indices)
      index = std::clamp<int64_t>(index, 0, in - 1);
    if (config.mode == "nearest") {
      // One tap: the one with weight 1.
      indices = {weights[0] != 0 ? indices[0] : indices[1]};
      weights = {1.0};
    }
    sampling.indices.push_back(indices);
    sampling.weights.push_back(weights);
    sampling.extrapolated.push_back(
        config.coordinateMode == "tf_crop_and_resize" && (x < 0 || x > in - 1));
  }
  sampling.taps = config.mode == "nearest" ? 1 : taps;
  return sampling;
}

/// The constant floats of an operand.
static std::optional<SmallVector<double>> getStaticDoubles(Value value) {
  if (ElementsAttr attr = nn::getConstantElements(value))
    return nn::readAsDoubles(attr);
  return std::nullopt;
}

FailureOr<ResizePlan> whittle::getResizePlan(nn::ResizeOp op,
                                             RankedTensorType resultType) {
  auto type = cast<RankedTensorType>(op.getX().getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> axes;
  if (auto given = op.getAxes()) {
    for (int64_t axis : *given) {
      FailureOr<int64_t> normalized =
          nn::normalizeAxis(op.getLoc(), axis, rank);
      if (failed(normalized))
        return failure();
      axes.push_back(*normalized);
    }
  } else {
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  int64_t count = axes.size();

  // Per-dimension scales (used by the coordinate mapping) and unrounded
  // output widths, as the ONNX reference derives them.
  SmallVector<double> scales(rank, 1.0), outWidths(type.getShape());
  if (nn::isGiven(op.getScales())) {
    std::optional<SmallVector<double>> given = getStaticDoubles(op.getScales());
    if (!given)
      return op.emitOpError("can only be lowered with constant 'scales'");
    if ((int64_t)given->size() != count)
      return op.emitOpError("'scales' needs one value per axis");
    for (auto [i, axis] : llvm::enumerate(axes)) {
      scales[axis] = (*given)[i];
      outWidths[axis] = scales[axis] * type.getDimSize(axis);
    }
  } else {
    StringRef policy = op.getKeepAspectRatioPolicy();
    if (policy == "stretch") {
      for (int64_t axis : axes) {
        scales[axis] = static_cast<double>(resultType.getDimSize(axis)) /
                       type.getDimSize(axis);
        outWidths[axis] = resultType.getDimSize(axis);
      }
    } else {
      std::optional<SmallVector<int64_t>> sizes =
          nn::getConstantInts(op.getSizes());
      if (!sizes || (int64_t)sizes->size() != count)
        return op.emitOpError("can only be lowered with constant 'sizes'");
      double scale = policy == "not_larger" ? HUGE_VAL : 0;
      for (auto [i, axis] : llvm::enumerate(axes)) {
        double s = static_cast<double>((*sizes)[i]) / type.getDimSize(axis);
        scale =
            policy == "not_larger" ? std::min(scale, s) : std::max(scale, s);
      }
      for (int64_t axis : axes) {
        scales[axis] = scale;
        outWidths[axis] = scale * type.getDimSize(axis);
      }
    }
  }

  ResizeConfig config;
  config.mode = op.getMode();
  config.coordinateMode = op.getCoordinateTransformationMode();
  config.nearestMode = op.getNearestMode();
  config.cubicA = op.getCubicCoeffAAttr().getValueAsDouble();
  config.excludeOutside = op.getExcludeOutside() != 0;
  config.extrapolationValue = op.getExtrapolationValueAttr().getValueAsDouble();

  SmallVector<double> roi;
  if (config.coordinateMode == "tf_crop_and_resize") {
    std::optional<SmallVector<double>> given = getStaticDoubles(op.getRoi());
    if (!given || (int64_t)given->size() != 2 * count)
      return op.emitOpError("can only be lowered with a constant 'roi' of ")
             << 2 * count << " values";
    roi.assign(rank, 0.0);
    roi.append(rank, 1.0);
    for (auto [i, axis] : llvm::enumerate(axes)) {
      roi[axis] = (*given)[i];
      roi[rank + axis] = (*given)[count + i];
    }
  }

  return ResizePlan{config, scales, outWidths, roi};
}
