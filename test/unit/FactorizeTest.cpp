//===- FactorizeTest.cpp - the numerics of whittle-factorize --------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Ground truth by construction: EVBMF on low-rank matrices plus Gaussian
// noise of known rank and variance; full-rank Tucker-2 and SVD factors run
// through a naive convolution / matrix product reproduce the original
// outputs; the CBC knapsack equals brute-force enumeration; the energy rule
// on spectra written out by hand.
//
//===----------------------------------------------------------------------===//

#include "whittle/Transforms/LowRank.h"
#include "whittle/Transforms/RankSelection.h"

#include "gtest/gtest.h"

#include <Eigen/QR>

#include <cmath>
#include <random>

using namespace whittle;
using namespace whittle::lowrank;

namespace {

Matrix gaussian(int64_t rows, int64_t cols, std::mt19937 &rng) {
  std::normal_distribution<double> normal(0.0, 1.0);
  Matrix m(rows, cols);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      m(i, j) = normal(rng);
  return m;
}

/// `cols` orthonormal columns of length `rows`.
Matrix orthonormal(int64_t rows, int64_t cols, std::mt19937 &rng) {
  Eigen::HouseholderQR<Matrix> qr(gaussian(rows, cols, rng));
  return qr.householderQ() * Matrix::Identity(rows, cols);
}

//===----------------------------------------------------------------------===//
// Rank rules
//===----------------------------------------------------------------------===//

struct EVBMFCase {
  int64_t rows, cols, rank;
  double noise;
  unsigned seed;
};

TEST(EVBMF, RecoversTheRankOfLowRankPlusNoise) {
  for (EVBMFCase c :
       {EVBMFCase{50, 100, 5, 0.1, 1}, EVBMFCase{100, 100, 10, 0.05, 2},
        EVBMFCase{64, 576, 8, 0.2, 3}, EVBMFCase{200, 80, 12, 0.1, 4},
        EVBMFCase{128, 1152, 20, 0.01, 5}, EVBMFCase{30, 270, 1, 1.0, 6}}) {
    std::mt19937 rng(c.seed);
    // Signal singular values between 3 and 6 times the largest singular
    // value of the noise alone, noise * (sqrt(L) + sqrt(M)).
    double edge =
        c.noise * (std::sqrt(double(c.rows)) + std::sqrt(double(c.cols)));
    Vector signal(c.rank);
    for (int64_t i = 0; i < c.rank; ++i)
      signal[i] = edge * (6.0 - 3.0 * i / std::max<int64_t>(1, c.rank - 1));
    Matrix y = orthonormal(c.rows, c.rank, rng) * signal.asDiagonal() *
                   orthonormal(c.cols, c.rank, rng).transpose() +
               c.noise * gaussian(c.rows, c.cols, rng);
    EVBMFResult result = evbmf(y);
    EXPECT_EQ(result.rank, c.rank) << c.rows << "x" << c.cols << " rank "
                                   << c.rank << " noise " << c.noise;
    // The estimated noise variance is close to the true one.
    EXPECT_NEAR(result.sigma2 / (c.noise * c.noise), 1.0, 0.2)
        << c.rows << "x" << c.cols;
    // Transposing the matrix changes nothing.
    EXPECT_EQ(evbmf(Matrix(y.transpose())).rank, c.rank);
  }
}

TEST(EVBMF, KnownNoiseVarianceGivesTheThreshold) {
  std::mt19937 rng(7);
  Matrix y = gaussian(40, 90, rng);
  EVBMFResult result = evbmf(y, /*sigma2=*/1.0);
  double alpha = 40.0 / 90.0, tau = 2.5129 * std::sqrt(alpha);
  EXPECT_DOUBLE_EQ(result.sigma2, 1.0);
  EXPECT_NEAR(result.threshold, std::sqrt(90.0 * (1 + tau) * (1 + alpha / tau)),
              1e-12);
  // Pure noise of that variance: nothing is signal.
  EXPECT_EQ(result.rank, 0);
}

TEST(EVBMF, PureNoiseHasRankZero) {
  std::mt19937 rng(8);
  EXPECT_EQ(evbmf(0.3 * gaussian(60, 120, rng)).rank, 0);
  EXPECT_EQ(evbmf(Matrix::Zero(5, 7)).rank, 0);
}

TEST(EnergyRule, PicksTheSmallestRankReachingTheFraction) {
  // Energies 9, 4, 1, 1 of 15.
  Vector sv(4);
  sv << 3, 2, 1, 1;
  EXPECT_EQ(energyRank(sv, 0.5), 1);
  EXPECT_EQ(energyRank(sv, 0.6), 1); // exactly 9/15
  EXPECT_EQ(energyRank(sv, 0.61), 2);
  EXPECT_EQ(energyRank(sv, 13.0 / 15.0), 2);
  EXPECT_EQ(energyRank(sv, 0.9), 3);
  EXPECT_EQ(energyRank(sv, 0.95), 4);
  EXPECT_EQ(energyRank(sv, 1.0), 4);
  EXPECT_DOUBLE_EQ(keptEnergy(sv, 2), 13.0 / 15.0);
  EXPECT_DOUBLE_EQ(keptEnergy(sv, 4), 1.0);
  // An all-zero spectrum keeps everything with one rank.
  EXPECT_EQ(energyRank(Vector::Zero(3), 0.9), 1);
  EXPECT_DOUBLE_EQ(keptEnergy(Vector::Zero(3), 1), 1.0);
}

TEST(EnergyRule, SingularValuesOfUnfoldings) {
  // A rank-1 kernel a (x) b (x) k has one nonzero singular value in each
  // unfolding, equal to |a| |b| |k|.
  std::vector<double> a{1, 2}, b{3, 0, 4}, k{1, 1};
  std::vector<double> kernel;
  for (double x : a)
    for (double y : b)
      for (double z : k)
        kernel.push_back(x * y * z);
  double norm = std::sqrt(5.0) * 5.0 * std::sqrt(2.0);
  Vector out = singularValues(unfoldOutputMode(kernel, 2, 3, 2));
  Vector in = singularValues(unfoldInputMode(kernel, 2, 3, 2));
  ASSERT_EQ(out.size(), 2);
  ASSERT_EQ(in.size(), 3);
  EXPECT_NEAR(out[0], norm, 1e-12);
  EXPECT_NEAR(in[0], norm, 1e-12);
  EXPECT_NEAR(out[1], 0.0, 1e-6);
  EXPECT_NEAR(in[1], 0.0, 1e-6);
}

//===----------------------------------------------------------------------===//
// Factorizations reproduce the layer
//===----------------------------------------------------------------------===//

/// Naive 2-D convolution of x (C x H x W) with w (M x C x K x K) and an
/// optional bias, stride and symmetric zero padding.
struct Image {
  int64_t c, h, w;
  std::vector<double> data;
  double at(int64_t ch, int64_t y, int64_t x) const {
    if (y < 0 || y >= h || x < 0 || x >= w)
      return 0;
    return data[(ch * h + y) * w + x];
  }
};

Image conv2d(const Image &x, llvm::ArrayRef<double> w, int64_t m, int64_t k,
             int64_t stride, int64_t pad, llvm::ArrayRef<double> bias = {}) {
  Image y;
  y.c = m;
  y.h = (x.h + 2 * pad - k) / stride + 1;
  y.w = (x.w + 2 * pad - k) / stride + 1;
  y.data.assign(y.c * y.h * y.w, 0);
  for (int64_t o = 0; o < m; ++o)
    for (int64_t i = 0; i < y.h; ++i)
      for (int64_t j = 0; j < y.w; ++j) {
        double sum = bias.empty() ? 0 : bias[o];
        for (int64_t c = 0; c < x.c; ++c)
          for (int64_t u = 0; u < k; ++u)
            for (int64_t v = 0; v < k; ++v)
              sum += w[((o * x.c + c) * k + u) * k + v] *
                     x.at(c, i * stride + u - pad, j * stride + v - pad);
        y.data[(o * y.h + i) * y.w + j] = sum;
      }
  return y;
}

std::vector<double> randomVector(size_t n, std::mt19937 &rng) {
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  std::vector<double> v(n);
  for (double &x : v)
    x = uniform(rng);
  return v;
}

double maxAbsDiff(llvm::ArrayRef<double> a, llvm::ArrayRef<double> b) {
  EXPECT_EQ(a.size(), b.size());
  double diff = 0;
  for (size_t i = 0; i < a.size(); ++i)
    diff = std::max(diff, std::fabs(a[i] - b[i]));
  return diff;
}

TEST(Tucker2, FullRankReproducesTheConvOutput) {
  std::mt19937 rng(11);
  const int64_t t = 6, s = 4, k = 3;
  for (int hooi : {0, 2}) {
    for (auto [stride, pad] : {std::pair<int64_t, int64_t>{1, 1}, {2, 0}}) {
      std::vector<double> w = randomVector(t * s * k * k, rng);
      std::vector<double> bias = randomVector(t, rng);
      Image x{s, 7, 8, randomVector(s * 7 * 8, rng)};
      Image expected = conv2d(x, w, t, k, stride, pad, bias);

      Tucker2Factors f = tucker2(w, t, s, k * k, s, t, hooi);
      // 1x1 S -> R3 (U3^T), KxK R3 -> R4 (core), 1x1 R4 -> T (U4) + bias.
      std::vector<double> first(s * s), last(t * t);
      for (int64_t i = 0; i < s; ++i)
        for (int64_t j = 0; j < s; ++j)
          first[i * s + j] = f.inFactor(j, i);
      for (int64_t i = 0; i < t; ++i)
        for (int64_t j = 0; j < t; ++j)
          last[i * t + j] = f.outFactor(i, j);
      Image y = conv2d(x, first, s, 1, 1, 0);
      y = conv2d(y, f.core, t, k, stride, pad);
      y = conv2d(y, last, t, 1, 1, 0, bias);
      EXPECT_LT(maxAbsDiff(expected.data, y.data), 1e-5)
          << "stride " << stride << " hooi " << hooi;
      EXPECT_LT(relativeError(w, reconstructTucker2(f, k * k)), 1e-12);
    }
  }
}

TEST(Tucker2, TruncationErrorObeysTheHOSVDBoundAndHOOIHelps) {
  std::mt19937 rng(12);
  const int64_t t = 16, s = 12, d = 9;
  std::vector<double> w = randomVector(t * s * d, rng);
  Vector out = singularValues(unfoldOutputMode(w, t, s, d));
  Vector in = singularValues(unfoldInputMode(w, t, s, d));
  int64_t r3 = 5, r4 = 7;
  double bound =
      std::sqrt((1 - keptEnergy(in, r3)) + (1 - keptEnergy(out, r4)));
  double hosvd =
      relativeError(w, reconstructTucker2(tucker2(w, t, s, d, r3, r4), d));
  double hooi =
      relativeError(w, reconstructTucker2(tucker2(w, t, s, d, r3, r4, 5), d));
  EXPECT_LE(hosvd, bound + 1e-12);
  EXPECT_LE(hooi, hosvd + 1e-12);
}

TEST(ChannelSVD, FullRankReproducesTheConvOutput) {
  std::mt19937 rng(13);
  const int64_t t = 5, s = 3, k = 3;
  std::vector<double> w = randomVector(t * s * k * k, rng);
  std::vector<double> bias = randomVector(t, rng);
  Image x{s, 6, 6, randomVector(s * 36, rng)};
  Image expected = conv2d(x, w, t, k, 2, 1, bias);

  Matrix unfolded = unfoldOutputMode(w, t, s, k * k);
  int64_t rank = std::min(t, s * k * k);
  LowRankFactors f = truncatedSVD(unfolded, rank);
  // KxK S -> R (the rows of `right`), 1x1 R -> T (`left`) + bias.
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>
      rightRowMajor = f.right,
      leftRowMajor = f.left;
  std::vector<double> first(rightRowMajor.data(),
                            rightRowMajor.data() + f.right.size());
  std::vector<double> last(leftRowMajor.data(),
                           leftRowMajor.data() + f.left.size());
  Image y = conv2d(x, first, rank, k, 2, 1);
  y = conv2d(y, last, t, 1, 1, 0, bias);
  EXPECT_LT(maxAbsDiff(expected.data, y.data), 1e-5);
}

TEST(MatrixSVD, FullRankReproducesTheProductAndTruncationIsOptimal) {
  std::mt19937 rng(14);
  Matrix w = gaussian(20, 9, rng), x = gaussian(4, 20, rng);
  LowRankFactors f = truncatedSVD(w, 9);
  EXPECT_LT(((x * f.left) * f.right - x * w).cwiseAbs().maxCoeff(), 1e-5);
  // Eckart-Young: the rank-R error is the discarded singular values.
  Vector sv = singularValues(w);
  LowRankFactors f3 = truncatedSVD(w, 3);
  double error = (w - f3.left * f3.right).norm() / w.norm();
  EXPECT_NEAR(error, std::sqrt(1 - keptEnergy(sv, 3)), 1e-9);
  // The singular values are split evenly: both factors have the same
  // column/row norms.
  for (int64_t i = 0; i < 3; ++i)
    EXPECT_NEAR(f3.left.col(i).norm(), f3.right.row(i).norm(), 1e-9);
}

//===----------------------------------------------------------------------===//
// Budgeted selection
//===----------------------------------------------------------------------===//

TEST(Knapsack, EqualsBruteForceOnRandomInstances) {
  std::mt19937 rng(21);
  std::uniform_int_distribution<int> groupCount(1, 5), choiceCount(1, 5),
      cost(1, 100);
  std::uniform_real_distribution<double> value(0.0, 1.0);
  for (int instance = 0; instance < 200; ++instance) {
    std::vector<std::vector<KnapsackChoice>> groups(groupCount(rng));
    int64_t minTotal = 0, maxTotal = 0;
    for (auto &group : groups) {
      group.resize(choiceCount(rng));
      int64_t lo = INT64_MAX, hi = 0;
      for (KnapsackChoice &choice : group) {
        choice = {cost(rng), value(rng)};
        lo = std::min(lo, choice.cost);
        hi = std::max(hi, choice.cost);
      }
      minTotal += lo;
      maxTotal += hi;
    }
    int64_t capacity =
        std::uniform_int_distribution<int64_t>(minTotal - 10, maxTotal)(rng);

    // Brute force over every combination.
    double best = -INFINITY;
    std::vector<size_t> index(groups.size(), 0);
    while (true) {
      int64_t c = 0;
      double v = 0;
      for (size_t g = 0; g < groups.size(); ++g) {
        c += groups[g][index[g]].cost;
        v += groups[g][index[g]].value;
      }
      if (c <= capacity)
        best = std::max(best, v);
      size_t g = 0;
      while (g < groups.size() && ++index[g] == groups[g].size())
        index[g++] = 0;
      if (g == groups.size())
        break;
    }

    std::optional<KnapsackSolution> solution =
        solveMultipleChoiceKnapsack(groups, capacity);
    if (best == -INFINITY) {
      EXPECT_FALSE(solution.has_value()) << "instance " << instance;
      continue;
    }
    ASSERT_TRUE(solution.has_value()) << "instance " << instance;
    EXPECT_NEAR(solution->value, best, 1e-9) << "instance " << instance;
    EXPECT_LE(solution->cost, capacity);
    // The reported cost and value are those of the reported choices.
    int64_t c = 0;
    double v = 0;
    for (size_t g = 0; g < groups.size(); ++g) {
      c += groups[g][solution->choice[g]].cost;
      v += groups[g][solution->choice[g]].value;
    }
    EXPECT_EQ(c, solution->cost);
    EXPECT_NEAR(v, solution->value, 1e-12);
  }
}

TEST(Knapsack, LargeCostsStayWithinTheCapacity) {
  // MAC counts of a real model: hundreds of millions.
  std::vector<std::vector<KnapsackChoice>> groups = {
      {{300000000, 2.0}, {120000000, 1.9}, {60000000, 1.5}},
      {{200000000, 1.0}, {100000001, 0.95}, {40000000, 0.7}},
      {{50000000, 2.0}, {25000000, 1.99}}};
  std::optional<KnapsackSolution> solution =
      solveMultipleChoiceKnapsack(groups, 245000001);
  ASSERT_TRUE(solution.has_value());
  EXPECT_EQ(solution->choice, (std::vector<int64_t>{1, 1, 1}));
  EXPECT_EQ(solution->cost, 245000001);
}

TEST(Knapsack, CandidateRanksAreAGridPlusExtras) {
  EXPECT_EQ(candidateRanks(4), (std::vector<int64_t>{1, 2, 3, 4}));
  std::vector<int64_t> ranks = candidateRanks(128, {5, 200, 0});
  // Multiples of 128 / 32 = 4, plus 5; out-of-range extras dropped.
  EXPECT_EQ(ranks.size(), 33u);
  EXPECT_EQ(ranks.front(), 4);
  EXPECT_EQ(ranks[1], 5);
  EXPECT_EQ(ranks.back(), 128);
  EXPECT_EQ(candidateRanks(70).back(), 70);
}

} // namespace
