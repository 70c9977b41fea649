//===- NNTensorDataTest.cpp - constant tensor storage ---------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Checks the encoding and decoding of constant tensors against values
// written out by hand (IEEE half and bfloat16 roundings, two's complement
// edges, bools, splats, empty tensors) and the dense / resource split.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Dialect/NN/NNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "gtest/gtest.h"

#include <cstring>
#include <limits>

using namespace mlir;
using namespace whittle::nn;

namespace {

class TensorDataTest : public ::testing::Test {
protected:
  TensorDataTest() { context.loadDialect<NNDialect>(); }

  RankedTensorType tensor(ArrayRef<int64_t> shape, Type element) {
    return RankedTensorType::get(shape, element);
  }

  MLIRContext context;
  Builder b{&context};
};

TEST_F(TensorDataTest, HalfAndBFloatRoundToNearestEven) {
  // 0.1 is 0x2E66 in IEEE half (0.0999755859375) and 0x3DCD in bfloat16
  // (0.10009765625); 65504 is the largest finite half.
  for (auto [type, expected] :
       {std::pair<Type, double>{b.getF16Type(), 0.0999755859375},
        {b.getBF16Type(), 0.10009765625}}) {
    ElementsAttr attr =
        createElementsFromDoubles(tensor({3}, type), {0.1, -2.25, 1.5});
    auto values = readAsDoubles(attr);
    ASSERT_TRUE(values.has_value());
    EXPECT_EQ((*values)[0], expected);
    EXPECT_EQ((*values)[1], -2.25);
    EXPECT_EQ((*values)[2], 1.5);
  }
  auto half = readAsDoubles(
      createElementsFromDoubles(tensor({1}, b.getF16Type()), {65504.0}));
  EXPECT_EQ((*half)[0], 65504.0);
}

TEST_F(TensorDataTest, SignedAndUnsignedIntegerEdges) {
  auto i8 = readAsInts(createElementsFromInts(tensor({3}, b.getIntegerType(8)),
                                              {-128, 127, -1}));
  EXPECT_EQ(*i8, (SmallVector<int64_t>{-128, 127, -1}));
  Type ui8 = b.getIntegerType(8, /*isSigned=*/false);
  auto u8 = readAsInts(createElementsFromInts(tensor({2}, ui8), {255, 0}));
  EXPECT_EQ(*u8, (SmallVector<int64_t>{255, 0}));
  // Values wrap as in a C cast.
  auto wrapped = readAsInts(
      createElementsFromInts(tensor({1}, b.getIntegerType(8)), {200}));
  EXPECT_EQ((*wrapped)[0], 200 - 256);
  int64_t min64 = std::numeric_limits<int64_t>::min();
  auto i64 = readAsInts(
      createElementsFromInts(tensor({1}, b.getIntegerType(64)), {min64}));
  EXPECT_EQ((*i64)[0], min64);
  // ui64's top bit is a magnitude bit, not a sign.
  Type ui64 = b.getIntegerType(64, /*isSigned=*/false);
  auto u64 = readAsDoubles(createElementsFromInts(tensor({1}, ui64), {-1}));
  EXPECT_EQ((*u64)[0], 18446744073709551615.0);
}

TEST_F(TensorDataTest, BoolsAreOneBytePerElementAndNormalized) {
  const char raw[] = {0, 1, 2, 0};
  ElementsAttr attr = createElements(tensor({4}, b.getI1Type()), raw);
  EXPECT_TRUE(isa<DenseElementsAttr>(attr));
  EXPECT_EQ(*readAsInts(attr), (SmallVector<int64_t>{0, 1, 1, 0}));
}

TEST_F(TensorDataTest, SplatsAreExpanded) {
  auto type = tensor({2, 3}, b.getF32Type());
  auto splat = DenseElementsAttr::get(type, 3.0f);
  auto values = readAsDoubles(splat);
  ASSERT_EQ(values->size(), 6u);
  for (double v : *values)
    EXPECT_EQ(v, 3.0);
}

TEST_F(TensorDataTest, EmptyTensors) {
  auto type = tensor({0, 3}, b.getF32Type());
  ElementsAttr attr = createElementsFromDoubles(type, {});
  EXPECT_EQ(attr.getNumElements(), 0);
  EXPECT_TRUE(readAsDoubles(attr)->empty());
}

TEST_F(TensorDataTest, LargeTensorsBecomeResourceBlobs) {
  static_assert(kResourceThresholdBytes % 4 == 0);
  int64_t threshold = kResourceThresholdBytes / 4;
  SmallVector<double> values(threshold);
  for (int64_t i = 0; i < threshold; ++i)
    values[i] = i * 0.5;
  ElementsAttr small =
      createElementsFromDoubles(tensor({threshold - 1}, b.getF32Type()),
                                ArrayRef<double>(values).drop_back());
  ElementsAttr large =
      createElementsFromDoubles(tensor({threshold}, b.getF32Type()), values);
  EXPECT_TRUE(isa<DenseElementsAttr>(small));
  EXPECT_TRUE(isa<DenseResourceElementsAttr>(large));
  EXPECT_EQ(*readAsDoubles(large), values);
}

TEST_F(TensorDataTest, BuffersAreTakenOverWithoutChange) {
  SmallVector<float> floats(128);
  for (size_t i = 0; i < floats.size(); ++i)
    floats[i] = static_cast<float>(i) - 64.0f;
  auto *buffer = new std::string(reinterpret_cast<const char *>(floats.data()),
                                 floats.size() * sizeof(float));
  ElementsAttr attr =
      createElementsFromBuffer(tensor({128}, b.getF32Type()), buffer, "w");
  ASSERT_TRUE(isa<DenseResourceElementsAttr>(attr));
  auto values = readAsDoubles(attr);
  for (size_t i = 0; i < floats.size(); ++i)
    EXPECT_EQ((*values)[i], floats[i]);
}

TEST_F(TensorDataTest, ConstantIntsOfOperands) {
  OpBuilder builder(&context);
  Location loc = builder.getUnknownLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  builder.setInsertionPointToEnd(module->getBody());
  auto shape = DenseElementsAttr::get(tensor({3}, b.getI64Type()),
                                      ArrayRef<int64_t>{2, -1, 0});
  Value value = ConstantOp::create(builder, loc, shape);
  EXPECT_EQ(*getConstantInts(value), (SmallVector<int64_t>{2, -1, 0}));
  Value none = NoneOp::create(builder, loc);
  EXPECT_TRUE(isNone(none));
  EXPECT_FALSE(getConstantInts(none).has_value());
}

} // namespace
