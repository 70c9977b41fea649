//===- QNNInterfacesTest.cpp - qnn ops read through their interfaces ------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// A back end reads every rescaling op's output stage through
// OutputStageOpInterface and every window through ConvLikeOpInterface,
// without naming an op or an attribute: these walks must see the values
// the IR spells, negative ones sign-extended.
//
//===----------------------------------------------------------------------===//

#include "ParsedModuleTest.h"

#include "whittle/Dialect/QNN/QNNOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace whittle::qnn;

namespace {

constexpr const char *kModel =
    R"mlir(
func.func @layers(%acc: tensor<1x4x4x4xi32>, %x: tensor<1x4x4x4xi8>,
                  %w: tensor<2x2x3x3xi8>) -> (tensor<1x4x4x4xi8>,
    tensor<1x4x4x4xi8>, tensor<1x4x4x4xi8>, tensor<1x8x4x4xi8>,
    tensor<1x4x2x2xi8>, tensor<1x4x1x1xi8>, tensor<1x4x4x4xi8>,
    tensor<1x4x2x2xi8>, tensor<1x2x2x3xi32>) {
  %0 = qnn.requantize %acc {multiplier = array<i32: 1073741824, 1, 2, 3>, shift = array<i32: 38, -3, 0, 62>, rounding = #qnn.rounding<float32>, output_zero_point = -10 : i32, min = -10 : i32, max = 100 : i32} : (tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xi8>
  %1 = qnn.add %x, %x {a_multiplier = 1497942794 : i32, b_multiplier = -860196588 : i32, shift = 31 : i32, output_zero_point = 5 : i32} : (tensor<1x4x4x4xi8>, tensor<1x4x4x4xi8>) -> tensor<1x4x4x4xi8>
  %2 = qnn.mul %x, %x {multiplier = 7 : i32, shift = -3 : i32, rounding = #qnn.rounding<half_away>} : (tensor<1x4x4x4xi8>, tensor<1x4x4x4xi8>) -> tensor<1x4x4x4xi8>
  %3 = qnn.concat %x, %x {axis = 1 : i64, input_zero_points = array<i32: 0, -4>, multipliers = array<i32: 1, 9>, shifts = array<i32: 0, 2>, min = 0 : i32} : (tensor<1x4x4x4xi8>, tensor<1x4x4x4xi8>) -> tensor<1x8x4x4xi8>
  %4 = qnn.avg_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, multiplier = 3 : i32, shift = 1 : i32, output_zero_point = -128 : i32} : (tensor<1x4x4x4xi8>) -> tensor<1x4x2x2xi8>
  %5 = qnn.global_avg_pool %x {multiplier = 5 : i32, shift = -2 : i32} : (tensor<1x4x4x4xi8>) -> tensor<1x4x1x1xi8>
  %6 = qnn.softmax %x {axis = -1 : i64, exp_table = array<i32: )mlir"
    "16777216, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0"
    R"mlir(>, multiplier = 255 : i32, shift = 24 : i32, output_zero_point = -128 : i32} : (tensor<1x4x4x4xi8>) -> tensor<1x4x4x4xi8>
  %7 = qnn.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x4xi8>) -> tensor<1x4x2x2xi8>
  %8 = qnn.conv %x, %w {strides = array<i64: 2, 1>, dilations = array<i64: 1, 2>, pads = array<i64: 0, 1, 1, 2>, group = 2 : i64, weight_zero_point = array<i32: 0>} : (tensor<1x4x4x4xi8>, tensor<2x2x3x3xi8>) -> tensor<1x2x2x3xi32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<1x4x4x4xi8>, tensor<1x4x4x4xi8>, tensor<1x4x4x4xi8>, tensor<1x8x4x4xi8>, tensor<1x4x2x2xi8>, tensor<1x4x1x1xi8>, tensor<1x4x4x4xi8>, tensor<1x4x2x2xi8>, tensor<1x2x2x3xi32>
}
)mlir";

/// What a back end reads of one output stage.
struct Stage {
  std::string op;
  SmallVector<int32_t> multipliers, shifts;
  RoundingMode rounding;
  int32_t zeroPoint, min, max;
  bool float32, dividesByCount, signedMultipliers;
};

class QNNInterfacesTest : public ParsedModuleTest {
protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(parse(kModel)); }
};

TEST_F(QNNInterfacesTest, WalksEveryOutputStage) {
  std::vector<Stage> stages;
  module->walk([&](OutputStageOpInterface op) {
    stages.push_back({op->getName().getStringRef().str(),
                      op.getOutputMultipliers(), op.getOutputShifts(),
                      op.getRounding(), op.getOutputZeroPoint(), op.getMin(),
                      op.getMax(), op.canRoundAsFloat32(), op.dividesByCount(),
                      op.hasSignedMultipliers()});
  });
  ASSERT_EQ(stages.size(), 7u);
  auto expect = [&](const Stage &s, StringRef name,
                    ArrayRef<int32_t> multipliers, ArrayRef<int32_t> shifts,
                    RoundingMode rounding, int32_t zeroPoint, int32_t min,
                    int32_t max) {
    SCOPED_TRACE(name.str());
    EXPECT_EQ(s.op, name.str());
    EXPECT_EQ(ArrayRef<int32_t>(s.multipliers), multipliers);
    EXPECT_EQ(ArrayRef<int32_t>(s.shifts), shifts);
    EXPECT_EQ(s.rounding, rounding);
    EXPECT_EQ(s.zeroPoint, zeroPoint);
    EXPECT_EQ(s.min, min);
    EXPECT_EQ(s.max, max);
  };
  // The order of the IR; per channel, per input and per tensor.
  expect(stages[0], "qnn.requantize", {1073741824, 1, 2, 3}, {38, -3, 0, 62},
         RoundingMode::float32, -10, -10, 100);
  expect(stages[1], "qnn.add", {1497942794, -860196588}, {31},
         RoundingMode::nearest_even, 5, -128, 127);
  expect(stages[2], "qnn.mul", {7}, {-3}, RoundingMode::half_away, 0, -128,
         127);
  expect(stages[3], "qnn.concat", {1, 9}, {0, 2}, RoundingMode::nearest_even, 0,
         0, 127);
  expect(stages[4], "qnn.avg_pool", {3}, {1}, RoundingMode::nearest_even, -128,
         -128, 127);
  expect(stages[5], "qnn.global_avg_pool", {5}, {-2},
         RoundingMode::nearest_even, 0, -128, 127);
  expect(stages[6], "qnn.softmax", {255}, {24}, RoundingMode::nearest_even,
         -128, -128, 127);

  // What each op allows of its output stage.
  for (const Stage &s : stages) {
    SCOPED_TRACE(s.op);
    EXPECT_EQ(s.float32, s.op == "qnn.requantize");
    EXPECT_EQ(s.signedMultipliers, s.op == "qnn.add");
    EXPECT_EQ(s.dividesByCount, s.op == "qnn.avg_pool" ||
                                    s.op == "qnn.global_avg_pool" ||
                                    s.op == "qnn.softmax");
  }
}

TEST_F(QNNInterfacesTest, WalksEveryWindow) {
  struct Window {
    std::string op;
    SmallVector<int64_t> shape, strides, dilations, pads;
    int64_t group;
  };
  std::vector<Window> windows;
  module->walk([&](ConvLikeOpInterface op) {
    windows.push_back({op->getName().getStringRef().str(), op.getWindowShape(),
                       llvm::to_vector(op.getStrides()),
                       op.getWindowDilations(), llvm::to_vector(op.getPads()),
                       op.getWindowGroup()});
  });
  ASSERT_EQ(windows.size(), 3u);
  EXPECT_EQ(windows[0].op, "qnn.avg_pool");
  EXPECT_EQ(windows[0].shape, (SmallVector<int64_t>{2, 2}));
  EXPECT_EQ(windows[0].dilations, (SmallVector<int64_t>{1, 1}));
  EXPECT_EQ(windows[0].pads, (SmallVector<int64_t>{0, 0, 1, 1}));
  EXPECT_EQ(windows[0].group, 1);
  EXPECT_EQ(windows[1].op, "qnn.max_pool");
  EXPECT_EQ(windows[1].shape, (SmallVector<int64_t>{3, 3}));
  EXPECT_EQ(windows[1].strides, (SmallVector<int64_t>{2, 2}));
  EXPECT_EQ(windows[2].op, "qnn.conv");
  // A convolution's window is its filter's spatial extent.
  EXPECT_EQ(windows[2].shape, (SmallVector<int64_t>{3, 3}));
  EXPECT_EQ(windows[2].strides, (SmallVector<int64_t>{2, 1}));
  EXPECT_EQ(windows[2].dilations, (SmallVector<int64_t>{1, 2}));
  EXPECT_EQ(windows[2].pads, (SmallVector<int64_t>{0, 1, 1, 2}));
  EXPECT_EQ(windows[2].group, 2);
}

} // namespace
