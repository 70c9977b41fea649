//===- LowRank.cpp - SVD, Tucker-2 and rank rules for weights -------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Spectra and channel factors come from the Gram matrix of the smaller side
// (SelfAdjointEigenSolver): a T x S*D unfolding of a conv kernel is wide, and
// its T x T Gram matrix is cheap to form and decompose. Squaring the matrix
// loses singular values below about 1e-8 of the largest, which no rank rule
// here can see anyway. The truncated SVD of a whole matrix, whose factors
// must reproduce it to rounding error, uses BDCSVD.
//
//===----------------------------------------------------------------------===//

#include "whittle/Transforms/LowRank.h"

#include <Eigen/Eigenvalues>
#include <Eigen/SVD>

#include <algorithm>
#include <cassert>
#include <cfloat>
#include <cmath>
#include <functional>

using namespace whittle;
using namespace whittle::lowrank;

namespace {

/// Eigenvectors of a symmetric positive semi-definite matrix for its
/// `count` largest eigenvalues, largest first, and all eigenvalues
/// (descending, clamped at 0).
struct TopEigen {
  Matrix vectors;
  Vector values;
};

TopEigen topEigen(const Matrix &gram, int64_t count) {
  Eigen::SelfAdjointEigenSolver<Matrix> solver(gram);
  int64_t n = gram.rows();
  TopEigen result;
  result.values.resize(n);
  for (int64_t i = 0; i < n; ++i)
    result.values[i] = std::max(0.0, solver.eigenvalues()[n - 1 - i]);
  result.vectors.resize(n, count);
  for (int64_t i = 0; i < count; ++i)
    result.vectors.col(i) = solver.eigenvectors().col(n - 1 - i);
  return result;
}

/// The kernel as D slices of T x S.
std::vector<Matrix> slices(llvm::ArrayRef<double> kernel, int64_t t, int64_t s,
                           int64_t d) {
  assert((int64_t)kernel.size() == t * s * d && "kernel size mismatch");
  std::vector<Matrix> result(d, Matrix(t, s));
  for (int64_t i = 0; i < t; ++i)
    for (int64_t j = 0; j < s; ++j)
      for (int64_t k = 0; k < d; ++k)
        result[k](i, j) = kernel[(i * s + j) * d + k];
  return result;
}

/// Brent's minimisation without derivatives (golden section steps with
/// parabolic interpolation) of `f` on [a, b].
double brentMinimize(const std::function<double(double)> &f, double a, double b,
                     double tolerance) {
  const double golden = 0.5 * (3.0 - std::sqrt(5.0));
  double x = a + golden * (b - a), w = x, v = x;
  double fx = f(x), fw = fx, fv = fx;
  double d = 0, e = 0;
  for (int iteration = 0; iteration < 200; ++iteration) {
    double mid = 0.5 * (a + b);
    double tol1 = tolerance * std::fabs(x) + 1e-12, tol2 = 2 * tol1;
    if (std::fabs(x - mid) <= tol2 - 0.5 * (b - a))
      break;
    bool parabolic = false;
    if (std::fabs(e) > tol1) {
      double r = (x - w) * (fx - fv);
      double q = (x - v) * (fx - fw);
      double p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0)
        p = -p;
      q = std::fabs(q);
      if (std::fabs(p) < std::fabs(0.5 * q * e) && p > q * (a - x) &&
          p < q * (b - x)) {
        e = d;
        d = p / q;
        double u = x + d;
        if (u - a < tol2 || b - u < tol2)
          d = x < mid ? tol1 : -tol1;
        parabolic = true;
      }
    }
    if (!parabolic) {
      e = (x < mid ? b : a) - x;
      d = golden * e;
    }
    double u = std::fabs(d) >= tol1 ? x + d : x + (d > 0 ? tol1 : -tol1);
    double fu = f(u);
    if (fu <= fx) {
      (u < x ? b : a) = x;
      v = w, fv = fw;
      w = x, fw = fx;
      x = u, fx = fu;
    } else {
      (u < x ? a : b) = u;
      if (fu <= fw || w == x) {
        v = w, fv = fw;
        w = u, fw = fu;
      } else if (fu <= fv || v == x || v == w) {
        v = u, fv = fu;
      }
    }
  }
  return x;
}

} // namespace

Vector lowrank::singularValues(const Matrix &m) {
  if (m.size() == 0)
    return Vector();
  Matrix gram = m.rows() <= m.cols() ? Matrix(m * m.transpose())
                                     : Matrix(m.transpose() * m);
  Eigen::SelfAdjointEigenSolver<Matrix> solver(gram, Eigen::EigenvaluesOnly);
  int64_t n = gram.rows();
  Vector sv(n);
  for (int64_t i = 0; i < n; ++i)
    sv[i] = std::sqrt(std::max(0.0, solver.eigenvalues()[n - 1 - i]));
  return sv;
}

Matrix lowrank::unfoldOutputMode(llvm::ArrayRef<double> kernel, int64_t t,
                                 int64_t s, int64_t d) {
  // Row-major (T, S, D) is already T x (S*D) row-major.
  Matrix result(t, s * d);
  for (int64_t i = 0; i < t; ++i)
    for (int64_t j = 0; j < s * d; ++j)
      result(i, j) = kernel[i * s * d + j];
  return result;
}

Matrix lowrank::unfoldInputMode(llvm::ArrayRef<double> kernel, int64_t t,
                                int64_t s, int64_t d) {
  Matrix result(s, t * d);
  for (int64_t i = 0; i < t; ++i)
    for (int64_t j = 0; j < s; ++j)
      for (int64_t k = 0; k < d; ++k)
        result(j, i * d + k) = kernel[(i * s + j) * d + k];
  return result;
}

double lowrank::keptEnergy(const Vector &sv, int64_t rank) {
  double total = sv.squaredNorm();
  if (total <= 0)
    return 1.0;
  rank = std::clamp<int64_t>(rank, 0, sv.size());
  return std::min(1.0, sv.head(rank).squaredNorm() / total);
}

int64_t lowrank::energyRank(const Vector &sv, double p) {
  double total = sv.squaredNorm();
  if (sv.size() == 0 || total <= 0)
    return 1;
  // A relative slack of 1e-12 so that a fraction hit exactly (in exact
  // arithmetic) is not missed by the rounding of the running sum.
  double target = p * total * (1.0 - 1e-12);
  double sum = 0;
  for (int64_t r = 0; r < sv.size(); ++r) {
    sum += sv[r] * sv[r];
    if (sum >= target)
      return r + 1;
  }
  return sv.size();
}

EVBMFResult lowrank::evbmf(const Vector &sv, int64_t rows, int64_t cols,
                           double sigma2) {
  const double l = std::min(rows, cols), m = std::max(rows, cols);
  const int64_t h = sv.size();
  const double alpha = l / m;
  const double tauBar = 2.5129 * std::sqrt(alpha);
  const double xBar = (1 + tauBar) * (1 + alpha / tauBar);
  EVBMFResult result;
  if (h == 0 || sv[0] <= 0)
    return result;

  // Squared singular values floored at the smallest normal double so that
  // exact zeros keep ln x finite (their term still depends on sigma^2).
  std::vector<double> gamma2(h);
  for (int64_t i = 0; i < h; ++i)
    gamma2[i] = std::max(sv[i] * sv[i], DBL_MIN);
  // All min(L, M) singular values are given, so nothing is left over
  // (resid = 0) unless fewer were passed.
  double total = 0;
  for (double g : gamma2)
    total += g;

  if (sigma2 <= 0) {
    auto freeEnergy = [&](double logSigma2) {
      double s2 = std::exp(logSigma2);
      double f = 0;
      for (double g : gamma2) {
        double x = g / (m * s2);
        if (x <= xBar) {
          f += x - (std::log(g) - std::log(m) - logSigma2);
        } else {
          double shifted = x - 1 - alpha;
          double tau =
              0.5 * (shifted +
                     std::sqrt(std::max(0.0, shifted * shifted - 4 * alpha)));
          f += x - tau + std::log((tau + 1) / x) +
               alpha * std::log(tau / alpha + 1);
        }
      }
      return f + (l - h) * logSigma2;
    };
    double upper = total / (l * m);
    int64_t k =
        std::min<int64_t>((int64_t)std::ceil(l / (1 + alpha)) - 1, h) - 1;
    k = std::clamp<int64_t>(k, -1, h - 2);
    double tailMean = 0;
    for (int64_t i = k + 1; i < h; ++i)
      tailMean += gamma2[i];
    tailMean /= double(h - k - 1);
    double lower = std::max(gamma2[k + 1] / (m * xBar), tailMean / m);
    if (!(lower < upper)) {
      sigma2 = upper;
    } else {
      // F can have more than one local minimum on the interval: scan it on
      // a log grid and refine around the best grid point with Brent.
      double a = std::log(lower), b = std::log(upper);
      constexpr int kScan = 64;
      int best = 0;
      double bestValue = INFINITY;
      for (int i = 0; i <= kScan; ++i) {
        double value = freeEnergy(a + (b - a) * i / kScan);
        if (value < bestValue)
          bestValue = value, best = i;
      }
      double lo = a + (b - a) * std::max(0, best - 1) / kScan;
      double hi = a + (b - a) * std::min(kScan, best + 1) / kScan;
      double t = brentMinimize(freeEnergy, lo, hi, 1e-10);
      if (freeEnergy(t) > bestValue)
        t = a + (b - a) * best / kScan;
      sigma2 = std::exp(t);
    }
  }
  result.sigma2 = sigma2;
  result.threshold = std::sqrt(m * sigma2 * xBar);
  for (int64_t i = 0; i < h; ++i)
    if (sv[i] > result.threshold)
      ++result.rank;
  return result;
}

EVBMFResult lowrank::evbmf(const Matrix &y, double sigma2) {
  return evbmf(singularValues(y), y.rows(), y.cols(), sigma2);
}

LowRankFactors lowrank::truncatedSVD(const Matrix &w, int64_t rank) {
  Eigen::BDCSVD<Matrix> svd(w, Eigen::ComputeThinU | Eigen::ComputeThinV);
  rank = std::clamp<int64_t>(rank, 1, svd.singularValues().size());
  Vector root = svd.singularValues().head(rank).cwiseSqrt();
  LowRankFactors result;
  result.left = svd.matrixU().leftCols(rank) * root.asDiagonal();
  result.right = root.asDiagonal() * svd.matrixV().leftCols(rank).transpose();
  return result;
}

Tucker2Factors lowrank::tucker2(llvm::ArrayRef<double> kernel, int64_t t,
                                int64_t s, int64_t d, int64_t r3, int64_t r4,
                                int hooiIterations) {
  std::vector<Matrix> w = slices(kernel, t, s, d);
  // HOSVD: leading eigenvectors of the Gram matrices of the two unfoldings,
  // sum_k W_k W_k^T (mode 0) and sum_k W_k^T W_k (mode 1).
  Matrix gramOut = Matrix::Zero(t, t), gramIn = Matrix::Zero(s, s);
  for (const Matrix &slice : w) {
    gramOut.noalias() += slice * slice.transpose();
    gramIn.noalias() += slice.transpose() * slice;
  }
  Tucker2Factors result;
  result.outFactor = topEigen(gramOut, r4).vectors;
  result.inFactor = topEigen(gramIn, r3).vectors;

  // HOOI: each factor in turn becomes the best one for the other fixed.
  for (int iteration = 0; iteration < hooiIterations; ++iteration) {
    gramOut.setZero();
    for (const Matrix &slice : w) {
      Matrix projected = slice * result.inFactor;
      gramOut.noalias() += projected * projected.transpose();
    }
    result.outFactor = topEigen(gramOut, r4).vectors;
    gramIn.setZero();
    for (const Matrix &slice : w) {
      Matrix projected = result.outFactor.transpose() * slice;
      gramIn.noalias() += projected.transpose() * projected;
    }
    result.inFactor = topEigen(gramIn, r3).vectors;
  }

  result.core.assign(r4 * r3 * d, 0.0);
  for (int64_t k = 0; k < d; ++k) {
    Matrix c = result.outFactor.transpose() * w[k] * result.inFactor;
    for (int64_t i = 0; i < r4; ++i)
      for (int64_t j = 0; j < r3; ++j)
        result.core[(i * r3 + j) * d + k] = c(i, j);
  }
  return result;
}

std::vector<double> lowrank::reconstructTucker2(const Tucker2Factors &factors,
                                                int64_t d) {
  int64_t t = factors.outFactor.rows(), s = factors.inFactor.rows();
  int64_t r4 = factors.outFactor.cols(), r3 = factors.inFactor.cols();
  std::vector<double> result(t * s * d);
  for (int64_t k = 0; k < d; ++k) {
    Matrix c(r4, r3);
    for (int64_t i = 0; i < r4; ++i)
      for (int64_t j = 0; j < r3; ++j)
        c(i, j) = factors.core[(i * r3 + j) * d + k];
    Matrix slice = factors.outFactor * c * factors.inFactor.transpose();
    for (int64_t i = 0; i < t; ++i)
      for (int64_t j = 0; j < s; ++j)
        result[(i * s + j) * d + k] = slice(i, j);
  }
  return result;
}

double lowrank::relativeError(llvm::ArrayRef<double> a,
                              llvm::ArrayRef<double> b) {
  assert(a.size() == b.size() && "size mismatch");
  double diff = 0, norm = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff += (a[i] - b[i]) * (a[i] - b[i]);
    norm += a[i] * a[i];
  }
  if (norm == 0)
    return diff == 0 ? 0.0 : INFINITY;
  return std::sqrt(diff / norm);
}
