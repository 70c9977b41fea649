//===- Calibration.h - activation ranges from sample data -------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The statistics `whittle-calibrate` collects for each float activation and
// the rules that turn them into the range `whittle-quantize` maps to int8.
// Every rule except min-max clips the magnitude |x| at a threshold chosen
// from a 2048-bin histogram of |x| over [0, max |x|].
//
// The chosen range is stored in the IR, so calibration can be inspected and
// quantization re-run without the data:
//   - `whittle.range = array<f64: min0, max0, min1, max1, ...>` on the op
//     producing the values (NaN for results that are not float tensors),
//   - `whittle.range = array<f64: min, max>` on function arguments,
//   - `whittle.calibration = {method = "...", samples = N}` on the module.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TRANSFORMS_CALIBRATION_H
#define WHITTLE_TRANSFORMS_CALIBRATION_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <utility>

namespace whittle {

enum class CalibrationMethod { MinMax, Percentile, Entropy, MSE };

std::optional<CalibrationMethod> parseCalibrationMethod(llvm::StringRef name);
llvm::StringRef stringifyCalibrationMethod(CalibrationMethod method);

/// Min, max and a histogram of |x| of one tensor over the calibration set,
/// collected in two sweeps: observeRange over every batch, then
/// observeHistogram over every batch (the bins span [0, max |x|] of the
/// first sweep).
struct TensorStatistics {
  static constexpr int64_t kNumBins = 2048;

  double min = 0.0, max = 0.0;
  int64_t count = 0;
  llvm::SmallVector<int64_t> bins;

  void observeRange(llvm::ArrayRef<float> values);
  void observeHistogram(llvm::ArrayRef<float> values);
  double getAbsMax() const;
  double getBinWidth() const;
};

/// The threshold on |x| a histogram-based method picks, from `bins` (counts
/// of |x| in equal bins over [0, absMax]):
/// - Percentile: the upper edge of the first bin at which the cumulative
///   count reaches `percentile` percent of the total.
/// - Entropy (TensorRT's rule): for each candidate of i >= `levels` bins,
///   the reference P is the first i bins with the outliers added to the
///   last; Q merges P into `levels` equal groups and spreads each group's
///   count evenly over its non-empty bins; the threshold is the upper edge
///   of the candidate with the smallest KL(P || Q).
/// - MSE: the threshold T minimising the expected squared error of
///   quantizing the histogram with `levels` steps over [0, T]: (|x| - T)^2
///   above T, step^2 / 12 below it.
/// - MinMax: absMax.
double chooseThreshold(llvm::ArrayRef<int64_t> bins, double absMax,
                       CalibrationMethod method, double percentile,
                       int64_t levels);

/// The range [min, max] of `stats` under `method`: the observed range,
/// clipped at +-threshold for the histogram methods. Entropy uses 128
/// levels; MSE 255 levels for non-negative tensors and 127 otherwise.
std::pair<double, double> chooseRange(const TensorStatistics &stats,
                                      CalibrationMethod method,
                                      double percentile);

/// Attribute names of the stored calibration.
constexpr llvm::StringLiteral kRangeAttrName = "whittle.range";
constexpr llvm::StringLiteral kCalibrationAttrName = "whittle.calibration";

/// The stored range of `value` (an op result or a function argument), if
/// calibrate recorded one.
std::optional<std::pair<double, double>> getCalibratedRange(mlir::Value value);

} // namespace whittle

#endif // WHITTLE_TRANSFORMS_CALIBRATION_H
