//===- HLSPlannerTest.cpp - the FPGA planner and its cost model -----------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The dataflow planner's integer program gives the optimum exhaustive search
// finds on small random instances, for both objectives; the cost model's
// formulas (FINN's BRAM packing, URAM, LUTRAM, DSP48E2 products, LUT
// multipliers) and a stage's cycles, DSPs and BRAMs match counts by hand,
// including the zero tiles block-sparse weights skip.
//
//===----------------------------------------------------------------------===//

#include "ParsedModuleTest.h"

#include "whittle/Target/HLSCpp/CostModel.h"
#include "whittle/Target/HLSCpp/PlanDataflow.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <random>

using namespace mlir;
using namespace whittle;
using namespace whittle::hlscpp;

namespace {

/// A device whose caps leave round capacities (the fixed usage is zero in
/// these tests).
DeviceModel makeDevice(int64_t dsp, int64_t bram18, int64_t lut,
                       int64_t ddrMbps) {
  DeviceModel device;
  device.name = "test";
  device.part = "test";
  device.clockMhz = 100;
  device.dsp = dsp;
  device.bram18 = bram18;
  device.uram = 0;
  device.lut = lut;
  device.ff = 1000000;
  device.ddrMbps = ddrMbps;
  device.capDsp = device.capBram = device.capUram = device.capLut =
      device.capFf = 100;
  return device;
}

PlanProblem randomProblem(std::mt19937 &random) {
  std::uniform_int_distribution<int> stages(2, 5), candidates(1, 5);
  std::uniform_int_distribution<int64_t> cycles(10, 1000), dsp(0, 40),
      bram(0, 20), lut(0, 3000), ddr(0, 4000);
  PlanProblem problem;
  // Caps a little under what the average choice needs, so that some
  // instances are tight and a few infeasible.
  problem.device = makeDevice(80, 40, 6000, /*ddrMbps=*/200);
  problem.fixedDdrBytes = 100;
  int numStages = stages(random);
  for (int s = 0; s < numStages; ++s) {
    std::vector<Candidate> stage;
    int numCandidates = candidates(random);
    for (int k = 0; k < numCandidates; ++k) {
      Candidate candidate;
      candidate.cycles = cycles(random);
      candidate.dsp = dsp(random);
      candidate.bram18 = bram(random);
      candidate.lut = lut(random);
      candidate.ff = lut(random);
      candidate.ddrBytes = random() % 3 == 0 ? ddr(random) : 0;
      stage.push_back(candidate);
    }
    problem.stages.push_back(stage);
  }
  return problem;
}

TEST(HLSPlanner, IntegerProgramMatchesExhaustiveSearch) {
  std::mt19937 random(14);
  int feasible = 0, infeasible = 0;
  for (int instance = 0; instance < 2000; ++instance) {
    PlanProblem problem = randomProblem(random);
    for (Objective objective : {Objective::throughput, Objective::latency}) {
      PlanSolution exact = solvePlanExhaustively(problem, objective);
      PlanSolution solved = solvePlan(problem, objective, /*timeLimit=*/0);
      if (exact.choice.empty()) {
        EXPECT_TRUE(solved.choice.empty()) << "instance " << instance;
        ++infeasible;
        continue;
      }
      ++feasible;
      ASSERT_FALSE(solved.choice.empty()) << "instance " << instance;
      EXPECT_EQ(solved.status, IntegerProgram::Status::Optimal);
      EXPECT_NEAR(solved.objective, exact.objective,
                  1e-6 * std::max(1.0, exact.objective))
          << "instance " << instance << " objective " << int(objective);
      // The answer's value is what its choice costs.
      EXPECT_DOUBLE_EQ(solved.objective,
                       getObjective(problem, objective, solved.choice));
    }
  }
  // Both kinds of instances were exercised.
  EXPECT_GT(feasible, 100);
  EXPECT_GT(infeasible, 0);
}

TEST(HLSPlanner, TimeLimitKeepsTheBestSolution) {
  // A program too large to prove in a millisecond: the greedy start (or
  // better) comes back, with its gap.
  std::mt19937 random(7);
  std::uniform_int_distribution<int64_t> cycles(1000, 100000), use(0, 50);
  PlanProblem problem;
  problem.device = makeDevice(1500, 1500, 150000, 100000);
  for (int s = 0; s < 60; ++s) {
    std::vector<Candidate> stage;
    for (int k = 0; k < 40; ++k) {
      Candidate candidate;
      candidate.cycles = cycles(random);
      candidate.dsp = use(random);
      candidate.bram18 = use(random);
      candidate.lut = 100 * use(random);
      stage.push_back(candidate);
    }
    problem.stages.push_back(stage);
  }
  PlanSolution solution = solvePlan(problem, Objective::latency, 0.001);
  ASSERT_EQ(solution.choice.size(), problem.stages.size());
  EXPECT_TRUE(solution.status == IntegerProgram::Status::Optimal ||
              solution.status == IntegerProgram::Status::Feasible);
  if (solution.status == IntegerProgram::Status::Feasible) {
    EXPECT_GT(solution.gap, 0.0);
  }
  EXPECT_GE(solution.gap, 0.0);
  EXPECT_DOUBLE_EQ(solution.objective,
                   getObjective(problem, Objective::latency, solution.choice));
}

TEST(HLSPlanner, DdrBandwidthBoundsThePeriod) {
  // One stage, two candidates: fast but streaming 10,000 bytes a frame, or
  // slow with its weights on chip. At 100 bytes/cycle the fast one's frame
  // takes 100 cycles of transfer.
  PlanProblem problem;
  problem.device = makeDevice(100, 100, 100000, /*ddrMbps=*/10000);
  Candidate fast, slow;
  fast.cycles = 10;
  fast.ddrBytes = 10000;
  slow.cycles = 150;
  slow.bram18 = 10;
  problem.stages.push_back({fast, slow});
  EXPECT_DOUBLE_EQ(getDdrBytesPerCycle(problem.device), 100.0);
  PlanSolution solution = solvePlan(problem, Objective::throughput, 0);
  ASSERT_EQ(solution.choice.size(), 1u);
  EXPECT_EQ(solution.choice[0], 0);
  EXPECT_DOUBLE_EQ(solution.objective, 100.0);
}

TEST(HLSPlanner, InfeasibleNamesTwoResourcesThatDoNotFitTogether) {
  // Each stage trades BRAM for LUTs; any one resource fits (6 BRAM18 or 300
  // LUTs at their smallest), but three stages cannot keep both under the
  // caps (10 BRAM18, 1,200 LUTs). Counting a BRAM18 as 240 LUTs (twice the
  // caps' ratio, the strongest weight tried) each stage needs at least
  // min(4 + 400/240, 2 + 800/240, 6 + 100/240) = 5.33, three 16 > 10 + 5.
  PlanProblem problem;
  problem.device = makeDevice(100, 10, 1200, 1000);
  auto make = [](int64_t bram, int64_t lut) {
    Candidate candidate;
    candidate.bram18 = bram;
    candidate.lut = lut;
    return candidate;
  };
  std::vector<Candidate> stage = {make(4, 400), make(2, 800), make(6, 100)};
  problem.stages = {stage, stage, stage};
  EXPECT_TRUE(
      solvePlanExhaustively(problem, Objective::throughput).choice.empty());
  std::optional<std::string> why = explainInfeasible(problem, nullptr);
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, "BRAM18 and LUT do not fit together: every design needs "
                  "BRAM18 + LUT / 240 >= 16, the caps leave 10 (BRAM18) and "
                  "1200 (LUT), so 15: 7% more than fits");
}

TEST(HLSPlanner, DdrBoundPeriodBetweenCycleCounts) {
  // The best design's period is set by its DDR traffic, between two cycle
  // counts: the second stage at 40 cycles streams 1,000 bytes (500 cycles
  // at 2 bytes/cycle), at 600 cycles none; the first stage takes 30 cycles
  // (50 BRAM18) or 600 (5). At 40 cycles no traffic fits, so 600 is the
  // first stage cycle count at which the smallest totals fit, yet the best
  // design (30 and 40 cycles) takes 500: taking 600 as the floor made
  // the 30-cycle candidate look no faster than the 600-cycle one (listed
  // first), which uses less, so it was pruned and the planner answered
  // 600. (A random instance of IntegerProgramMatchesExhaustiveSearch
  // found this; that test now draws 2,000 instances, not 300.)
  PlanProblem problem;
  problem.device = makeDevice(100, 100, 100000, /*ddrMbps=*/200);
  Candidate fast, slow, streams, onChip;
  fast.cycles = 30;
  fast.bram18 = 50;
  slow.cycles = 600;
  slow.bram18 = 5;
  streams.cycles = 40;
  streams.ddrBytes = 1000;
  onChip.cycles = 600;
  onChip.bram18 = 10;
  problem.stages = {{slow, fast}, {streams, onChip}};
  ASSERT_DOUBLE_EQ(getDdrBytesPerCycle(problem.device), 2.0);
  PlanSolution solution = solvePlan(problem, Objective::throughput, 0);
  ASSERT_EQ(solution.choice.size(), 2u);
  EXPECT_EQ(solution.status, IntegerProgram::Status::Optimal);
  EXPECT_EQ(solution.choice, (std::vector<int64_t>{1, 0}));
  EXPECT_DOUBLE_EQ(solution.objective, 500.0);
}

TEST(HLSPlanner, InfeasibleNamesTheResource) {
  PlanProblem problem;
  problem.device = makeDevice(10, 100, 100000, 1000);
  Candidate a, b;
  a.dsp = 6;
  b.dsp = 7;
  problem.stages = {{a}, {b}};
  std::optional<size_t> culprit;
  std::optional<std::string> why = explainInfeasible(problem, &culprit);
  ASSERT_TRUE(why);
  EXPECT_FALSE(culprit);
  EXPECT_EQ(*why, "needs at least 13 DSP48E2 at the smallest configuration, "
                  "the cap allows 10 (100% of 10): 3 more than fits");
}

TEST(HLSCostModel, Formulas) {
  // FINN: 8-bit elements in 2K x 9 BRAM18s.
  EXPECT_EQ(formulas::bram18(8, 64, 4096), 2 * 8);
  EXPECT_EQ(formulas::bram18(8, 8, 100), 1);
  // 32-bit elements: 512 x 36, or 1K x 18 when deeper than 512.
  EXPECT_EQ(formulas::bram18(32, 32, 512), 1);
  EXPECT_EQ(formulas::bram18(32, 64, 1000), 1 * 4);
  EXPECT_EQ(formulas::bram18(4, 16, 5000), 2 * 4);
  EXPECT_EQ(formulas::uram(144, 5000), 2 * 2);
  EXPECT_EQ(formulas::lutram(16, 100), 16 * 2);
  // 27 x 18 per DSP48E2.
  EXPECT_EQ(formulas::dspPerProduct(32, 32), 4);
  EXPECT_EQ(formulas::dspPerProduct(9, 32), 2);
  EXPECT_EQ(formulas::dspPerProduct(8, 9), 1);
  // FINN-R: (2 ceil(16/6) - 1) * 16.
  EXPECT_EQ(formulas::lutPerMultiplier(8, 8), 80);
  int64_t lut, bram;
  formulas::fifoCost(64, 2, lut, bram);
  EXPECT_EQ(lut, 64);
  EXPECT_EQ(bram, 0);
  formulas::fifoCost(8, 3000, lut, bram);
  EXPECT_EQ(lut, 0);
  EXPECT_EQ(bram, 2);
}

constexpr const char *kModel = R"mlir(
func.func @stages(%x: tensor<1x16x8x8xi8>, %y: tensor<1x4x6x6xi8>) -> (tensor<1x32x8x8xi8>, tensor<1x4x6x6xi32>) {
  %w = nn.constant dense<1> : tensor<32x16x3x3xi8>
  %c = qnn.conv %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>} : (tensor<1x16x8x8xi8>, tensor<32x16x3x3xi8>) -> tensor<1x32x8x8xi32>
  %r = qnn.requantize %c {multiplier = array<i32: 1073741824>, shift = array<i32: 40>} : (tensor<1x32x8x8xi32>) -> tensor<1x32x8x8xi8>
  %s = nn.constant dense<[[[[1]], [[1]], [[0]], [[0]]], [[[1]], [[1]], [[0]], [[0]]], [[[0]], [[0]], [[0]], [[0]]], [[[0]], [[0]], [[2]], [[3]]]]> : tensor<4x4x1x1xi8>
  %b = qnn.conv %y, %s {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>, whittle.sparsity = #nn.sparsity<block, block = [2, 2], sparsity = 6.250000e-01, weight_operand = 1, out_axis = 0, in_axis = 1>} : (tensor<1x4x6x6xi8>, tensor<4x4x1x1xi8>) -> tensor<1x4x6x6xi32>
  return %r, %b : tensor<1x32x8x8xi8>, tensor<1x4x6x6xi32>
}
)mlir";

class HLSCostModelOnIR : public ParsedModuleTest {
protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(parse(kModel));
    module->walk([&](Operation *op) {
      if (op->getName().getStringRef() == "qnn.conv")
        convs.push_back(op);
    });
    ASSERT_EQ(convs.size(), 2u);
  }

  std::vector<Operation *> convs;
};

TEST_F(HLSCostModelOnIR, DenseConvolutionByHand) {
  FailureOr<StageShape> shape = analyzeStage(convs[0]);
  ASSERT_TRUE(succeeded(shape));
  EXPECT_EQ(shape->kind, StageKind::MatrixVector);
  // The first output needs one row and two pixels of the padded input:
  // (1 x 8 + 2) x 16 channels.
  EXPECT_EQ(shape->firstOutputNeed[0], (8 + 2) * 16);
  // A power-of-two multiplier is a shift: no rescale product.
  EXPECT_TRUE(shape->rescaleProducts.empty());

  Candidate c = costCandidate(*shape, /*simd=*/4, /*pe=*/8, Multiplier::dsp,
                              WeightPlacement::onchip, WeightMemory::bram, 0,
                              /*fifoElements=*/{0});
  // (MH/PE) (MW/SIMD) per output pixel: (32/8)(16*9/4) * 64, and the
  // unit reads its 8 x 8 x 16 input rows 4 channels a cycle in between.
  EXPECT_EQ(c.cycles, 4 * 36 * 64 + 8 * 8 * 16 / 4);
  // Pairs of the 8 PEs share each activation: 4 SIMD x 4 DSP48E2.
  EXPECT_EQ(c.dsp, 4 * 4);
  // Weights: 144 words of 4*8*8 = 256 bits in 2K x 9 BRAM18s: 29; the
  // line buffer (the 3 rows a window spans x 8 x 16 = 384 bytes, 96 words
  // of 32 bits) in 4 BRAM18s side by side (9 bits each); mvu's window
  // (9 x 16 = 144 bytes, 36 words) fits LUTRAM.
  EXPECT_EQ(c.bram18, 29 + 4);

  Candidate streamed =
      costCandidate(*shape, 4, 8, Multiplier::lut, WeightPlacement::streamed,
                    WeightMemory::none, /*rowTile=*/2, {0});
  // Weights (4,608 bytes) read once per pair of output rows.
  EXPECT_EQ(streamed.ddrBytes, 4608 * 4);
  EXPECT_EQ(streamed.dsp, 0);
  // The same, and each tile's 2 x 8 pixels of 32 channels written 8 a
  // cycle after they are computed.
  EXPECT_EQ(streamed.cycles, c.cycles + 8 * 8 * 32 / 8);
}

TEST_F(HLSCostModelOnIR, BlockSparseTilesAreSkipped) {
  FailureOr<StageShape> shape = analyzeStage(convs[1]);
  ASSERT_TRUE(succeeded(shape));
  ASSERT_TRUE(bool(shape->zeroTiles));
  // Of the four 2 x 2 tiles, one is all zero (rows 2-3, columns 0-1), and so
  // is the top right one: two skipped.
  EXPECT_EQ(shape->zeroTiles(2, 2), 2);
  // 1 x 1 tiles: 10 of the 16 weights are zero.
  EXPECT_EQ(shape->zeroTiles(1, 1), 10);
  Candidate dense =
      costCandidate(*shape, 2, 2, Multiplier::dsp, WeightPlacement::onchip,
                    WeightMemory::lutram, 0, {0});
  // Two tiles of work per pixel instead of four, 36 pixels.
  EXPECT_EQ(dense.cycles, 2 * 36);
}

} // namespace
