//===- SparsifyMath.cpp - mask selection on raw weights -------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Transforms/SparsifyMath.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>

using namespace llvm;
using namespace whittle;
using namespace whittle::sparsify;

namespace {

/// Row-major strides of `shape` and the enumeration of positions that have
/// index 0 along one or two axes, which is how lines, groups and blocks
/// along those axes are visited.
struct Indexer {
  SmallVector<int64_t> shape, strides;
  int64_t numElements = 1;

  explicit Indexer(ArrayRef<int64_t> dims) : shape(dims) {
    strides.resize(dims.size());
    for (int64_t d = (int64_t)dims.size() - 1; d >= 0; --d) {
      strides[d] = numElements;
      numElements *= dims[d];
    }
  }

  int64_t coordinate(int64_t flat, int64_t axis) const {
    return (flat / strides[axis]) % shape[axis];
  }

  /// Flat offsets of every position whose index along each of `axes` is 0.
  SmallVector<int64_t> bases(ArrayRef<int64_t> axes) const {
    SmallVector<int64_t> result;
    for (int64_t i = 0; i < numElements; ++i)
      if (llvm::all_of(axes, [&](int64_t a) { return coordinate(i, a) == 0; }))
        result.push_back(i);
    return result;
  }
};

/// Whether `a` sorts before `b`, with NaN after every number: a strict weak
/// ordering whatever the data, which std::sort needs.
static bool lessNaNLast(double a, double b) {
  return std::isnan(b) ? !std::isnan(a) : a < b;
}

/// Indices of `values` sorted by increasing magnitude, ties by position.
SmallVector<int64_t> orderByMagnitude(ArrayRef<double> values) {
  SmallVector<int64_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  // std::sort with ties broken by position rather than std::stable_sort,
  // whose libstdc++ 12 implementation calls std::get_temporary_buffer, which
  // clang 22 warns is deprecated.
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    double magnitudeA = std::fabs(values[a]), magnitudeB = std::fabs(values[b]);
    if (lessNaNLast(magnitudeA, magnitudeB) ||
        lessNaNLast(magnitudeB, magnitudeA))
      return lessNaNLast(magnitudeA, magnitudeB);
    return a < b;
  });
  return order;
}

int64_t roundCount(double fraction, int64_t count) {
  return std::clamp<int64_t>(std::llround(fraction * count), 0, count);
}

/// Calls `fn(flatIndices)` for every [bo, bi] block over (outAxis, inAxis).
template <typename Fn>
void forEachBlock(ArrayRef<int64_t> shape, int64_t outAxis, int64_t inAxis,
                  int64_t bo, int64_t bi, Fn fn) {
  Indexer idx(shape);
  SmallVector<int64_t> elements;
  for (int64_t base : idx.bases({outAxis, inAxis}))
    for (int64_t r = 0; r < shape[outAxis] / bo; ++r)
      for (int64_t c = 0; c < shape[inAxis] / bi; ++c) {
        elements.clear();
        for (int64_t i = 0; i < bo; ++i)
          for (int64_t j = 0; j < bi; ++j)
            elements.push_back(base + (r * bo + i) * idx.strides[outAxis] +
                               (c * bi + j) * idx.strides[inAxis]);
        fn(ArrayRef<int64_t>(elements));
      }
}

} // namespace

int64_t sparsify::countZeros(ArrayRef<double> weights) {
  return llvm::count_if(weights, [](double w) { return w == 0.0; });
}

SmallVector<double>
sparsify::pruneUnstructuredPerChannel(MutableArrayRef<double> weights,
                                      ArrayRef<int64_t> shape, int64_t outAxis,
                                      double sparsity) {
  Indexer idx(shape);
  int64_t channels = shape[outAxis];
  SmallVector<SmallVector<int64_t>> members(channels);
  for (int64_t i = 0; i < idx.numElements; ++i)
    members[idx.coordinate(i, outAxis)].push_back(i);
  SmallVector<double> thresholds(channels, -1.0);
  // The layer's count is exact; channels differ by at most one element.
  int64_t total = roundCount(sparsity, idx.numElements);
  for (int64_t c = 0; c < channels; ++c) {
    SmallVector<double> row;
    for (int64_t i : members[c])
      row.push_back(weights[i]);
    SmallVector<int64_t> order = orderByMagnitude(row);
    int64_t prune = total / channels + (c < total % channels ? 1 : 0);
    for (int64_t k = 0; k < prune; ++k) {
      thresholds[c] = std::fabs(row[order[k]]);
      weights[members[c][order[k]]] = 0.0;
    }
  }
  return thresholds;
}

void sparsify::pruneNM(MutableArrayRef<double> weights, ArrayRef<int64_t> shape,
                       int64_t inAxis, int64_t n, int64_t m) {
  assert(shape[inAxis] % m == 0 && "M must divide the reduction length");
  Indexer idx(shape);
  int64_t stride = idx.strides[inAxis];
  SmallVector<double> group(m);
  for (int64_t base : idx.bases({inAxis}))
    for (int64_t g = 0; g < shape[inAxis] / m; ++g) {
      int64_t first = base + g * m * stride;
      for (int64_t j = 0; j < m; ++j)
        group[j] = weights[first + j * stride];
      SmallVector<int64_t> order = orderByMagnitude(group);
      for (int64_t k = 0; k < m - n; ++k)
        weights[first + order[k] * stride] = 0.0;
    }
}

int64_t sparsify::maxNonZerosPerGroup(ArrayRef<double> weights,
                                      ArrayRef<int64_t> shape, int64_t inAxis,
                                      int64_t m) {
  Indexer idx(shape);
  int64_t stride = idx.strides[inAxis], result = 0;
  for (int64_t base : idx.bases({inAxis}))
    for (int64_t g = 0; g < shape[inAxis] / m; ++g) {
      int64_t nonZeros = 0;
      for (int64_t j = 0; j < m; ++j)
        nonZeros += weights[base + (g * m + j) * stride] != 0.0;
      result = std::max(result, nonZeros);
    }
  return result;
}

SmallVector<double> sparsify::blockNorms(ArrayRef<double> weights,
                                         ArrayRef<int64_t> shape,
                                         int64_t outAxis, int64_t inAxis,
                                         int64_t bo, int64_t bi,
                                         BlockNorm norm) {
  SmallVector<double> result;
  forEachBlock(shape, outAxis, inAxis, bo, bi, [&](ArrayRef<int64_t> block) {
    double sum = 0;
    for (int64_t i : block)
      sum += norm == BlockNorm::L1 ? std::fabs(weights[i])
                                   : weights[i] * weights[i];
    result.push_back(norm == BlockNorm::L1 ? sum : std::sqrt(sum));
  });
  return result;
}

void sparsify::pruneBlocks(MutableArrayRef<double> weights,
                           ArrayRef<int64_t> shape, int64_t outAxis,
                           int64_t inAxis, int64_t bo, int64_t bi,
                           double sparsity, BlockNorm norm) {
  SmallVector<double> norms =
      blockNorms(weights, shape, outAxis, inAxis, bo, bi, norm);
  SmallVector<int64_t> order = orderByMagnitude(norms);
  SmallVector<bool> prune(norms.size(), false);
  for (int64_t k = 0, e = roundCount(sparsity, norms.size()); k < e; ++k)
    prune[order[k]] = true;
  int64_t blockIndex = 0;
  forEachBlock(shape, outAxis, inAxis, bo, bi, [&](ArrayRef<int64_t> block) {
    if (prune[blockIndex++])
      for (int64_t i : block)
        weights[i] = 0.0;
  });
}

int64_t sparsify::countElementsInZeroBlocks(ArrayRef<double> weights,
                                            ArrayRef<int64_t> shape,
                                            int64_t outAxis, int64_t inAxis,
                                            int64_t bo, int64_t bi) {
  int64_t result = 0;
  forEachBlock(shape, outAxis, inAxis, bo, bi, [&](ArrayRef<int64_t> block) {
    if (llvm::all_of(block, [&](int64_t i) { return weights[i] == 0.0; }))
      result += block.size();
  });
  return result;
}

SmallVector<double> sparsify::channelNorms(ArrayRef<double> weights,
                                           ArrayRef<int64_t> shape,
                                           int64_t outAxis) {
  Indexer idx(shape);
  SmallVector<double> sums(shape[outAxis], 0.0);
  for (int64_t i = 0; i < idx.numElements; ++i)
    sums[idx.coordinate(i, outAxis)] += weights[i] * weights[i];
  for (double &s : sums)
    s = std::sqrt(s);
  return sums;
}

SmallVector<int64_t> sparsify::selectChannelsToRemove(ArrayRef<double> norms,
                                                      double sparsity) {
  int64_t count = norms.size();
  int64_t remove = std::min<int64_t>(roundCount(sparsity, count),
                                     std::max<int64_t>(count - 1, 0));
  SmallVector<int64_t> order = orderByMagnitude(norms);
  SmallVector<int64_t> result(order.begin(), order.begin() + remove);
  llvm::sort(result);
  return result;
}

std::optional<SparsityPattern>
sparsify::detectPattern(ArrayRef<double> weights, ArrayRef<int64_t> shape,
                        const WeightLayout &layout,
                        ArrayRef<int64_t> extraBlock) {
  int64_t zeros = countZeros(weights);
  if (weights.empty() || zeros < kMinDetectedSparsity * weights.size())
    return std::nullopt;
  SparsityPattern pattern;
  pattern.layout = layout;
  pattern.sparsity = double(zeros) / weights.size();

  int64_t reduction = shape[layout.inAxis];
  for (int64_t m : {4, 8}) {
    if (reduction % m != 0)
      continue;
    int64_t n = maxNonZerosPerGroup(weights, shape, layout.inAxis, m);
    if (n > m / 2)
      continue;
    pattern.granularity = SparsityGranularity::NM;
    // The tightest N is recorded (1:4 rather than 2:4): a back end that
    // only has 2:4 kernels can still run any N <= 2.
    pattern.n = std::max<int64_t>(n, 1);
    pattern.m = m;
    return pattern;
  }

  SmallVector<SmallVector<int64_t, 2>> candidates = {{8, 8}, {4, 4}, {2, 2}};
  if (extraBlock.size() == 2)
    candidates.insert(candidates.begin(), {extraBlock[0], extraBlock[1]});
  for (ArrayRef<int64_t> block : candidates) {
    if (shape[layout.outAxis] % block[0] != 0 ||
        shape[layout.inAxis] % block[1] != 0 || block[0] * block[1] == 1)
      continue;
    int64_t inBlocks = countElementsInZeroBlocks(
        weights, shape, layout.outAxis, layout.inAxis, block[0], block[1]);
    if (inBlocks > 0 && inBlocks >= 0.95 * zeros) {
      pattern.granularity = SparsityGranularity::Block;
      pattern.block.assign(block.begin(), block.end());
      pattern.sparsity = double(inBlocks) / weights.size();
      return pattern;
    }
  }
  pattern.granularity = SparsityGranularity::Unstructured;
  return pattern;
}

SmallVector<double> sparsify::allocateGlobal(ArrayRef<LayerUnits> layers,
                                             double target,
                                             double maxLayerFraction) {
  struct Unit {
    double score;
    int64_t layer, size, position;
  };
  std::vector<Unit> units;
  int64_t total = 0;
  for (auto [l, layer] : llvm::enumerate(layers)) {
    double mean = 0;
    for (double s : layer.scores)
      mean += s;
    mean = layer.scores.empty() ? 0 : mean / layer.scores.size();
    for (auto [score, size] : llvm::zip_equal(layer.scores, layer.sizes)) {
      units.push_back({mean > 0 ? score / mean : 0.0, (int64_t)l, size,
                       (int64_t)units.size()});
      total += size;
    }
  }
  // Ties by position: a stable sort without std::stable_sort (see
  // orderByMagnitude).
  std::sort(units.begin(), units.end(), [](const Unit &a, const Unit &b) {
    if (lessNaNLast(a.score, b.score) || lessNaNLast(b.score, a.score))
      return lessNaNLast(a.score, b.score);
    return a.position < b.position;
  });
  SmallVector<int64_t> pruned(layers.size(), 0);
  int64_t prunedSize = 0;
  double goal = target * total;
  for (const Unit &unit : units) {
    if (prunedSize >= goal)
      break;
    int64_t count = layers[unit.layer].scores.size();
    if (pruned[unit.layer] + 1 > maxLayerFraction * count)
      continue;
    ++pruned[unit.layer];
    prunedSize += unit.size;
  }
  SmallVector<double> fractions;
  for (auto [l, layer] : llvm::enumerate(layers))
    fractions.push_back(
        layer.scores.empty() ? 0.0 : double(pruned[l]) / layer.scores.size());
  return fractions;
}

SmallVector<double> sparsify::allocateERK(ArrayRef<SmallVector<int64_t>> shapes,
                                          double target,
                                          double maxLayerFraction) {
  int64_t count = shapes.size();
  SmallVector<double> sizes, scores;
  double total = 0;
  for (ArrayRef<int64_t> shape : shapes) {
    double size = 1, sum = 0;
    for (int64_t d : shape) {
      size *= d;
      sum += d;
    }
    sizes.push_back(size);
    scores.push_back(size > 0 ? sum / size : 0.0);
    total += size;
  }
  // Each layer is free (density eps * score), dense (1) or capped
  // (1 - maxLayerFraction); fixing a layer changes eps, so repeat until no
  // free layer leaves [1 - maxLayerFraction, 1].
  enum State { Free, Dense, Capped };
  SmallVector<State> state(count, Free);
  double minDensity = 1.0 - maxLayerFraction;
  double eps = 0;
  for (int64_t round = 0; round <= count; ++round) {
    double kept = (1.0 - target) * total, weighted = 0;
    for (int64_t l = 0; l < count; ++l) {
      if (state[l] == Dense)
        kept -= sizes[l];
      else if (state[l] == Capped)
        kept -= minDensity * sizes[l];
      else
        weighted += scores[l] * sizes[l];
    }
    eps = weighted > 0 ? std::max(0.0, kept) / weighted : 0.0;
    bool changed = false;
    for (int64_t l = 0; l < count; ++l) {
      if (state[l] != Free)
        continue;
      double density = eps * scores[l];
      if (density > 1.0) {
        state[l] = Dense;
        changed = true;
      } else if (density < minDensity) {
        state[l] = Capped;
        changed = true;
      }
    }
    if (!changed)
      break;
  }
  SmallVector<double> fractions;
  for (int64_t l = 0; l < count; ++l) {
    double density = state[l] == Dense    ? 1.0
                     : state[l] == Capped ? minDensity
                                          : eps * scores[l];
    fractions.push_back(std::clamp(1.0 - density, 0.0, maxLayerFraction));
  }
  return fractions;
}
