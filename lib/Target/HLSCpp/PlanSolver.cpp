//===- PlanSolver.cpp - the dataflow planner's integer program ------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The program, with binaries x_{s,k} (candidate k of stage s) and the frame
// period T (cycles, continuous):
//
//   throughput: minimise T
//   latency:    minimise sum_{s,k} cycles_{s,k} x_{s,k} + T
//   subject to  sum_k x_{s,k} = 1                           every stage s
//               T - sum_k cycles_{s,k} x_{s,k} >= 0         every stage s
//               sum_{s,k} use_r(s,k) x_{s,k} <= cap_r       every resource r
//               sum_{s,k} ddr_{s,k} x_{s,k} - (B / f) T <= -fixed DDR bytes
//
// Before it is built, candidates that cannot be part of an optimum are
// dropped: those over a cap on their own, those another candidate of the
// same stage beats in every respect (cycles counted as max(cycles, T_low),
// since no frame period is shorter than T_low, the largest of the stages'
// fastest candidates) and, for throughput, those slower than a feasible
// solution found greedily, which also starts CBC's search.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/HLSCpp/PlanDataflow.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

using namespace whittle;
using namespace whittle::hlscpp;

int64_t hlscpp::getCapacity(const PlanProblem &problem, Resource resource) {
  return getBudget(problem.device, resource) *
             getCapPercent(problem.device, resource) / 100 -
         getUsage(problem.fixedUsage, resource);
}

double hlscpp::getDdrBytesPerCycle(const DeviceModel &device) {
  // MB/s over MHz: bytes per cycle.
  return double(device.ddrMbps) / double(device.clockMhz);
}

static int64_t getDdrBytes(const PlanProblem &problem,
                           llvm::ArrayRef<int64_t> choice) {
  int64_t bytes = problem.fixedDdrBytes;
  for (auto [stage, index] : llvm::enumerate(choice))
    bytes += problem.stages[stage][index].ddrBytes;
  return bytes;
}

double hlscpp::getFramePeriod(const PlanProblem &problem,
                              llvm::ArrayRef<int64_t> choice) {
  int64_t slowest = 0;
  for (auto [stage, index] : llvm::enumerate(choice))
    slowest = std::max(slowest, problem.stages[stage][index].cycles);
  double bandwidth = getDdrBytesPerCycle(problem.device);
  double transfer =
      bandwidth > 0 ? double(getDdrBytes(problem, choice)) / bandwidth : 0.0;
  return std::max(double(slowest), transfer);
}

double hlscpp::getObjective(const PlanProblem &problem, Objective objective,
                            llvm::ArrayRef<int64_t> choice) {
  double period = getFramePeriod(problem, choice);
  if (objective == Objective::throughput)
    return period;
  double sum = 0;
  for (auto [stage, index] : llvm::enumerate(choice))
    sum += double(problem.stages[stage][index].cycles);
  return sum + period;
}

static bool fitsCaps(const PlanProblem &problem,
                     llvm::ArrayRef<int64_t> choice) {
  return llvm::all_of(kResources, [&](Resource resource) {
    int64_t used = 0;
    for (auto [stage, index] : llvm::enumerate(choice))
      used += getUsage(problem.stages[stage][index], resource);
    return used <= getCapacity(problem, resource);
  });
}

std::optional<std::string>
hlscpp::explainInfeasible(const PlanProblem &problem,
                          std::optional<size_t> *culprit) {
  // Only candidates within every cap on their own can be part of a design.
  std::vector<std::vector<const Candidate *>> fitting(problem.stages.size());
  for (auto [s, stage] : llvm::enumerate(problem.stages)) {
    for (const Candidate &candidate : stage)
      if (llvm::all_of(kResources, [&](Resource r) {
            return getUsage(candidate, r) <= getCapacity(problem, r);
          }))
        fitting[s].push_back(&candidate);
    if (!fitting[s].empty() || stage.empty())
      continue;
    // The stage alone exceeds a cap: name the resource of its smallest
    // configuration that is over.
    if (culprit)
      *culprit = s;
    for (Resource resource : kResources) {
      int64_t least = INT64_MAX;
      for (const Candidate &candidate : stage)
        least = std::min(least, getUsage(candidate, resource));
      int64_t capacity = getCapacity(problem, resource);
      if (least > capacity)
        return std::string(llvm::formatv(
            "needs at least {0} {1} on its own at its smallest "
            "configuration, the cap leaves {2} ({3}% of {4}, less the "
            "design's interfaces)",
            least, getResourceName(resource), capacity,
            getCapPercent(problem.device, resource),
            getBudget(problem.device, resource)));
    }
    // Each resource fits in some configuration, none fits them all: name
    // what the configuration that overshoots least needs beyond the caps.
    const Candidate *closest = nullptr;
    double closestRatio = INFINITY;
    for (const Candidate &candidate : stage) {
      double ratio = 0;
      for (Resource resource : kResources) {
        int64_t capacity = getCapacity(problem, resource);
        int64_t used = getUsage(candidate, resource);
        if (used > capacity)
          ratio = std::max(ratio, capacity > 0 ? double(used) / capacity
                                               : double(INFINITY));
      }
      if (ratio < closestRatio) {
        closestRatio = ratio;
        closest = &candidate;
      }
    }
    std::string text =
        "has no configuration within every cap at once; the closest needs";
    llvm::ListSeparator separator(",");
    for (Resource resource : kResources) {
      int64_t capacity = getCapacity(problem, resource);
      int64_t used = getUsage(*closest, resource);
      if (used > capacity)
        text += llvm::formatv("{0} {1} {2} (the cap leaves {3})",
                              llvm::StringRef(separator), used,
                              getResourceName(resource), capacity)
                    .str();
    }
    return text;
  }
  // The resource whose smallest possible total exceeds its cap by the
  // largest factor.
  std::optional<std::string> message;
  double worst = 1.0;
  for (Resource resource : kResources) {
    int64_t least = getUsage(problem.fixedUsage, resource);
    for (const std::vector<const Candidate *> &stage : fitting) {
      int64_t smallest = INT64_MAX;
      for (const Candidate *candidate : stage)
        smallest = std::min(smallest, getUsage(*candidate, resource));
      least += stage.empty() ? 0 : smallest;
    }
    int64_t allowed = getBudget(problem.device, resource) *
                      getCapPercent(problem.device, resource) / 100;
    if (least <= allowed)
      continue;
    double ratio = allowed > 0 ? double(least) / double(allowed) : INFINITY;
    if (message && ratio <= worst)
      continue;
    worst = ratio;
    message = llvm::formatv(
        "needs at least {0} {1} at the smallest configuration, the cap "
        "allows {2} ({3}% of {4}): {5} more than fits",
        least, getResourceName(resource), allowed,
        getCapPercent(problem.device, resource),
        getBudget(problem.device, resource), least - allowed);
  }
  if (message)
    return message;
  // Each resource fits on its own, yet two may not together: for a weight
  // w, every design has use_a + use_b / w >= the sum over stages of each
  // one's smallest use_a + use_b / w, and where that exceeds
  // cap_a + cap_b / w no design fits (a Lagrangian bound). The weights tried
  // run from 1/64 to 64 times the ratio of the caps.
  for (Resource a : kResources)
    for (Resource b : kResources) {
      if (int(b) <= int(a))
        continue;
      double capA = double(getCapacity(problem, a));
      double capB = double(getCapacity(problem, b));
      if (capA <= 0 || capB <= 0)
        continue;
      for (int step = -6; step <= 6; ++step) {
        double perUnitOfA = capB / capA * std::ldexp(1.0, step);
        double least = 0;
        for (const std::vector<const Candidate *> &stage : fitting) {
          double smallest = INFINITY;
          for (const Candidate *candidate : stage)
            smallest = std::min(smallest, double(getUsage(*candidate, a)) +
                                              double(getUsage(*candidate, b)) /
                                                  perUnitOfA);
          least += stage.empty() ? 0 : smallest;
        }
        double allowed = capA + capB / perUnitOfA;
        if (least <= allowed || least / allowed <= worst)
          continue;
        worst = least / allowed;
        message = llvm::formatv(
            "{0} and {1} do not fit together: every design needs {0} + {1} / "
            "{2} >= {3}, the caps leave {4} ({0}) and {5} ({1}), so {6}: "
            "{7}% more than fits",
            getResourceName(a), getResourceName(b),
            llvm::format("%.3g", perUnitOfA), int64_t(std::ceil(least)),
            int64_t(capA), int64_t(capB), int64_t(std::floor(allowed)),
            int64_t(std::round((least / allowed - 1) * 100)));
      }
    }
  return message;
}

namespace {
/// A stage's surviving candidates, as indices into the problem's list.
using Survivors = std::vector<std::vector<int64_t>>;

/// Whether a is at least as good as b in every respect, cycles counted as
/// max(cycles, floor).
bool dominatesAbove(const Candidate &a, const Candidate &b, int64_t floor) {
  return std::max(a.cycles, floor) <= std::max(b.cycles, floor) &&
         a.ddrBytes <= b.ddrBytes && llvm::all_of(kResources, [&](Resource r) {
           return getUsage(a, r) <= getUsage(b, r);
         });
}

/// The candidates of every stage that fit the caps on their own and are no
/// slower than `ceiling`, less those another one dominates (cycles counted
/// as max(cycles, floor)).
Survivors prune(const PlanProblem &problem, int64_t floor, int64_t ceiling) {
  Survivors survivors(problem.stages.size());
  for (auto [s, stage] : llvm::enumerate(problem.stages)) {
    std::vector<int64_t> order(stage.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
      return std::max(stage[a].cycles, floor) <
             std::max(stage[b].cycles, floor);
    });
    for (int64_t index : order) {
      const Candidate &candidate = stage[index];
      bool overCap = llvm::any_of(kResources, [&](Resource r) {
        return getUsage(candidate, r) > getCapacity(problem, r);
      });
      if (overCap || candidate.cycles > ceiling)
        continue;
      if (llvm::none_of(survivors[s], [&](int64_t kept) {
            return dominatesAbove(stage[kept], candidate, floor);
          }))
        survivors[s].push_back(index);
    }
  }
  return survivors;
}

/// Every stage's cycles, sorted and unique: the frame periods worth trying.
std::vector<int64_t> getPeriods(const PlanProblem &problem,
                                const Survivors &survivors) {
  std::vector<int64_t> periods;
  for (auto [s, kept] : llvm::enumerate(survivors))
    for (int64_t index : kept)
      periods.push_back(problem.stages[s][index].cycles);
  llvm::sort(periods);
  periods.erase(std::unique(periods.begin(), periods.end()), periods.end());
  return periods;
}

/// A necessary condition for a frame period of `period`: with every stage at
/// most that slow, each resource's smallest total fits its cap, and the
/// smallest DDR traffic fits the bandwidth.
bool mayReach(const PlanProblem &problem, const Survivors &survivors,
              int64_t period) {
  std::vector<int64_t> least(std::size(kResources), 0);
  int64_t ddr = problem.fixedDdrBytes;
  for (auto [s, kept] : llvm::enumerate(survivors)) {
    std::vector<int64_t> smallest(std::size(kResources), INT64_MAX);
    int64_t smallestDdr = INT64_MAX;
    for (int64_t index : kept) {
      const Candidate &candidate = problem.stages[s][index];
      if (candidate.cycles > period)
        continue;
      for (auto [r, resource] : llvm::enumerate(kResources))
        smallest[r] = std::min(smallest[r], getUsage(candidate, resource));
      smallestDdr = std::min(smallestDdr, candidate.ddrBytes);
    }
    if (smallestDdr == INT64_MAX)
      return false;
    for (size_t r = 0; r < smallest.size(); ++r)
      least[r] += smallest[r];
    ddr += smallestDdr;
  }
  for (auto [r, resource] : llvm::enumerate(kResources))
    if (least[r] > getCapacity(problem, resource))
      return false;
  return double(ddr) <= getDdrBytesPerCycle(problem.device) * double(period);
}

/// How far a choice's totals exceed the caps and the DDR bandwidth at
/// `period`, as the sum of the relative excesses (0 when it fits).
double getExcess(const PlanProblem &problem, llvm::ArrayRef<int64_t> used,
                 int64_t ddrBytes, int64_t period) {
  double excess = 0;
  for (auto [r, resource] : llvm::enumerate(kResources)) {
    int64_t capacity = getCapacity(problem, resource);
    if (used[r] > capacity)
      excess +=
          double(used[r] - capacity) / double(std::max<int64_t>(1, capacity));
  }
  double transfer = getDdrBytesPerCycle(problem.device) * double(period);
  if (double(ddrBytes) > transfer)
    excess += (double(ddrBytes) - transfer) / std::max(1.0, transfer);
  return excess;
}

/// Greedy repair of `choice`: while the totals exceed a cap, makes the one
/// swap that reduces the excess most. False when no swap helps.
bool repair(const PlanProblem &problem, const Survivors &survivors,
            int64_t period, std::vector<int64_t> &choice) {
  std::vector<int64_t> used(std::size(kResources), 0);
  int64_t ddrBytes = problem.fixedDdrBytes;
  for (auto [s, index] : llvm::enumerate(choice)) {
    const Candidate &chosen = problem.stages[s][index];
    for (auto [r, resource] : llvm::enumerate(kResources))
      used[r] += getUsage(chosen, resource);
    ddrBytes += chosen.ddrBytes;
  }
  double excess = getExcess(problem, used, ddrBytes, period);
  std::vector<int64_t> trial(used.size());
  while (excess > 0) {
    double bestExcess = excess;
    std::optional<std::pair<size_t, int64_t>> bestSwap;
    for (auto [s, kept] : llvm::enumerate(survivors)) {
      const Candidate &current = problem.stages[s][choice[s]];
      for (int64_t index : kept) {
        const Candidate &candidate = problem.stages[s][index];
        if (index == choice[s] || candidate.cycles > period)
          continue;
        for (auto [r, resource] : llvm::enumerate(kResources))
          trial[r] = used[r] - getUsage(current, resource) +
                     getUsage(candidate, resource);
        double value =
            getExcess(problem, trial,
                      ddrBytes - current.ddrBytes + candidate.ddrBytes, period);
        if (value < bestExcess) {
          bestExcess = value;
          bestSwap = {s, index};
        }
      }
    }
    if (!bestSwap)
      return false;
    auto [s, index] = *bestSwap;
    const Candidate &current = problem.stages[s][choice[s]];
    const Candidate &next = problem.stages[s][index];
    for (auto [r, resource] : llvm::enumerate(kResources))
      used[r] += getUsage(next, resource) - getUsage(current, resource);
    ddrBytes += next.ddrBytes - current.ddrBytes;
    choice[s] = index;
    excess = bestExcess;
  }
  return true;
}

/// A choice with every stage at most `period` cycles, found greedily: every
/// stage takes its candidate with the smallest weighted share of the caps
/// (and of the DDR traffic the period allows), the weights of the resources
/// that overflow grow (multiplicative weights, as for multi-dimensional
/// knapsacks), and each round's choice is repaired swap by swap.
std::optional<std::vector<int64_t>> greedyAt(const PlanProblem &problem,
                                             const Survivors &survivors,
                                             int64_t period) {
  size_t numResources = std::size(kResources);
  std::vector<double> weight(numResources + 1, 1.0);
  std::vector<double> capacity(numResources + 1);
  for (auto [r, resource] : llvm::enumerate(kResources))
    capacity[r] = double(std::max<int64_t>(1, getCapacity(problem, resource)));
  capacity[numResources] =
      std::max(1.0, getDdrBytesPerCycle(problem.device) * double(period) -
                        double(problem.fixedDdrBytes));
  auto usageOf = [&](const Candidate &candidate, size_t r) {
    return r < numResources ? double(getUsage(candidate, kResources[r]))
                            : double(candidate.ddrBytes);
  };
  for (int round = 0; round < 12; ++round) {
    std::vector<int64_t> choice;
    std::vector<double> total(numResources + 1, 0.0);
    for (auto [s, kept] : llvm::enumerate(survivors)) {
      std::optional<int64_t> best;
      double bestShare = INFINITY;
      for (int64_t index : kept) {
        const Candidate &candidate = problem.stages[s][index];
        if (candidate.cycles > period)
          continue;
        double share = 0;
        for (size_t r = 0; r <= numResources; ++r)
          share += weight[r] * usageOf(candidate, r) / capacity[r];
        if (share < bestShare) {
          bestShare = share;
          best = index;
        }
      }
      if (!best)
        return std::nullopt;
      choice.push_back(*best);
      for (size_t r = 0; r <= numResources; ++r)
        total[r] += usageOf(problem.stages[s][*best], r);
    }
    if (repair(problem, survivors, period, choice))
      return choice;
    for (size_t r = 0; r <= numResources; ++r)
      weight[r] *= std::max(0.5, std::min(4.0, total[r] / capacity[r]));
  }
  return std::nullopt;
}

/// The first period in `periods` (ascending) for which `test` holds, by
/// bisection; nullopt when it holds for none.
template <typename Test>
std::optional<size_t> firstPassing(const std::vector<int64_t> &periods,
                                   Test test) {
  if (periods.empty() || !test(periods.back()))
    return std::nullopt;
  size_t low = 0, high = periods.size() - 1;
  while (low < high) {
    size_t middle = (low + high) / 2;
    if (test(periods[middle]))
      high = middle;
    else
      low = middle + 1;
  }
  return low;
}
} // namespace

namespace {
/// Seconds CBC may take to decide whether one frame period is reachable.
constexpr double kProbeSeconds = 2.0;

/// The integer program over the surviving candidates.
struct PlanProgram {
  IntegerProgram program;
  int period = 0;
  /// columns[s][position]: the binary of survivors[s][position].
  std::vector<std::vector<int>> columns;

  PlanProgram(const PlanProblem &problem, const Survivors &survivors,
              Objective objective,
              double longestPeriod = IntegerProgram::kInfinity,
              double shortestPeriod = 0) {
    period = program.addVariable(shortestPeriod, longestPeriod,
                                 /*objective=*/1.0, /*integer=*/false);
    columns.resize(survivors.size());
    std::vector<std::vector<std::pair<int, double>>> resourceRows(
        std::size(kResources));
    std::vector<std::pair<int, double>> ddrRow;
    for (auto [s, kept] : llvm::enumerate(survivors)) {
      std::vector<std::pair<int, double>> oneOf, slower;
      slower.push_back({period, 1.0});
      for (int64_t index : kept) {
        const Candidate &candidate = problem.stages[s][index];
        double cost =
            objective == Objective::latency ? double(candidate.cycles) : 0.0;
        int column = program.addBinary(cost);
        columns[s].push_back(column);
        oneOf.push_back({column, 1.0});
        slower.push_back({column, -double(candidate.cycles)});
        for (auto [r, resource] : llvm::enumerate(kResources))
          if (int64_t used = getUsage(candidate, resource))
            resourceRows[r].push_back({column, double(used)});
        if (candidate.ddrBytes)
          ddrRow.push_back({column, double(candidate.ddrBytes)});
      }
      program.addConstraint(oneOf, 1.0, 1.0);
      program.addConstraint(slower, 0.0, IntegerProgram::kInfinity);
    }
    for (auto [r, resource] : llvm::enumerate(kResources))
      if (!resourceRows[r].empty())
        program.addConstraint(resourceRows[r], -IntegerProgram::kInfinity,
                              double(getCapacity(problem, resource)));
    ddrRow.push_back({period, -getDdrBytesPerCycle(problem.device)});
    program.addConstraint(ddrRow, -IntegerProgram::kInfinity,
                          -double(problem.fixedDdrBytes));
  }

  /// The program's values for a choice (to start the search from).
  std::vector<double> encode(const PlanProblem &problem,
                             const Survivors &survivors,
                             llvm::ArrayRef<int64_t> choice) const {
    std::vector<double> values(program.getNumVariables(), 0.0);
    values[period] = getFramePeriod(problem, choice);
    for (auto [s, kept] : llvm::enumerate(survivors))
      for (auto [position, index] : llvm::enumerate(kept))
        if (index == choice[s])
          values[columns[s][position]] = 1.0;
    return values;
  }

  /// The choice a solution's values encode.
  std::vector<int64_t> decode(const Survivors &survivors,
                              llvm::ArrayRef<double> values) const {
    std::vector<int64_t> choice;
    for (auto [s, kept] : llvm::enumerate(survivors)) {
      int64_t chosen = kept.front();
      double largest = -1;
      for (auto [position, index] : llvm::enumerate(kept))
        if (values[columns[s][position]] > largest) {
          largest = values[columns[s][position]];
          chosen = index;
        }
      choice.push_back(chosen);
    }
    return choice;
  }
};
} // namespace

PlanSolution hlscpp::solvePlan(const PlanProblem &problem, Objective objective,
                               double timeLimitSeconds) {
  auto begin = std::chrono::steady_clock::now();
  PlanSolution solution;
  // No frame period is as short as one at which even the smallest totals
  // do not fit (`floor`); a greedy feasible choice bounds it from above, and
  // for throughput no optimum has a stage slower than that (`ceiling`).
  // For throughput the bisection below finds faster designs than the
  // greedy one, which then only needs to exist.
  bool throughput = objective == Objective::throughput;
  Survivors all = prune(problem, 0, INT64_MAX);
  std::vector<int64_t> periods = getPeriods(problem, all);
  std::optional<size_t> lowest = firstPassing(
      periods, [&](int64_t period) { return mayReach(problem, all, period); });
  // A design may be faster than the first period at which the smallest
  // totals fit, when its DDR traffic sets its period between two stages'
  // cycle counts: only the period before that one is surely too short.
  int64_t floor = lowest && *lowest > 0 ? periods[*lowest - 1] : 0;
  std::optional<std::vector<int64_t>> start;
  if (throughput && !periods.empty())
    start = greedyAt(problem, all, periods.back());
  if (!start) {
    std::optional<size_t> reached = firstPassing(periods, [&](int64_t period) {
      return greedyAt(problem, all, period).has_value();
    });
    if (reached)
      start = greedyAt(problem, all, periods[*reached]);
  }
  int64_t ceiling = INT64_MAX;
  if (start && throughput)
    ceiling = int64_t(std::floor(getFramePeriod(problem, *start)));
  auto survive = [&]() {
    Survivors survivors = throughput ? prune(problem, floor, ceiling) : all;
    // The greedy choice stays available to start the search from.
    if (start)
      for (auto [s, kept] : llvm::enumerate(survivors))
        if (!llvm::is_contained(kept, (*start)[s]))
          kept.push_back((*start)[s]);
    return survivors;
  };
  Survivors survivors = survive();

  // Bisection over the periods the stages can have, between the floor and
  // the greedy design's. Probe i asks for a choice with every stage at most
  // levels[i] cycles, inside every cap, whose DDR traffic fits a period
  // shorter than levels[i + 1]: if there is none, no design is faster than
  // levels[i + 1] (no stage can take a cycle count in between). Restricted
  // to those candidates, the relaxation cannot mix a slow, cheap candidate
  // with a fast, dear one as the full program's does: it proves most
  // unreachable periods at once, and rounded (each stage its largest share)
  // and repaired swap by swap it reaches most reachable ones; CBC decides
  // the rest, for at most kProbeSeconds each (undecided proves nothing).
  double lowerBound = 0;
  std::optional<std::vector<int64_t>> best;
  if (throughput && start) {
    std::vector<int64_t> levels;
    for (int64_t level : getPeriods(problem, survivors))
      if (level >= floor && level <= ceiling)
        levels.push_back(level);
    auto keep = [&](std::vector<int64_t> choice) {
      if (fitsCaps(problem, choice) &&
          (!best ||
           getFramePeriod(problem, choice) < getFramePeriod(problem, *best)))
        best = std::move(choice);
    };
    PlanProgram whole(problem, survivors, Objective::throughput);
    IntegerProgram::Relaxation relaxation(whole.program);
    solution.variables = whole.program.getNumVariables();
    solution.constraints = whole.program.getNumConstraints();
    auto probe = [&](int64_t level) {
      size_t i = llvm::lower_bound(levels, level) - levels.begin();
      double shorterThan = i + 1 < levels.size()
                               ? double(levels[i + 1]) * (1 - 1e-9)
                               : IntegerProgram::kInfinity;
      auto unreachable = [&] {
        lowerBound =
            std::max(lowerBound, i + 1 < levels.size() ? double(levels[i + 1])
                                                       : double(level));
        return false;
      };
      // The relaxation of the whole program with the slower candidates
      // fixed at 0 and T below the next count (warm started each time).
      bool someStageEmpty = false;
      for (auto [s, kept] : llvm::enumerate(survivors)) {
        bool any = false;
        for (auto [position, index] : llvm::enumerate(kept)) {
          bool allowed = problem.stages[s][index].cycles <= level;
          relaxation.setBounds(whole.columns[s][position], 0, allowed ? 1 : 0);
          any |= allowed;
        }
        someStageEmpty |= !any;
      }
      if (someStageEmpty)
        return unreachable();
      relaxation.setBounds(whole.period, 0, shorterThan);
      std::vector<double> relaxed;
      if (!relaxation.solve(&relaxed))
        return unreachable();
      std::vector<int64_t> rounded = whole.decode(survivors, relaxed);
      if (repair(problem, survivors, level, rounded)) {
        keep(std::move(rounded));
        return true;
      }
      // At most `level` cycles, a candidate's speed no longer matters: only
      // those no other beats in every resource and DDR bytes take part.
      Survivors within = prune(problem, level, level);
      PlanProgram test(problem, within, Objective::throughput, shorterThan);
      IntegerProgram::Options probeOptions;
      probeOptions.timeLimitSeconds = kProbeSeconds;
      probeOptions.relativeGap = 1.0; // any choice answers the question
      probeOptions.defaultStrategy = true;
      IntegerProgram::Result result = test.program.solve(probeOptions);
      if (result.status == IntegerProgram::Status::Infeasible)
        return unreachable();
      if (!result.values.empty())
        keep(test.decode(within, result.values));
      return true;
    };
    firstPassing(levels, probe);
    if (best) {
      start = best;
      ceiling = int64_t(std::floor(getFramePeriod(problem, *best)));
      // Nothing is faster than lowerBound: a design that reaches it is
      // optimal without a search.
      if (getFramePeriod(problem, *best) <= lowerBound) {
        solution.status = IntegerProgram::Status::Optimal;
        solution.choice = *best;
        solution.objective = getObjective(problem, objective, *best);
        solution.seconds = std::chrono::duration<double>(
                               std::chrono::steady_clock::now() - begin)
                               .count();
        return solution;
      }
    }
    floor = std::max(floor, int64_t(std::floor(lowerBound)));
    survivors = survive();
  }
  PlanProgram plan(problem, survivors, objective, IntegerProgram::kInfinity,
                   throughput ? lowerBound : 0.0);

  IntegerProgram::Options options;
  options.timeLimitSeconds = timeLimitSeconds;
  options.defaultStrategy = true;
  if (start)
    options.initialSolution = plan.encode(problem, survivors, *start);
  IntegerProgram::Result result = plan.program.solve(options);
  solution.status = result.status;
  solution.gap = result.gap;
  solution.variables = plan.program.getNumVariables();
  solution.constraints = plan.program.getNumConstraints();
  solution.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin)
          .count();
  if (result.values.empty())
    return solution;
  solution.choice = plan.decode(survivors, result.values);
  solution.objective = getObjective(problem, objective, solution.choice);
  // CBC checks rows up to its tolerance; a rounded choice must still fit.
  if (!fitsCaps(problem, solution.choice)) {
    solution.status = IntegerProgram::Status::Unknown;
    solution.choice.clear();
  }
  return solution;
}

PlanSolution hlscpp::solvePlanExhaustively(const PlanProblem &problem,
                                           Objective objective) {
  PlanSolution best;
  best.status = IntegerProgram::Status::Infeasible;
  std::vector<int64_t> choice(problem.stages.size(), 0);
  if (llvm::any_of(problem.stages,
                   [](const std::vector<Candidate> &s) { return s.empty(); }))
    return best;
  while (true) {
    if (fitsCaps(problem, choice)) {
      double value = getObjective(problem, objective, choice);
      if (best.choice.empty() || value < best.objective) {
        best.choice = choice;
        best.objective = value;
        best.status = IntegerProgram::Status::Optimal;
      }
    }
    size_t s = 0;
    while (s < choice.size() &&
           ++choice[s] == int64_t(problem.stages[s].size()))
      choice[s++] = 0;
    if (s == choice.size())
      return best;
  }
}
