//===- CalibrationTest.cpp - calibration ranges ---------------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Transforms/Calibration.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace whittle;

namespace {

TensorStatistics collect(const std::vector<float> &values) {
  TensorStatistics stats;
  stats.observeRange(values);
  stats.observeHistogram(values);
  return stats;
}

/// `count` samples of N(0, 1) from a generator seeded with `seed`, then
/// one far `outlier`.
std::vector<float> normalWithOutlier(unsigned seed, int count, float outlier) {
  std::mt19937 generator(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> values;
  for (int i = 0; i < count; ++i)
    values.push_back(normal(generator));
  values.push_back(outlier);
  return values;
}

/// The mean squared error of quantizing `values` to `levels` steps over
/// [0, threshold] on |x|, clipping above: the quantity MSE calibration
/// minimises, computed sample by sample.
double quantizationError(const std::vector<float> &values, double threshold,
                         int levels) {
  double step = threshold / levels, error = 0.0;
  for (float v : values) {
    double a = std::fabs(v);
    double q = std::min(std::round(a / step), double(levels)) * step;
    error += (a - q) * (a - q);
  }
  return error / values.size();
}

} // namespace

TEST(Calibration, RangeAndHistogram) {
  TensorStatistics stats = collect({-1.0f, 0.5f, 2.0f, NAN, 1.0f});
  EXPECT_EQ(stats.count, 4);
  EXPECT_DOUBLE_EQ(stats.min, -1.0);
  EXPECT_DOUBLE_EQ(stats.max, 2.0);
  ASSERT_EQ(stats.bins.size(), size_t(TensorStatistics::kNumBins));
  // |x| over [0, 2] in 2048 bins: 0.5 in bin 512, 1 (twice) in 1024, 2 in
  // the last.
  EXPECT_EQ(stats.bins[512], 1);
  EXPECT_EQ(stats.bins[1024], 2);
  EXPECT_EQ(stats.bins[2047], 1);
}

TEST(Calibration, Methods) {
  EXPECT_EQ(parseCalibrationMethod("entropy"), CalibrationMethod::Entropy);
  EXPECT_FALSE(parseCalibrationMethod("median"));
  EXPECT_EQ(stringifyCalibrationMethod(CalibrationMethod::MSE), "mse");
}

TEST(Calibration, Percentile) {
  // One sample in each of the first 1000 bins of width 1.
  std::vector<int64_t> bins(2048, 0);
  for (int i = 0; i < 1000; ++i)
    bins[i] = 1;
  EXPECT_DOUBLE_EQ(
      chooseThreshold(bins, 2048.0, CalibrationMethod::Percentile, 50.0, 128),
      500.0);
  EXPECT_DOUBLE_EQ(
      chooseThreshold(bins, 2048.0, CalibrationMethod::Percentile, 100.0, 128),
      1000.0);
  EXPECT_DOUBLE_EQ(
      chooseThreshold(bins, 2048.0, CalibrationMethod::MinMax, 50.0, 128),
      2048.0);
}

TEST(Calibration, EntropyClipsOutliers) {
  // Uniform data keeps its whole range; a bell curve with one far outlier
  // is clipped well below the outlier.
  std::vector<int64_t> uniform(2048, 10);
  EXPECT_DOUBLE_EQ(
      chooseThreshold(uniform, 1.0, CalibrationMethod::Entropy, 0, 128), 1.0);
  TensorStatistics stats = collect(normalWithOutlier(7, 100000, 40.0f));
  auto [lo, hi] = chooseRange(stats, CalibrationMethod::Entropy, 0);
  EXPECT_GT(hi, 2.0);
  EXPECT_LT(hi, 10.0);
  // The negative side ends at the observed minimum when that is closer.
  EXPECT_DOUBLE_EQ(lo, std::max(stats.min, -hi));
}

TEST(Calibration, MSEMatchesBruteForce) {
  std::vector<float> values = normalWithOutlier(11, 50000, 30.0f);
  TensorStatistics stats = collect(values);
  double chosen = chooseThreshold(stats.bins, stats.getAbsMax(),
                                  CalibrationMethod::MSE, 0, 127);
  // The best threshold on a fine grid, by quantizing every sample.
  double best = 0, bestError = INFINITY;
  for (double t = 0.5; t <= 30.0; t += 0.05) {
    double error = quantizationError(values, t, 127);
    if (error < bestError) {
      bestError = error;
      best = t;
    }
  }
  EXPECT_NEAR(chosen, best, 0.35 * best);
  EXPECT_LT(quantizationError(values, chosen, 127), 1.2 * bestError);
}

TEST(Calibration, RangeKeepsTheObservedSide) {
  // Non-negative data keeps its minimum 0; the threshold only clips.
  std::vector<float> values;
  for (int i = 0; i < 1000; ++i)
    values.push_back(i / 1000.0f);
  values.push_back(100.0f);
  TensorStatistics stats = collect(values);
  auto [lo, hi] = chooseRange(stats, CalibrationMethod::Percentile, 99.0);
  EXPECT_DOUBLE_EQ(lo, 0.0);
  EXPECT_NEAR(hi, 1.0, 0.05);
  auto [minLo, minHi] = chooseRange(stats, CalibrationMethod::MinMax, 0);
  EXPECT_DOUBLE_EQ(minLo, 0.0);
  EXPECT_DOUBLE_EQ(minHi, 100.0);
}
