//===- RankSelection.h - choosing ranks under a model budget ----*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The global rank selection of the factorize pass: every layer offers a
// few (cost, value) choices, one of them "leave the layer alone", and one
// choice per layer is picked to maximise the total value with the total
// cost under a budget. This multiple-choice knapsack is solved exactly as
// a 0-1 MILP with CBC.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TRANSFORMS_RANKSELECTION_H
#define WHITTLE_TRANSFORMS_RANKSELECTION_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace whittle {

struct KnapsackChoice {
  int64_t cost = 0;
  double value = 0;
};

struct KnapsackSolution {
  /// Index of the chosen choice in each group.
  std::vector<int64_t> choice;
  int64_t cost = 0;
  double value = 0;
};

/// Picks exactly one choice per group with total cost <= capacity and the
/// largest total value, or nullopt when even the cheapest choices exceed
/// the capacity. Choices dominated within their group (no cheaper and no
/// more valuable than another) are dropped before the MILP is built, which
/// keeps the optimum.
std::optional<KnapsackSolution>
solveMultipleChoiceKnapsack(llvm::ArrayRef<std::vector<KnapsackChoice>> groups,
                            int64_t capacity);

/// Candidate ranks of one mode of size `dim` (the largest rank allowed):
/// the multiples of max(1, dim / 32) up to dim, plus the extra ranks given
/// (the pass passes the energy thresholds' ranks), sorted and unique.
std::vector<int64_t> candidateRanks(int64_t dim,
                                    llvm::ArrayRef<int64_t> extra = {});

} // namespace whittle

#endif // WHITTLE_TRANSFORMS_RANKSELECTION_H
