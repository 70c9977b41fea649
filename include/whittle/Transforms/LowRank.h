//===- LowRank.h - SVD, Tucker-2 and rank rules for weights -----*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The linear algebra behind the factorize pass (algorithms.md section 2),
// kept apart from the IR so unit tests can check it against ground truth
// built by construction. Everything is in double precision on Eigen
// matrices; a convolution kernel is the row-major array of shape
// (T out, S in, D) where D is the product of the kernel's spatial sizes.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TRANSFORMS_LOWRANK_H
#define WHITTLE_TRANSFORMS_LOWRANK_H

#include "llvm/ADT/ArrayRef.h"

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace whittle::lowrank {

using Matrix = Eigen::MatrixXd;
using Vector = Eigen::VectorXd;

/// Singular values of `m`, in descending order.
Vector singularValues(const Matrix &m);

/// The mode-0 (T x S*D) and mode-1 (S x T*D) unfoldings of a kernel.
Matrix unfoldOutputMode(llvm::ArrayRef<double> kernel, int64_t t, int64_t s,
                        int64_t d);
Matrix unfoldInputMode(llvm::ArrayRef<double> kernel, int64_t t, int64_t s,
                       int64_t d);

/// The smallest R >= 1 with sum_{i<R} sv_i^2 >= p * sum_i sv_i^2 (NRMF's
/// energy rule); `sv` descending, p in (0, 1].
int64_t energyRank(const Vector &sv, double p);

/// Fraction of the energy sum sv_i^2 kept by the first `rank` values (1
/// for an all-zero spectrum).
double keptEnergy(const Vector &sv, int64_t rank);

struct EVBMFResult {
  int64_t rank = 0;
  /// The noise variance: estimated, or the one given.
  double sigma2 = 0;
  /// Singular values above this are kept.
  double threshold = 0;
};

/// Empirical variational Bayes matrix factorization (Nakajima et al. 2013)
/// of an L x M matrix (either orientation; the pass uses the smaller side
/// as L) whose singular values are `sv` (descending, all min(L, M) of
/// them). With `sigma2` <= 0 the noise variance is estimated by minimising
/// the free energy F(sigma^2) of algorithms.md 2b over its bounded interval:
/// a log-spaced scan followed by Brent's method in ln(sigma^2), so the
/// search is independent of the weights' scale.
EVBMFResult evbmf(const Vector &sv, int64_t rows, int64_t cols,
                  double sigma2 = 0);
EVBMFResult evbmf(const Matrix &y, double sigma2 = 0);

/// W ~= left * right with left (rows x R) and right (R x cols) from the
/// truncated SVD, the singular values split evenly (sqrt on each side) so
/// both factors have the same scale.
struct LowRankFactors {
  Matrix left;
  Matrix right;
};
LowRankFactors truncatedSVD(const Matrix &w, int64_t rank);

/// Tucker-2 of a (T, S, D) kernel along its two channel modes:
/// W ~= core x_0 outFactor x_1 inFactor, core (R4, R3, D) row-major,
/// outFactor U4 (T x R4), inFactor U3 (S x R3), both with orthonormal
/// columns. HOSVD, then `hooiIterations` rounds of HOOI refinement.
struct Tucker2Factors {
  Matrix inFactor;
  Matrix outFactor;
  std::vector<double> core;
};
Tucker2Factors tucker2(llvm::ArrayRef<double> kernel, int64_t t, int64_t s,
                       int64_t d, int64_t r3, int64_t r4,
                       int hooiIterations = 0);

/// The (T, S, D) kernel the factors stand for.
std::vector<double> reconstructTucker2(const Tucker2Factors &factors,
                                       int64_t d);

/// ||a - b||_F / ||a||_F (0 when both are zero).
double relativeError(llvm::ArrayRef<double> a, llvm::ArrayRef<double> b);

} // namespace whittle::lowrank

#endif // WHITTLE_TRANSFORMS_LOWRANK_H
