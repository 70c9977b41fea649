//===- CompressionReportTest.cpp - report evaluation metrics --------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Checks the evaluation metrics against values known by construction:
// outputs with a chosen error give a chosen SQNR, rows with a planted
// maximum give a chosen accuracy.
//
//===----------------------------------------------------------------------===//

#include "whittle/Transforms/CompressionReport.h"

#include "gtest/gtest.h"

#include <cmath>
#include <vector>

using namespace whittle;

namespace {

TEST(EvaluationAccumulator, SQNRByConstruction) {
  // Signal 3^2 per element, error 0.03 everywhere: SQNR = 10 log10(9 /
  // 0.0009) = 40 dB, whatever the number of samples and row length.
  EvaluationAccumulator accumulator(/*withLabels=*/false);
  for (int sample = 0; sample < 7; ++sample) {
    std::vector<float> ref(5), out(5);
    for (int j = 0; j < 5; ++j) {
      ref[j] = (j + sample) % 2 ? 3.0f : -3.0f;
      out[j] = ref[j] + ((j % 3) ? 0.03f : -0.03f);
    }
    accumulator.addSample(ref, out);
  }
  CompressionReport::Evaluation eval = accumulator.finish();
  EXPECT_EQ(eval.metric, "sqnr_db");
  EXPECT_EQ(eval.samples, 7);
  EXPECT_NEAR(eval.after, 40.0, 1e-3);
}

TEST(EvaluationAccumulator, IdenticalOutputsHaveInfiniteSQNR) {
  EvaluationAccumulator accumulator(/*withLabels=*/false);
  std::vector<float> row = {1.0f, -2.0f};
  accumulator.addSample(row, row);
  EXPECT_TRUE(std::isinf(accumulator.finish().after));
}

TEST(EvaluationAccumulator, AccuracyByConstruction) {
  // 10 samples of 4 classes; the original's maximum is at the label for
  // samples 0..7, the compressed model's for samples 0..4 only.
  EvaluationAccumulator accumulator(/*withLabels=*/true);
  for (int sample = 0; sample < 10; ++sample) {
    int label = sample % 4;
    std::vector<float> ref(4, 0.0f), out(4, 0.0f);
    ref[sample < 8 ? label : (label + 1) % 4] = 1.0f;
    out[sample < 5 ? label : (label + 2) % 4] = 1.0f;
    accumulator.addSample(ref, out, label);
  }
  CompressionReport::Evaluation eval = accumulator.finish();
  EXPECT_EQ(eval.metric, "accuracy");
  EXPECT_EQ(eval.samples, 10);
  EXPECT_DOUBLE_EQ(eval.before, 0.8);
  EXPECT_DOUBLE_EQ(eval.after, 0.5);
}

TEST(EvaluationAccumulator, TiesGoToTheFirstMaximum) {
  EvaluationAccumulator accumulator(/*withLabels=*/true);
  std::vector<float> row = {0.5f, 2.0f, 2.0f};
  accumulator.addSample(row, row, /*label=*/1);
  EXPECT_DOUBLE_EQ(accumulator.finish().after, 1.0);
}

} // namespace
