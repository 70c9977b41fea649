//===- Calibration.cpp - activation ranges from sample data ---------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Transforms/Calibration.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;

namespace whittle {

/// Each method and its name in pass options and reports.
static constexpr std::pair<CalibrationMethod, const char *> kMethodNames[] = {
    {CalibrationMethod::MinMax, "minmax"},
    {CalibrationMethod::Percentile, "percentile"},
    {CalibrationMethod::Entropy, "entropy"},
    {CalibrationMethod::MSE, "mse"}};

std::optional<CalibrationMethod> parseCalibrationMethod(StringRef name) {
  for (auto [method, methodName] : kMethodNames)
    if (name == methodName)
      return method;
  return std::nullopt;
}

StringRef stringifyCalibrationMethod(CalibrationMethod method) {
  for (auto [known, name] : kMethodNames)
    if (known == method)
      return name;
  return "";
}

void TensorStatistics::observeRange(ArrayRef<float> values) {
  for (float v : values) {
    if (!std::isfinite(v))
      continue;
    if (count == 0) {
      min = max = v;
    } else {
      min = std::min<double>(min, v);
      max = std::max<double>(max, v);
    }
    ++count;
  }
}

double TensorStatistics::getAbsMax() const {
  return std::max(std::fabs(min), std::fabs(max));
}

double TensorStatistics::getBinWidth() const { return getAbsMax() / kNumBins; }

void TensorStatistics::observeHistogram(ArrayRef<float> values) {
  if (bins.empty())
    bins.assign(kNumBins, 0);
  double width = getBinWidth();
  if (width <= 0.0)
    return;
  for (float v : values) {
    if (!std::isfinite(v))
      continue;
    auto bin = static_cast<int64_t>(std::fabs(v) / width);
    ++bins[std::min<int64_t>(bin, kNumBins - 1)];
  }
}

static double percentileThreshold(ArrayRef<int64_t> bins, double width,
                                  double percentile) {
  int64_t total = 0;
  for (int64_t b : bins)
    total += b;
  double target = total * std::clamp(percentile, 0.0, 100.0) / 100.0;
  int64_t cumulative = 0;
  for (auto [i, b] : llvm::enumerate(bins)) {
    cumulative += b;
    if (cumulative >= target)
      return (i + 1) * width;
  }
  return bins.size() * width;
}

static double entropyThreshold(ArrayRef<int64_t> bins, double width,
                               int64_t levels) {
  int64_t numBins = bins.size();
  if (numBins <= levels)
    return numBins * width;
  double bestDivergence = std::numeric_limits<double>::infinity();
  int64_t best = numBins;
  std::vector<double> reference, candidate;
  int64_t outliers = 0;
  for (int64_t b : bins)
    outliers += b;
  for (int64_t i = 0; i < levels; ++i)
    outliers -= bins[i];
  for (int64_t i = levels; i <= numBins; ++i) {
    reference.assign(bins.begin(), bins.begin() + i);
    reference[i - 1] += outliers;
    if (i < numBins)
      outliers -= bins[i];
    // Merge the bins (without the outliers) into `levels` groups,
    // spreading each group's count over its non-empty bins: what int8 can
    // represent of the clipped distribution.
    candidate.assign(i, 0.0);
    for (int64_t j = 0; j < levels; ++j) {
      int64_t begin = j * i / levels, end = (j + 1) * i / levels;
      double sum = 0.0;
      int64_t nonEmpty = 0;
      for (int64_t k = begin; k < end; ++k) {
        sum += bins[k];
        nonEmpty += bins[k] != 0;
      }
      for (int64_t k = begin; k < end; ++k)
        if (bins[k] != 0)
          candidate[k] = sum / nonEmpty;
    }
    double referenceSum = 0.0, candidateSum = 0.0;
    for (int64_t k = 0; k < i; ++k) {
      referenceSum += reference[k];
      candidateSum += candidate[k];
    }
    if (referenceSum == 0.0 || candidateSum == 0.0)
      continue;
    double divergence = 0.0;
    for (int64_t k = 0; k < i; ++k) {
      if (reference[k] == 0.0)
        continue;
      double p = reference[k] / referenceSum;
      // Outliers piled into an empty last bin: Q cannot represent them.
      double q = std::max(candidate[k] / candidateSum, 1e-12);
      divergence += p * std::log(p / q);
    }
    if (divergence < bestDivergence) {
      bestDivergence = divergence;
      best = i;
    }
  }
  return best * width;
}

static double mseThreshold(ArrayRef<int64_t> bins, double width,
                           int64_t levels) {
  int64_t numBins = bins.size();
  double bestError = std::numeric_limits<double>::infinity();
  int64_t best = numBins;
  for (int64_t i = std::min<int64_t>(levels, numBins); i <= numBins; ++i) {
    double threshold = i * width;
    double step = threshold / levels;
    double rounding = step * step / 12.0;
    double error = 0.0;
    for (int64_t k = 0; k < numBins; ++k) {
      if (bins[k] == 0)
        continue;
      double center = (k + 0.5) * width;
      double e = center > threshold
                     ? (center - threshold) * (center - threshold)
                     : rounding;
      error += bins[k] * e;
    }
    if (error < bestError) {
      bestError = error;
      best = i;
    }
  }
  return best * width;
}

double chooseThreshold(ArrayRef<int64_t> bins, double absMax,
                       CalibrationMethod method, double percentile,
                       int64_t levels) {
  if (bins.empty() || absMax <= 0.0)
    return absMax;
  double width = absMax / bins.size();
  switch (method) {
  case CalibrationMethod::MinMax:
    return absMax;
  case CalibrationMethod::Percentile:
    return percentileThreshold(bins, width, percentile);
  case CalibrationMethod::Entropy:
    return entropyThreshold(bins, width, levels);
  case CalibrationMethod::MSE:
    return mseThreshold(bins, width, levels);
  }
  return absMax;
}

std::pair<double, double> chooseRange(const TensorStatistics &stats,
                                      CalibrationMethod method,
                                      double percentile) {
  if (method == CalibrationMethod::MinMax || stats.bins.empty())
    return {stats.min, stats.max};
  int64_t levels = 128;
  if (method == CalibrationMethod::MSE)
    levels = stats.min >= 0.0 ? 255 : 127;
  double threshold = chooseThreshold(stats.bins, stats.getAbsMax(), method,
                                     percentile, levels);
  return {std::max(stats.min, -threshold), std::min(stats.max, threshold)};
}

std::optional<std::pair<double, double>> getCalibratedRange(Value value) {
  DenseF64ArrayAttr range;
  unsigned index = 0;
  if (auto argument = dyn_cast<BlockArgument>(value)) {
    auto func = dyn_cast<func::FuncOp>(argument.getOwner()->getParentOp());
    if (!func)
      return std::nullopt;
    range = func.getArgAttrOfType<DenseF64ArrayAttr>(argument.getArgNumber(),
                                                     kRangeAttrName);
  } else {
    range =
        value.getDefiningOp()->getAttrOfType<DenseF64ArrayAttr>(kRangeAttrName);
    index = cast<OpResult>(value).getResultNumber();
  }
  if (!range || range.size() < 2 * (index + 1))
    return std::nullopt;
  double lo = range[2 * index], hi = range[2 * index + 1];
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi)
    return std::nullopt;
  return std::make_pair(lo, hi);
}

} // namespace whittle
