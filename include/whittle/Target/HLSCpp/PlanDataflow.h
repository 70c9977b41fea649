//===- PlanDataflow.h - the dataflow planner's integer program --*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The planning problem apart from the IR, so that it can be tested against
// exhaustive search: every stage offers candidates (cycles, resources, DDR
// bytes), one per stage is chosen, within the device's caps and its DDR
// bandwidth, to minimise the design's initiation interval (throughput) or
// the sum of the stages' cycles plus it (latency).
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_HLSCPP_PLANDATAFLOW_H
#define WHITTLE_TARGET_HLSCPP_PLANDATAFLOW_H

#include "whittle/Support/IntegerProgram.h"
#include "whittle/Target/HLSCpp/CostModel.h"
#include "whittle/Target/HLSCpp/DeviceModel.h"

#include <optional>
#include <string>
#include <vector>

namespace whittle::hlscpp {

struct PlanProblem {
  DeviceModel device;
  /// The candidates of every stage (none empty).
  std::vector<std::vector<Candidate>> stages;
  /// DDR bytes per frame that do not depend on the choice (the design's
  /// inputs and outputs).
  int64_t fixedDdrBytes = 0;
  /// Resources the design uses whatever the choice (its interfaces).
  Candidate fixedUsage;
};

struct PlanSolution {
  IntegerProgram::Status status = IntegerProgram::Status::Unknown;
  /// The chosen candidate's index for every stage.
  std::vector<int64_t> choice;
  /// The objective's value: the frame period T in cycles (throughput), or
  /// the sum of the stages' cycles plus T (latency).
  double objective = 0;
  double gap = 0, seconds = 0;
  int64_t variables = 0, constraints = 0;
};

/// The largest usage of a resource the caps allow the stages:
/// floor(cap% x budget) less the fixed usage.
int64_t getCapacity(const PlanProblem &problem, Resource resource);
/// DDR bytes the device moves per clock cycle (bandwidth / f_clk).
double getDdrBytesPerCycle(const DeviceModel &device);
/// The frame period of a choice: the slowest stage, or the DDR transfer time
/// when that is longer.
double getFramePeriod(const PlanProblem &problem,
                      llvm::ArrayRef<int64_t> choice);
/// The objective of a choice (see PlanSolution::objective).
double getObjective(const PlanProblem &problem, Objective objective,
                    llvm::ArrayRef<int64_t> choice);

/// When even the smallest configuration of every stage exceeds a cap, the
/// message naming the resource and by how much; nullopt otherwise. When one
/// stage alone exceeds a cap, `stage` receives its index.
std::optional<std::string>
explainInfeasible(const PlanProblem &problem,
                  std::optional<size_t> *stage = nullptr);

/// Solves the planning problem with CBC (the candidates are pruned first
/// without losing the optimum; the indices refer to the given lists).
PlanSolution solvePlan(const PlanProblem &problem, Objective objective,
                       double timeLimitSeconds);

/// Tries every combination (for tests on small problems).
PlanSolution solvePlanExhaustively(const PlanProblem &problem,
                                   Objective objective);

} // namespace whittle::hlscpp

#endif // WHITTLE_TARGET_HLSCPP_PLANDATAFLOW_H
