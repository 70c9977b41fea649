//===- NNResizeSampling.h - where Resize samples its input ------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// ONNX Resize's coordinate mapping and interpolation weights, settled at
// compile time per axis; shared by the float lowering (nn.resize) and the
// integer one (qnn.resize).
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_NNRESIZESAMPLING_H
#define WHITTLE_DIALECT_NN_NNRESIZESAMPLING_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

namespace whittle {
namespace nn {
class ResizeOp;
} // namespace nn

/// How one axis of a Resize is sampled, settled at compile time: for each
/// output position, the input taps (already clamped into range, which is
/// ONNX's edge padding) with their weights, and whether the position falls
/// outside the crop (tf_crop_and_resize extrapolation).
struct AxisSampling {
  int64_t taps = 0;
  llvm::SmallVector<llvm::SmallVector<int64_t>> indices; // [output][tap]
  llvm::SmallVector<llvm::SmallVector<double>> weights;  // [output][tap]
  llvm::SmallVector<bool> extrapolated;                  // [output]
};

struct ResizeConfig {
  llvm::StringRef mode = "nearest"; // nearest, linear, cubic
  llvm::StringRef coordinateMode = "half_pixel";
  llvm::StringRef nearestMode = "round_prefer_floor";
  double cubicA = -0.75;
  bool excludeOutside = false;
  double extrapolationValue = 0;
};

/// How `in` elements along one axis are sampled for `out` outputs, with
/// `scale` and the unrounded width `outWidth` (= scale * in) of the
/// coordinate mapping and the crop `roiStart`..`roiEnd` of
/// tf_crop_and_resize.
AxisSampling getAxisSampling(const ResizeConfig &config, int64_t in,
                             int64_t out, double scale, double outWidth,
                             double roiStart, double roiEnd);

/// How an nn.resize samples every axis, as ONNX's reference derives it:
/// the per-dimension scales (from `scales`, or from the result's sizes and
/// keep_aspect_ratio_policy), the unrounded output widths, the roi (empty
/// unless tf_crop_and_resize) and the attributes. The CPU lowering and the
/// CUDA back end both sample through it.
struct ResizePlan {
  ResizeConfig config;
  llvm::SmallVector<double> scales, outWidths, roi;
};
mlir::FailureOr<ResizePlan> getResizePlan(nn::ResizeOp op,
                                          mlir::RankedTensorType resultType);

} // namespace whittle

#endif // WHITTLE_DIALECT_NN_NNRESIZESAMPLING_H
