//===- SparsifyTest.cpp - sparsity masks against naive references ---------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The mask math of --whittle-sparsify on random weights, checked against
// references computed by direct coordinate loops, and channel removal
// checked end to end: the pruned model, JIT-compiled, computes what the
// dense model computes with those channels zeroed.
//
//===----------------------------------------------------------------------===//

#include "whittle/InitAllDialects.h"
#include "whittle/Target/CPU/CompiledModel.h"
#include "whittle/Transforms/Passes.h"
#include "whittle/Transforms/SparsifyMath.h"
#include "whittle/Transforms/SparsityPattern.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/StringExtras.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <random>

using namespace whittle;
using namespace whittle::sparsify;

namespace {

std::vector<double> randomWeights(int64_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> values(count);
  for (double &v : values)
    v = normal(rng);
  return values;
}

int64_t product(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// The coordinates of flat index `flat` in row-major `shape`.
std::vector<int64_t> coordinates(int64_t flat, llvm::ArrayRef<int64_t> shape) {
  std::vector<int64_t> coords(shape.size());
  for (int64_t d = shape.size() - 1; d >= 0; --d) {
    coords[d] = flat % shape[d];
    flat /= shape[d];
  }
  return coords;
}

/// Flat indices grouped by a key made of the coordinates.
template <typename KeyFn>
std::map<std::vector<int64_t>, std::vector<int64_t>>
groupBy(llvm::ArrayRef<int64_t> shape, KeyFn key) {
  std::map<std::vector<int64_t>, std::vector<int64_t>> groups;
  for (int64_t i = 0, e = product(shape); i < e; ++i)
    groups[key(coordinates(i, shape))].push_back(i);
  return groups;
}

struct ShapeCase {
  std::vector<int64_t> shape;
  int64_t outAxis, inAxis;
};

const ShapeCase kShapes[] = {
    {{8, 16, 3, 3}, 0, 1}, // conv W [T, S, k, k]
    {{16, 32}, 0, 1},      // gemm B with transB
    {{32, 8}, 1, 0},       // gemm/matmul B [K, N]
    {{3, 12, 4}, 2, 1},    // batched matmul B [batch, K, N]
};

TEST(SparsifyMath, NMGroupsKeepExactlyTheNLargest) {
  for (auto [n, m] : {std::pair<int64_t, int64_t>{2, 4}, {1, 4}, {4, 8}}) {
    for (const ShapeCase &c : kShapes) {
      if (c.shape[c.inAxis] % m != 0)
        continue;
      std::vector<double> original = randomWeights(product(c.shape), 7);
      std::vector<double> pruned = original;
      pruneNM(pruned, c.shape, c.inAxis, n, m);
      // m by copy: capturing a structured binding is C++20 (clang warns).
      auto groups = groupBy(c.shape, [&, m = m](std::vector<int64_t> coords) {
        coords[c.inAxis] /= m;
        return coords;
      });
      for (auto &[key, members] : groups) {
        ASSERT_EQ((int64_t)members.size(), m);
        int64_t nonZeros = 0;
        double smallestKept = INFINITY, largestPruned = 0;
        for (int64_t i : members) {
          if (pruned[i] != 0) {
            ++nonZeros;
            EXPECT_EQ(pruned[i], original[i]);
            smallestKept = std::min(smallestKept, std::fabs(original[i]));
          } else {
            largestPruned = std::max(largestPruned, std::fabs(original[i]));
          }
        }
        EXPECT_EQ(nonZeros, n) << n << ":" << m;
        EXPECT_GE(smallestKept, largestPruned);
      }
      EXPECT_LE(maxNonZerosPerGroup(pruned, c.shape, c.inAxis, m), n);
      SparsityPattern pattern;
      pattern.granularity = SparsityGranularity::NM;
      pattern.n = n;
      pattern.m = m;
      pattern.sparsity = 1.0 - double(n) / m;
      pattern.layout = {1, c.outAxis, c.inAxis};
      EXPECT_FALSE(checkSparsityPattern(pruned, c.shape, pattern));
      // The original weights are dense: the check must catch that.
      EXPECT_TRUE(checkSparsityPattern(original, c.shape, pattern));
    }
  }
}

TEST(SparsifyMath, PerChannelThresholdsHitTheTarget) {
  for (const ShapeCase &c : kShapes) {
    for (double target : {0.1, 0.5, 0.73, 0.9}) {
      std::vector<double> original = randomWeights(product(c.shape), 11);
      std::vector<double> pruned = original;
      llvm::SmallVector<double> thresholds =
          pruneUnstructuredPerChannel(pruned, c.shape, c.outAxis, target);
      auto channels = groupBy(c.shape, [&](std::vector<int64_t> coords) {
        return std::vector<int64_t>{coords[c.outAxis]};
      });
      ASSERT_EQ(thresholds.size(), channels.size());
      int64_t totalZeros = 0;
      for (auto &[key, members] : channels) {
        double t = thresholds[key[0]];
        int64_t zeros = 0;
        for (int64_t i : members) {
          if (pruned[i] == 0) {
            ++zeros;
            EXPECT_LE(std::fabs(original[i]), t);
          } else {
            // The DST mask: kept weights are above the channel's threshold.
            EXPECT_GT(std::fabs(original[i]), t);
            EXPECT_EQ(pruned[i], original[i]);
          }
        }
        EXPECT_LE(std::fabs(zeros - target * members.size()), 1.0)
            << "channel " << key[0] << " target " << target;
        totalZeros += zeros;
      }
      EXPECT_EQ(totalZeros, std::llround(target * pruned.size()));
    }
  }
}

TEST(SparsifyMath, PerChannelKeepsExistingZeros) {
  std::vector<int64_t> shape = {4, 8};
  std::vector<double> weights = randomWeights(32, 3);
  for (int64_t i = 0; i < 32; i += 3)
    weights[i] = 0;
  std::vector<double> pruned = weights;
  pruneUnstructuredPerChannel(pruned, shape, 0, 0.5);
  for (int64_t i = 0; i < 32; i += 3)
    EXPECT_EQ(pruned[i], 0.0);
}

TEST(SparsifyMath, BlocksOfSmallestNormGo) {
  std::vector<int64_t> shape = {16, 32, 3, 3};
  std::vector<double> original = randomWeights(product(shape), 5);
  for (BlockNorm norm : {BlockNorm::L1, BlockNorm::L2}) {
    std::vector<double> pruned = original;
    pruneBlocks(pruned, shape, 0, 1, 4, 8, 0.6, norm);
    auto blocks = groupBy(shape, [](std::vector<int64_t> coords) {
      return std::vector<int64_t>{coords[0] / 4, coords[1] / 8, coords[2],
                                  coords[3]};
    });
    int64_t zeroBlocks = 0;
    double largestPruned = 0, smallestKept = INFINITY;
    for (auto &[key, members] : blocks) {
      double size = 0;
      bool zero = true;
      for (int64_t i : members) {
        size += norm == BlockNorm::L1 ? std::fabs(original[i])
                                      : original[i] * original[i];
        zero &= pruned[i] == 0;
        // EXPECT_* expands to an if/else: braces keep it from taking ours.
        if (pruned[i] != 0) {
          EXPECT_EQ(pruned[i], original[i]);
        }
      }
      if (zero) {
        ++zeroBlocks;
        largestPruned = std::max(largestPruned, size);
      } else {
        smallestKept = std::min(smallestKept, size);
      }
    }
    EXPECT_EQ(zeroBlocks, std::llround(0.6 * blocks.size()));
    EXPECT_LE(largestPruned, smallestKept);
    EXPECT_EQ(countElementsInZeroBlocks(pruned, shape, 0, 1, 4, 8),
              zeroBlocks * 32);
  }
}

TEST(SparsifyMath, DetectsTheTrainedPattern) {
  WeightLayout layout{1, 0, 1};
  std::vector<int64_t> shape = {16, 32};
  std::vector<double> nm = randomWeights(512, 1);
  pruneNM(nm, shape, 1, 2, 4);
  std::optional<SparsityPattern> p = detectPattern(nm, shape, layout);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->granularity, SparsityGranularity::NM);
  EXPECT_EQ(p->n, 2);
  EXPECT_EQ(p->m, 4);
  EXPECT_DOUBLE_EQ(p->sparsity, 0.5);

  std::vector<double> blocks = randomWeights(512, 2);
  pruneBlocks(blocks, shape, 0, 1, 4, 4, 0.5, BlockNorm::L2);
  p = detectPattern(blocks, shape, layout);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->granularity, SparsityGranularity::Block);
  EXPECT_EQ(p->block, (llvm::SmallVector<int64_t, 2>{4, 4}));
  EXPECT_DOUBLE_EQ(p->sparsity, 0.5);

  std::vector<double> loose = randomWeights(512, 3);
  pruneUnstructuredPerChannel(loose, shape, 0, 0.3);
  p = detectPattern(loose, shape, layout);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->granularity, SparsityGranularity::Unstructured);
  EXPECT_NEAR(p->sparsity, 0.3, 1.0 / 512);

  EXPECT_FALSE(detectPattern(randomWeights(512, 4), shape, layout));
}

TEST(SparsifyMath, GlobalAllocationIgnoresLayerScale) {
  // Two layers with the same weights up to a factor of 100 get the same
  // share; the total is the target.
  std::vector<double> w = randomWeights(200, 9);
  LayerUnits a, b;
  for (double v : w) {
    a.scores.push_back(std::fabs(v));
    a.sizes.push_back(1);
    b.scores.push_back(100 * std::fabs(v));
    b.sizes.push_back(1);
  }
  llvm::SmallVector<double> fractions = allocateGlobal({a, b}, 0.6, 1.0);
  ASSERT_EQ(fractions.size(), 2u);
  EXPECT_NEAR(fractions[0], 0.6, 0.01);
  EXPECT_NEAR(fractions[1], 0.6, 0.01);
  EXPECT_NEAR((fractions[0] + fractions[1]) / 2, 0.6, 1e-9);
  // The per-layer cap holds and the rest goes elsewhere.
  fractions = allocateGlobal({a, b}, 0.6, 0.5);
  EXPECT_LE(fractions[0], 0.5);
  EXPECT_LE(fractions[1], 0.5);
}

TEST(SparsifyMath, ERKKeepsSmallLayersDenser) {
  // Densities proportional to sum(shape) / prod(shape): 130/4096 for the
  // 1x1 conv, 134/36864 and 198/73728 for the 3x3 convs. At 0.9 all three
  // stay below density 1 (eps = 0.1 * 114688 / 462 = 24.8).
  llvm::SmallVector<llvm::SmallVector<int64_t>> shapes = {
      {64, 64, 1, 1}, {64, 64, 3, 3}, {128, 64, 3, 3}};
  llvm::SmallVector<double> fractions = allocateERK(shapes, 0.9, 1.0);
  ASSERT_EQ(fractions.size(), 3u);
  double sizes[] = {4096, 36864, 73728}, scores[] = {130, 134, 198};
  double pruned = 0;
  for (int i = 0; i < 3; ++i)
    pruned += fractions[i] * sizes[i];
  EXPECT_NEAR(pruned / (4096 + 36864 + 73728), 0.9, 1e-9);
  EXPECT_LT(fractions[0], fractions[1]);
  EXPECT_LT(fractions[1], fractions[2]);
  for (int i = 0; i < 3; ++i)
    EXPECT_NEAR((1 - fractions[i]) * sizes[i] / scores[i], 0.1 * 114688 / 462,
                1e-9);
  // Layers whose share would exceed density 1 (the depthwise filters and
  // the 1x1 conv here) stay dense, and the large layer makes up for them.
  fractions =
      allocateERK({{32, 1, 3, 3}, {64, 32, 1, 1}, {64, 64, 3, 3}}, 0.8, 1.0);
  EXPECT_EQ(fractions[0], 0.0);
  EXPECT_EQ(fractions[1], 0.0);
  EXPECT_NEAR(fractions[2] * 36864, 0.8 * (288 + 2048 + 36864), 1e-6);
  // The cap holds.
  fractions = allocateERK(shapes, 0.9, 0.8);
  for (double f : fractions)
    EXPECT_LE(f, 0.8);
}

//===----------------------------------------------------------------------===//
// Channel removal, run through the JIT
//===----------------------------------------------------------------------===//

/// `values` as a nested MLIR literal of `shape`.
std::string nested(llvm::ArrayRef<double> values,
                   llvm::ArrayRef<int64_t> shape) {
  if (shape.empty())
    return std::to_string(values[0]);
  int64_t inner = values.size() / shape[0];
  std::string text = "[";
  for (int64_t i = 0; i < shape[0]; ++i)
    text += (i ? ", " : "") +
            nested(values.slice(i * inner, inner), shape.drop_front());
  return text + "]";
}

std::string denseLiteral(llvm::ArrayRef<double> values,
                         llvm::ArrayRef<int64_t> shape) {
  return "dense<" + nested(values, shape) + ">";
}

/// conv1 (4 channels) -> relu -> conv2 (5 channels) -> relu -> flatten ->
/// gemm (3 outputs). Channels 1 and 3 of conv1 and 0 and 4 of conv2 have
/// tiny filters, so they are the ones a channel target of 0.5 / 0.4
/// removes. `zeroed` sets those filters and biases to zero instead: the
/// dense model that the pruned one must match.
std::string makeModel(bool zeroed) {
  auto weights = [&](int64_t count, int64_t channels,
                     llvm::ArrayRef<int64_t> small, unsigned seed) {
    std::vector<double> w = randomWeights(count, seed);
    int64_t per = count / channels;
    for (int64_t c : small)
      for (int64_t i = 0; i < per; ++i)
        w[c * per + i] *= zeroed ? 0.0 : 0.01;
    return w;
  };
  auto bias = [&](int64_t channels, llvm::ArrayRef<int64_t> small,
                  unsigned seed) {
    std::vector<double> b = randomWeights(channels, seed);
    for (int64_t c : small)
      if (zeroed)
        b[c] = 0;
    return b;
  };
  std::string w1 =
      denseLiteral(weights(4 * 2 * 9, 4, {1, 3}, 21), {4, 2, 3, 3});
  std::string b1 = denseLiteral(bias(4, {1, 3}, 22), {4});
  std::string w2 =
      denseLiteral(weights(5 * 4 * 9, 5, {0, 4}, 23), {5, 4, 3, 3});
  std::string b2 = denseLiteral(bias(5, {0, 4}, 24), {5});
  std::string fc = denseLiteral(randomWeights(3 * 5 * 16, 25), {80, 3});
  return R"(
func.func @main(%x: tensor<1x2x6x6xf32>) -> tensor<1x3xf32> {
  %none = nn.none
  %w1 = nn.constant )" +
         w1 + R"( : tensor<4x2x3x3xf32>
  %b1 = nn.constant )" +
         b1 + R"( : tensor<4xf32>
  %w2 = nn.constant )" +
         w2 + R"( : tensor<5x4x3x3xf32>
  %b2 = nn.constant )" +
         b2 + R"( : tensor<5xf32>
  %fc = nn.constant )" +
         fc + R"( : tensor<80x3xf32>
  %0 = nn.conv %x, %w1, %b1 {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x6x6xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32> loc("conv1")
  %1 = nn.relu %0 : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %2 = nn.conv %1, %w2, %b2 : (tensor<1x4x6x6xf32>, tensor<5x4x3x3xf32>, tensor<5xf32>) -> tensor<1x5x4x4xf32> loc("conv2")
  %3 = nn.relu %2 : (tensor<1x5x4x4xf32>) -> tensor<1x5x4x4xf32>
  %4 = nn.flatten %3 : (tensor<1x5x4x4xf32>) -> tensor<1x80xf32>
  %5 = nn.gemm %4, %fc, %none : (tensor<1x80xf32>, tensor<80x3xf32>, none) -> tensor<1x3xf32> loc("fc")
  return %5 : tensor<1x3xf32>
}
)";
}

std::vector<float> runModel(mlir::ModuleOp module,
                            const std::vector<float> &input) {
  std::unique_ptr<CompiledModel> model = CompiledModel::compile(module);
  EXPECT_TRUE(model);
  if (!model)
    return {};
  HostTensor x;
  x.name = "x";
  x.dataType = 1;
  x.shape = {1, 2, 6, 6};
  x.data.resize(input.size() * sizeof(float));
  std::memcpy(x.data.data(), input.data(), x.data.size());
  std::vector<HostTensor> outputs;
  llvm::Error error = model->run({x}, outputs);
  EXPECT_FALSE(error) << llvm::toString(std::move(error));
  std::vector<float> result(outputs[0].getNumElements());
  std::memcpy(result.data(), outputs[0].data.data(),
              result.size() * sizeof(float));
  return result;
}

TEST(SparsifyChannels, PrunedModelMatchesDenseWithChannelsZeroed) {
  mlir::DialectRegistry registry;
  whittle::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  whittle::registerTransformsPasses();

  mlir::OwningOpRef<mlir::ModuleOp> pruned =
      mlir::parseSourceString<mlir::ModuleOp>(makeModel(false), &context);
  mlir::OwningOpRef<mlir::ModuleOp> zeroed =
      mlir::parseSourceString<mlir::ModuleOp>(makeModel(true), &context);
  ASSERT_TRUE(pruned && zeroed);

  mlir::PassManager pm(&context);
  ASSERT_TRUE(mlir::succeeded(
      mlir::parsePassPipeline("whittle-sparsify{granularity=channel "
                              "layer-sparsity=conv1:0.5,conv2:0.4}",
                              pm)));
  ASSERT_TRUE(mlir::succeeded(pm.run(*pruned)));

  // The graph shrank: conv1 has 2 channels, conv2 3, the gemm 48 inputs.
  std::string text;
  llvm::raw_string_ostream os(text);
  pruned->print(os);
  EXPECT_NE(text.find("-> tensor<1x2x6x6xf32>"), std::string::npos);
  EXPECT_NE(text.find("-> tensor<1x3x4x4xf32>"), std::string::npos);
  EXPECT_NE(text.find("tensor<48x3xf32>"), std::string::npos);

  std::vector<double> input = randomWeights(72, 99);
  std::vector<float> x(input.begin(), input.end());
  std::vector<float> expected = runModel(*zeroed, x);
  std::vector<float> actual = runModel(*pruned, x);
  ASSERT_EQ(expected.size(), 3u);
  ASSERT_EQ(actual.size(), 3u);
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(actual[i], expected[i], 1e-4 * (1 + std::fabs(expected[i])));
}

} // namespace
