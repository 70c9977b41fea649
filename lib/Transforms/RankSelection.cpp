//===- RankSelection.cpp - choosing ranks under a model budget ------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The MILP: a binary x_{l,c} per remaining choice c of group l,
//   maximise   sum value_{l,c} x_{l,c}
//   subject to sum_c x_{l,c} = 1                for every group l
//              sum cost_{l,c} x_{l,c} <= capacity
// solved by CBC (IntegerProgram) with no allowed gap, so the answer is the
// optimum and not only a good solution.
//
//===----------------------------------------------------------------------===//

#include "whittle/Transforms/RankSelection.h"

#include "whittle/Support/IntegerProgram.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace whittle;

namespace {

/// The indices of the choices not dominated by another of the same group.
std::vector<int64_t> paretoChoices(const std::vector<KnapsackChoice> &group) {
  std::vector<int64_t> order(group.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    if (group[a].cost != group[b].cost)
      return group[a].cost < group[b].cost;
    return group[a].value > group[b].value;
  });
  std::vector<int64_t> kept;
  double bestValue = -INFINITY;
  for (int64_t index : order) {
    if (group[index].value > bestValue) {
      kept.push_back(index);
      bestValue = group[index].value;
    }
  }
  return kept;
}

/// One MILP solve with the given capacity; nullopt if the solver finds the
/// problem infeasible.
std::optional<KnapsackSolution>
solveOnce(llvm::ArrayRef<std::vector<KnapsackChoice>> groups,
          const std::vector<std::vector<int64_t>> &kept, int64_t capacity) {
  IntegerProgram program;
  std::vector<std::pair<int, double>> budgetRow;
  for (size_t l = 0; l < kept.size(); ++l) {
    std::vector<std::pair<int, double>> oneOf;
    for (int64_t index : kept[l]) {
      const KnapsackChoice &choice = groups[l][index];
      // The program minimises: the negated value.
      int column = program.addBinary(-choice.value);
      oneOf.push_back({column, 1.0});
      budgetRow.push_back({column, double(choice.cost)});
    }
    program.addConstraint(oneOf, 1.0, 1.0);
  }
  program.addConstraint(budgetRow, -IntegerProgram::kInfinity,
                        double(capacity));

  IntegerProgram::Result result = program.solve({});
  if (result.status != IntegerProgram::Status::Optimal)
    return std::nullopt;

  KnapsackSolution solution;
  int column = 0;
  for (size_t l = 0; l < kept.size(); ++l) {
    int64_t chosen = -1;
    double largest = -1;
    for (int64_t index : kept[l]) {
      if (result.values[column] > largest) {
        largest = result.values[column];
        chosen = index;
      }
      ++column;
    }
    solution.choice.push_back(chosen);
    solution.cost += groups[l][chosen].cost;
    solution.value += groups[l][chosen].value;
  }
  return solution;
}

} // namespace

std::optional<KnapsackSolution> whittle::solveMultipleChoiceKnapsack(
    llvm::ArrayRef<std::vector<KnapsackChoice>> groups, int64_t capacity) {
  std::vector<std::vector<int64_t>> kept;
  int64_t cheapest = 0;
  for (const auto &group : groups) {
    if (group.empty())
      return std::nullopt;
    kept.push_back(paretoChoices(group));
    cheapest += groups[kept.size() - 1][kept.back().front()].cost;
  }
  if (cheapest > capacity)
    return std::nullopt;
  if (groups.empty())
    return KnapsackSolution();

  // CBC checks the budget row up to its primal tolerance; a rounded
  // solution that exceeds the capacity by that much is solved again with
  // the capacity lowered by the excess.
  int64_t effective = capacity;
  for (int attempt = 0; attempt < 4; ++attempt) {
    std::optional<KnapsackSolution> solution =
        solveOnce(groups, kept, effective);
    if (!solution)
      break;
    if (solution->cost <= capacity)
      return solution;
    effective -= solution->cost - capacity;
  }
  // The cheapest choice in every group is feasible; reaching here means
  // CBC failed, which the caller reports like an infeasible budget.
  return std::nullopt;
}

std::vector<int64_t> whittle::candidateRanks(int64_t dim,
                                             llvm::ArrayRef<int64_t> extra) {
  std::vector<int64_t> ranks;
  int64_t step = std::max<int64_t>(1, dim / 32);
  for (int64_t r = step; r <= dim; r += step)
    ranks.push_back(r);
  ranks.push_back(dim);
  for (int64_t r : extra)
    if (r >= 1 && r <= dim)
      ranks.push_back(r);
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  return ranks;
}
