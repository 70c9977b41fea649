//===- NNScalarFunctionsTest.cpp - the real function of an activation -----===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// nn::ScalarFunction is the one definition the nn folders (double), the
// whittle-quantize tables (double) and the nn-to-qnn tables (float32, as
// ONNX Runtime evaluates) share. These tests pin it to the expressions each
// of them used before, bit for bit, and check what getScalarFunction reads
// from ops (attributes, Clip's constant bounds).
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNScalarFunctions.h"
#include "whittle/Dialect/NN/NNDialect.h"
#include "whittle/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <vector>

using namespace mlir;
using namespace whittle::nn;
using Kind = ScalarFunction::Kind;

namespace {

/// Inputs over the range int8 tables see, with exact ties and zeros.
std::vector<double> samples() {
  std::vector<double> xs;
  for (int i = -1024; i <= 1024; ++i)
    xs.push_back(i / 97.0);
  for (double x : {-6.0, -3.0, -0.0, 0.0, 3.0, 6.0, 0.5, -0.5})
    xs.push_back(x);
  return xs;
}

TEST(ScalarFunction, DoubleMatchesTheFoldersAndTheQuantizer) {
  for (double x : samples()) {
    EXPECT_EQ(ScalarFunction(Kind::Sigmoid)(x), 1.0 / (1.0 + std::exp(-x)));
    EXPECT_EQ(ScalarFunction(Kind::Tanh)(x), std::tanh(x));
    EXPECT_EQ(ScalarFunction(Kind::Erf)(x), std::erf(x));
    // The quantizer's Gelu constants and the folder's are the same doubles.
    EXPECT_EQ(
        ScalarFunction(Kind::GeluTanh)(x),
        0.5 * x *
            (1.0 + std::tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))));
    EXPECT_EQ(ScalarFunction(Kind::Gelu)(x),
              0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))));
    EXPECT_EQ(ScalarFunction(Kind::HardSigmoid, 0.2, 0.5)(x),
              std::clamp(0.2 * x + 0.5, 0.0, 1.0));
    EXPECT_EQ(ScalarFunction(Kind::HardSwish)(x),
              x * std::clamp(x / 6.0 + 0.5, 0.0, 1.0));
    EXPECT_EQ(ScalarFunction(Kind::LeakyRelu, 0.1)(x), x >= 0 ? x : 0.1 * x);
    EXPECT_EQ(ScalarFunction(Kind::Elu, 1.5)(x),
              x < 0 ? 1.5 * (std::exp(x) - 1) : x);
    EXPECT_EQ(ScalarFunction(Kind::Selu, 1.67, 1.05)(x),
              x > 0 ? 1.05 * x : 1.05 * (1.67 * std::exp(x) - 1.67));
  }
}

TEST(ScalarFunction, FloatMatchesNNToQNN) {
  float alpha = 0.2f, beta = 0.5f;
  for (double sample : samples()) {
    float x = static_cast<float>(sample);
    EXPECT_EQ(ScalarFunction(Kind::Sigmoid)(x), 1.0f / (1.0f + std::exp(-x)));
    EXPECT_EQ(ScalarFunction(Kind::Tanh)(x), std::tanh(x));
    EXPECT_EQ(ScalarFunction(Kind::Exp)(x), std::exp(x));
    EXPECT_EQ(ScalarFunction(Kind::Relu)(x), std::max(x, 0.0f));
    EXPECT_EQ(ScalarFunction(Kind::Clip, -1.0, 2.5)(x),
              std::min(std::max(x, -1.0f), 2.5f));
    EXPECT_EQ(ScalarFunction(Kind::LeakyRelu, double(alpha))(x),
              x >= 0 ? x : alpha * x);
    EXPECT_EQ(ScalarFunction(Kind::HardSigmoid, double(alpha), double(beta))(x),
              std::max(0.0f, std::min(1.0f, alpha * x + beta)));
    EXPECT_EQ(ScalarFunction(Kind::HardSwish)(x),
              x * std::max(0.0f, std::min(1.0f, x / 6.0f + 0.5f)));
  }
}

TEST(ScalarFunction, ReadsOps) {
  MLIRContext context;
  context.loadDialect<NNDialect, func::FuncDialect>();
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(R"mlir(
    func.func @f(%x: tensor<4xf32>, %y: tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
      %lo = nn.constant dense<-1.0> : tensor<f32>
      %none = nn.none
      %a = nn.clip %x, %lo, %none : (tensor<4xf32>, tensor<f32>, none) -> tensor<4xf32>
      %b = nn.gelu %x {approximate = "tanh"} : (tensor<4xf32>) -> tensor<4xf32>
      %c = nn.hard_sigmoid %x {alpha = 0.25 : f32, beta = 0.5 : f32} : (tensor<4xf32>) -> tensor<4xf32>
      %d = nn.clip %x, %y, %none : (tensor<4xf32>, tensor<f32>, none) -> tensor<4xf32>
      return %a, %b, %c, %d : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
    }
  )mlir",
                                                             &context);
  ASSERT_TRUE(module);
  std::vector<Operation *> ops;
  module->walk([&](Operation *op) {
    if (isa<ClipOp, GeluOp, HardSigmoidOp>(op))
      ops.push_back(op);
  });
  ASSERT_EQ(ops.size(), 4u);
  std::optional<ScalarFunction> clip = getScalarFunction(ops[0]);
  ASSERT_TRUE(clip);
  EXPECT_EQ(clip->getKind(), Kind::Clip);
  EXPECT_EQ((*clip)(-3.0), -1.0);
  EXPECT_EQ((*clip)(1e30), 1e30);
  std::optional<ScalarFunction> gelu = getScalarFunction(ops[1]);
  ASSERT_TRUE(gelu);
  EXPECT_EQ(gelu->getKind(), Kind::GeluTanh);
  std::optional<ScalarFunction> hard = getScalarFunction(ops[2]);
  ASSERT_TRUE(hard);
  EXPECT_EQ((*hard)(1.0), 0.75);
  // A computed bound is no scalar function.
  EXPECT_FALSE(getScalarFunction(ops[3]));
}

} // namespace
