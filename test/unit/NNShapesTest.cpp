//===- NNShapesTest.cpp - shared shape rules ------------------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Checks the shape rules against a naive reference: sliding every window
// position over the padded input (ONNX's definition of the output size) and
// numpy broadcasting written out case by case.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNShapes.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace whittle::nn;

namespace {

/// Output size by enumerating window starts over the padded input. With
/// ceil mode one more window may run past the end padding when the previous
/// one left elements uncovered, and (as in PyTorch and ONNX Runtime) no
/// window may start in the end padding.
int64_t naiveWindowCount(int64_t in, int64_t k, int64_t s, int64_t d,
                         int64_t padBegin, int64_t padEnd, bool ceil) {
  int64_t span = (k - 1) * d + 1;
  int64_t padded = in + padBegin + padEnd;
  int64_t count = 0;
  for (int64_t start = 0;; start += s) {
    bool fits = start + span <= padded;
    bool valid =
        ceil ? start < in + padBegin && (fits || start - s + span < padded)
             : fits;
    if (!valid)
      break;
    ++count;
  }
  return count;
}

TEST(NNShapesTest, ExplicitPadsMatchWindowEnumeration) {
  for (int64_t in = 1; in <= 12; ++in)
    for (int64_t k = 1; k <= 4; ++k)
      for (int64_t s = 1; s <= 3; ++s)
        for (int64_t d = 1; d <= 2; ++d)
          for (int64_t pb = 0; pb <= 2; ++pb)
            for (int64_t pe = 0; pe <= 2; ++pe)
              for (bool ceil : {false, true}) {
                // Pads as wide as the window put whole windows in the
                // padding, which PyTorch rejects; ONNX leaves it open.
                int64_t span = (k - 1) * d + 1;
                if (in + pb + pe < span || pb >= span || pe >= span)
                  continue;
                SmallVector<int64_t> kernel = {k}, strides = {s},
                                     dilations = {d}, pads = {pb, pe};
                auto g = resolveWindow(std::nullopt, {in}, kernel,
                                       ArrayRef<int64_t>(strides),
                                       ArrayRef<int64_t>(dilations),
                                       ArrayRef<int64_t>(pads), "NOTSET", ceil);
                ASSERT_TRUE(succeeded(g));
                EXPECT_EQ(g->output[0],
                          naiveWindowCount(in, k, s, d, pb, pe, ceil))
                    << "in=" << in << " k=" << k << " s=" << s << " d=" << d
                    << " pads=" << pb << "," << pe << " ceil=" << ceil;
              }
}

TEST(NNShapesTest, SamePaddingCoversCeilInputOverStride) {
  // ONNX: output = ceil(in / stride), total pad = max(0, (out - 1) * stride
  // + span - in); SAME_UPPER puts the odd pad at the end, SAME_LOWER at the
  // beginning.
  for (int64_t in = 1; in <= 10; ++in)
    for (int64_t k = 1; k <= 5; ++k)
      for (int64_t s = 1; s <= 3; ++s)
        for (StringRef mode : {"SAME_UPPER", "SAME_LOWER"}) {
          SmallVector<int64_t> kernel = {k}, strides = {s};
          auto g = resolveWindow(std::nullopt, {in}, kernel,
                                 ArrayRef<int64_t>(strides), std::nullopt,
                                 std::nullopt, mode);
          ASSERT_TRUE(succeeded(g));
          int64_t out = (in + s - 1) / s;
          int64_t total = std::max<int64_t>(0, (out - 1) * s + k - in);
          EXPECT_EQ(g->output[0], out);
          EXPECT_EQ(g->pads[0] + g->pads[1], total);
          EXPECT_EQ(g->pads[mode == "SAME_UPPER" ? 1 : 0], (total + 1) / 2);
          EXPECT_EQ(
              naiveWindowCount(in, k, s, 1, g->pads[0], g->pads[1], false),
              out);
        }
}

TEST(NNShapesTest, WindowErrors) {
  SmallVector<int64_t> kernel = {5};
  EXPECT_TRUE(failed(resolveWindow(std::nullopt, {3}, kernel, std::nullopt,
                                   std::nullopt, std::nullopt, "NOTSET")));
  EXPECT_TRUE(failed(resolveWindow(std::nullopt, {8}, kernel, std::nullopt,
                                   std::nullopt, std::nullopt, "SIDEWAYS")));
  SmallVector<int64_t> zeroStride = {0};
  EXPECT_TRUE(failed(resolveWindow(std::nullopt, {8}, kernel,
                                   ArrayRef<int64_t>(zeroStride), std::nullopt,
                                   std::nullopt, "NOTSET")));
}

TEST(NNShapesTest, BroadcastFollowsNumpy) {
  auto check = [](ArrayRef<int64_t> a, ArrayRef<int64_t> b,
                  ArrayRef<int64_t> expected) {
    auto shape = broadcastShapes(std::nullopt, {a, b});
    ASSERT_TRUE(succeeded(shape));
    EXPECT_EQ(ArrayRef<int64_t>(*shape), expected);
  };
  check({2, 3}, {3}, {2, 3});
  check({4, 1, 5}, {3, 1}, {4, 3, 5});
  check({}, {2, 2}, {2, 2});
  check({0, 3}, {1, 3}, {0, 3});
  check({1}, {0}, {0});
  check({ShapedType::kDynamic, 3}, {4, 1}, {4, 3});
  EXPECT_TRUE(failed(broadcastShapes(std::nullopt, {{2, 3}, {4}})));
  EXPECT_TRUE(failed(broadcastShapes(std::nullopt, {{0}, {2}})));
}

TEST(NNShapesTest, MatMulShapes) {
  auto shape = [](ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
    return inferMatMulShape(std::nullopt, a, b);
  };
  EXPECT_EQ(*shape({3}, {3}), SmallVector<int64_t>{});
  EXPECT_EQ(*shape({2, 3}, {3}), SmallVector<int64_t>{2});
  EXPECT_EQ(*shape({3}, {3, 4}), SmallVector<int64_t>{4});
  EXPECT_EQ(*shape({5, 1, 2, 3}, {4, 3, 6}),
            (SmallVector<int64_t>{5, 4, 2, 6}));
  EXPECT_TRUE(failed(shape({2, 3}, {4, 5})));
}

TEST(NNShapesTest, NormalizeAxis) {
  EXPECT_EQ(*normalizeAxis(std::nullopt, -1, 4), 3);
  EXPECT_EQ(*normalizeAxis(std::nullopt, 0, 4), 0);
  EXPECT_TRUE(failed(normalizeAxis(std::nullopt, 4, 4)));
  EXPECT_TRUE(failed(normalizeAxis(std::nullopt, -5, 4)));
}

} // namespace
