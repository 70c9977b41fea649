//===- IntegerProgram.cpp - mixed-integer linear programs -----------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Support/IntegerProgram.h"

#include "CbcModel.hpp"
#include "CbcStrategy.hpp"
#include "CoinPackedMatrix.hpp"
#include "CoinPackedVector.hpp"
#include "OsiClpSolverInterface.hpp"

#include <chrono>
#include <cmath>

using namespace whittle;

int IntegerProgram::addVariable(double lower, double upper, double cost,
                                bool integer) {
  columnLower.push_back(lower);
  columnUpper.push_back(upper);
  objective.push_back(cost);
  isInteger.push_back(integer);
  return int(objective.size()) - 1;
}

void IntegerProgram::addConstraint(llvm::ArrayRef<std::pair<int, double>> terms,
                                   double lower, double upper) {
  rows.emplace_back(terms.begin(), terms.end());
  rowLower.push_back(lower);
  rowUpper.push_back(upper);
}

/// CBC's infinity is COIN_DBL_MAX, not IEEE infinity.
static std::vector<double> toCoin(llvm::ArrayRef<double> bounds) {
  std::vector<double> result;
  for (double bound : bounds)
    result.push_back(
        std::isinf(bound) ? (bound > 0 ? COIN_DBL_MAX : -COIN_DBL_MAX) : bound);
  return result;
}

void IntegerProgram::load(OsiClpSolverInterface &solver) const {
  CoinPackedMatrix matrix(/*colordered=*/false, 0, 0);
  matrix.setDimensions(0, getNumVariables());
  for (const auto &row : rows) {
    CoinPackedVector vector;
    for (auto [column, coefficient] : row)
      vector.insert(column, coefficient);
    matrix.appendRow(vector);
  }
  std::vector<double> lowerColumns = toCoin(columnLower);
  std::vector<double> upperColumns = toCoin(columnUpper);
  std::vector<double> lowerRows = toCoin(rowLower);
  std::vector<double> upperRows = toCoin(rowUpper);
  solver.messageHandler()->setLogLevel(0);
  solver.loadProblem(matrix, lowerColumns.data(), upperColumns.data(),
                     objective.data(), lowerRows.data(), upperRows.data());
}

std::optional<double>
IntegerProgram::solveRelaxation(std::vector<double> *values) const {
  OsiClpSolverInterface solver;
  load(solver);
  solver.initialSolve();
  if (!solver.isProvenOptimal())
    return std::nullopt;
  if (values) {
    const double *solution = solver.getColSolution();
    values->assign(solution, solution + getNumVariables());
  }
  return solver.getObjValue();
}

IntegerProgram::Relaxation::Relaxation(const IntegerProgram &program)
    : solver(std::make_unique<OsiClpSolverInterface>()) {
  program.load(*solver);
}

IntegerProgram::Relaxation::~Relaxation() = default;

void IntegerProgram::Relaxation::setBounds(int variable, double lower,
                                           double upper) {
  solver->setColLower(variable, std::isinf(lower) ? -COIN_DBL_MAX : lower);
  solver->setColUpper(variable, std::isinf(upper) ? COIN_DBL_MAX : upper);
}

std::optional<double>
IntegerProgram::Relaxation::solve(std::vector<double> *values) {
  if (solvedOnce)
    solver->resolve();
  else
    solver->initialSolve();
  solvedOnce = true;
  if (!solver->isProvenOptimal())
    return std::nullopt;
  if (values) {
    const double *solution = solver->getColSolution();
    values->assign(solution, solution + solver->getNumCols());
  }
  return solver->getObjValue();
}

IntegerProgram::Result IntegerProgram::solve(const Options &options) const {
  auto start = std::chrono::steady_clock::now();
  int numColumns = getNumVariables();
  OsiClpSolverInterface solver;
  load(solver);
  for (int j = 0; j < numColumns; ++j)
    if (isInteger[j])
      solver.setInteger(j);

  CbcModel model(solver);
  model.setLogLevel(0);
  model.messageHandler()->setLogLevel(0);
  model.setAllowableGap(0.0);
  model.setAllowableFractionGap(options.relativeGap);
  model.setAllowablePercentageGap(options.relativeGap * 100.0);
  if (options.timeLimitSeconds > 0) {
    // Wall-clock seconds, as the caller measures them (CBC counts CPU time
    // by default).
    model.setUseElapsedTime(true);
    model.setMaximumSeconds(options.timeLimitSeconds);
  }
  if (options.defaultStrategy) {
    CbcStrategyDefault strategy(/*cutsOnlyAtRoot=*/1);
    model.setStrategy(strategy);
  }
  if (int(options.initialSolution.size()) == numColumns) {
    double value = 0;
    for (int j = 0; j < numColumns; ++j)
      value += objective[j] * options.initialSolution[j];
    // check: CBC verifies the solution against the rows before keeping it.
    model.setBestSolution(options.initialSolution.data(), numColumns, value,
                          /*check=*/true);
  }
  model.branchAndBound();

  Result result;
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  const double *best = model.bestSolution();
  if (model.isProvenInfeasible() && !best) {
    result.status = Status::Infeasible;
    return result;
  }
  if (!best) {
    result.status = Status::Unknown;
    return result;
  }
  for (int j = 0; j < numColumns; ++j)
    result.values.push_back(isInteger[j] ? std::round(best[j]) : best[j]);
  result.objective = model.getObjValue();
  result.bound = model.getBestPossibleObjValue();
  bool optimal = model.isProvenOptimal();
  result.status = optimal ? Status::Optimal : Status::Feasible;
  result.gap =
      optimal ? 0.0
              : std::max(0.0, (result.objective - result.bound) /
                                  std::max(std::fabs(result.objective), 1e-9));
  return result;
}
