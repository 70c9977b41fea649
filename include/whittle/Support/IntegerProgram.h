//===- IntegerProgram.h - mixed-integer linear programs ---------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// One small interface to a MILP solver (CBC, through its OSI/CLP model), so
// that the passes that choose under a budget (factorize's rank selection, the
// FPGA planner) state their program and never touch the solver: as CIRCT
// keeps its LP scheduler behind one function. CBC needs RTTI and exceptions,
// which only IntegerProgram.cpp is built with.
//
//   minimise   sum_j objective_j x_j
//   subject to lower_i <= sum_j a_ij x_j <= upper_i   for every constraint i
//              lower_j <= x_j <= upper_j, x_j integer where asked
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_SUPPORT_INTEGERPROGRAM_H
#define WHITTLE_SUPPORT_INTEGERPROGRAM_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

class OsiClpSolverInterface;

namespace whittle {

class IntegerProgram {
public:
  static constexpr double kInfinity = std::numeric_limits<double>::infinity();

  /// Adds a variable and returns its index.
  int addVariable(double lower, double upper, double objective, bool integer);
  /// A binary variable (0 or 1, integer).
  int addBinary(double objective) { return addVariable(0, 1, objective, true); }
  /// Adds `lower <= sum coefficient * x_index <= upper` (either bound may be
  /// infinite).
  void addConstraint(llvm::ArrayRef<std::pair<int, double>> terms, double lower,
                     double upper);

  int getNumVariables() const { return int(objective.size()); }
  int getNumConstraints() const { return int(rowLower.size()); }

  enum class Status {
    /// The best solution is proven optimal (within the allowed gap).
    Optimal,
    /// A solution was found but the time limit stopped the proof.
    Feasible,
    /// The program has no solution.
    Infeasible,
    /// The time limit passed before any solution was found.
    Unknown,
  };

  struct Options {
    /// Seconds of branch and bound; 0 for no limit.
    double timeLimitSeconds = 0;
    /// Relative gap at which the search may stop (0: prove optimality).
    double relativeGap = 0;
    /// A feasible solution to start from (one value per variable), or empty.
    std::vector<double> initialSolution;
    /// CBC's default cut generators and heuristics (CbcStrategyDefault):
    /// much faster on programs with knapsack rows, but another order of
    /// search (ties between optima may fall differently).
    bool defaultStrategy = false;
  };

  struct Result {
    Status status = Status::Unknown;
    /// One value per variable (integers rounded), empty without a solution.
    std::vector<double> values;
    double objective = 0;
    /// The best lower bound the search proved.
    double bound = 0;
    /// (objective - bound) / max(|objective|, 1e-9); 0 when optimal.
    double gap = 0;
    double seconds = 0;
  };

  Result solve(const Options &options) const;
  /// The optimum of the linear relaxation (integrality dropped), or nullopt
  /// when the relaxation is infeasible; with `values`, also its solution.
  std::optional<double>
  solveRelaxation(std::vector<double> *values = nullptr) const;

  /// The linear relaxation kept loaded in CLP, to solve again after
  /// changing variables' bounds: each solve after the first starts from the
  /// last basis (dual simplex), far faster than solving anew.
  class Relaxation {
  public:
    explicit Relaxation(const IntegerProgram &program);
    ~Relaxation();
    Relaxation(const Relaxation &) = delete;
    Relaxation &operator=(const Relaxation &) = delete;

    void setBounds(int variable, double lower, double upper);
    /// The optimum, or nullopt when infeasible; with `values`, its solution.
    std::optional<double> solve(std::vector<double> *values = nullptr);

  private:
    std::unique_ptr<OsiClpSolverInterface> solver;
    bool solvedOnce = false;
  };

private:
  /// Loads the program (integrality apart) into CLP.
  void load(OsiClpSolverInterface &solver) const;

  std::vector<double> columnLower, columnUpper, objective;
  std::vector<bool> isInteger;
  std::vector<double> rowLower, rowUpper;
  /// The rows as (column, coefficient) terms.
  std::vector<std::vector<std::pair<int, double>>> rows;
};

} // namespace whittle

#endif // WHITTLE_SUPPORT_INTEGERPROGRAM_H
