//===- PlanDataflow.cpp - choose every stage's configuration --------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The planning pass: reads the stages of the entry function, works out what
// each needs of its inputs before its first output (which sizes the FIFOs of
// joins such as residual adds), asks the cost model for every stage's
// candidates, solves the integer program (PlanSolver.cpp) and writes the
// answer as `hlscpp.stage` on every stage and `hlscpp.plan` on the module.
// Nothing is written unless every step succeeds.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/HLSCpp/PlanDataflow.h"

#include "whittle/Dialect/NN/NNDialect.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/QNN/QNNOps.h"
#include "whittle/Target/HLSCpp/Passes.h"
#include "whittle/Transforms/EntryFunction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

namespace whittle::hlscpp {
#define GEN_PASS_DEF_HLSCPPPLANDATAFLOW
#define GEN_PASS_DEF_HLSCPPPRINTCOSTS
#include "whittle/Target/HLSCpp/Passes.h.inc"
} // namespace whittle::hlscpp

using namespace mlir;
using namespace whittle;
using namespace whittle::hlscpp;

namespace {

/// One stage of the design and the values it reads and writes.
struct Stage {
  Operation *op = nullptr;
  StageShape shape;
  /// The stage's output (the fused requantize's result for a product).
  Value output;
  /// Its activation operands, in operand order.
  SmallVector<Value> inputs;
  /// Elements each input's FIFO must hold beyond the usual two words.
  SmallVector<int64_t> fifoElements;
  std::vector<Candidate> candidates;
};

int64_t elementsPerFrame(Value value) {
  auto type = cast<ShapedType>(value.getType());
  int64_t frames =
      type.getRank() > 0 ? std::max<int64_t>(1, type.getDimSize(0)) : 1;
  return type.getNumElements() / frames;
}

/// The dataflow graph of the entry function.
class DataflowGraph {
public:
  LogicalResult build(func::FuncOp func);
  void sizeJoinFifos();
  int64_t getEdgeBytes() const { return edgeBytes; }
  std::vector<Stage> stages;

  /// First-output times (cycles) under the frame period `period`, given
  /// each stage's cycles; the latency is the last output's.
  int64_t getLatency(ArrayRef<int64_t> cycles, double period) const;

private:
  /// For every value: the elements of each ancestor it needs before its
  /// first element.
  llvm::DenseMap<Value, llvm::MapVector<Value, double>> requirements;
  llvm::DenseMap<Value, int64_t> order;
  llvm::DenseMap<Value, int64_t> producer;
  SmallVector<Value> outputs;
  int64_t edgeBytes = 0;
};
} // namespace

/// Ops that are part of the design without being stages.
static bool isEdgeOrConstant(Operation *op) {
  return isa<nn::ConstantOp, arith::ConstantOp, qnn::QuantizeOp,
             qnn::DequantizeOp, func::ReturnOp>(op) ||
         op->hasTrait<OpTrait::ConstantLike>();
}

LogicalResult DataflowGraph::build(func::FuncOp func) {
  int64_t position = 0;
  for (BlockArgument argument : func.getArguments())
    order[argument] = position++;
  // Values the host computes before the input's qnn.quantize: the inputs
  // and float ops on them and on constants only (ONNX Runtime-quantized
  // models normalise their input in float). The testbench and host code do
  // that work; it takes no stage.
  llvm::DenseSet<Value> hostValues(func.getArguments().begin(),
                                   func.getArguments().end());
  auto isHostOperand = [&](Value value) {
    Operation *def = value.getDefiningOp();
    return hostValues.contains(value) ||
           (def && isEdgeOrConstant(def) && !isa<qnn::DequantizeOp>(def));
  };
  for (Operation &op : func.getBody().front()) {
    for (Value result : op.getResults())
      order[result] = position++;
    if (isStage(&op)) {
      FailureOr<StageShape> shape = analyzeStage(&op);
      if (failed(shape))
        return failure();
      Stage stage;
      stage.op = &op;
      stage.shape = std::move(*shape);
      Operation *requantize = getFusedRequantize(&op);
      stage.output = requantize ? requantize->getResult(0) : op.getResult(0);
      for (unsigned index : stage.shape.activationOperands)
        stage.inputs.push_back(op.getOperand(index));
      stage.fifoElements.assign(stage.inputs.size(), 0);
      for (Value result : op.getResults())
        producer[result] = stages.size();
      producer[stage.output] = stages.size();
      stages.push_back(std::move(stage));
      continue;
    }
    if (auto quantize = dyn_cast<qnn::QuantizeOp>(op)) {
      // The design reads the quantized input.
      edgeBytes += elementsPerFrame(quantize.getResult());
      continue;
    }
    if (auto dequantize = dyn_cast<qnn::DequantizeOp>(op)) {
      Value x = dequantize->getOperand(0);
      int64_t bytes =
          getElementTypeOrSelf(x.getType()).getIntOrFloatBitWidth() / 8;
      edgeBytes += elementsPerFrame(x) * bytes;
      outputs.push_back(x);
      continue;
    }
    if (isEdgeOrConstant(&op))
      continue;
    // A requantize fused into its product is part of the product's stage.
    if (isa<qnn::RequantizeOp>(op))
      continue;
    bool onFloats = llvm::any_of(op.getResultTypes(), [](Type type) {
      return isa<FloatType>(getElementTypeOrSelf(type));
    });
    if (onFloats && llvm::all_of(op.getOperands(), isHostOperand)) {
      hostValues.insert(op.result_begin(), op.result_end());
      continue;
    }
    if (onFloats)
      return op.emitError()
             << "'" << op.getName()
             << "' computes on floats: the FPGA back end implements integer "
                "(qnn) models only; quantize the model first";
    return op.emitError() << "'" << op.getName()
                          << "' is not supported by the FPGA back end";
  }
  if (stages.empty())
    return func.emitError() << "has no dataflow stage to plan";
  return success();
}

void DataflowGraph::sizeJoinFifos() {
  // req(v, u): elements of u that must have arrived for the first element
  // of v; to get k elements of v takes req(v, u) + (k - 1) E_u / E_v.
  auto requirementsOf = [&](Value value) -> llvm::MapVector<Value, double> & {
    auto [it, inserted] = requirements.try_emplace(value);
    if (inserted)
      it->second[value] = 1;
    return it->second;
  };
  for (Stage &stage : stages) {
    llvm::MapVector<Value, double> combined;
    combined[stage.output] = 1;
    for (auto [j, input] : llvm::enumerate(stage.inputs)) {
      double need = double(stage.shape.firstOutputNeed[j]);
      double inputElements = double(elementsPerFrame(input));
      for (auto &[ancestor, required] : requirementsOf(input)) {
        double ratio =
            double(elementsPerFrame(ancestor)) / std::max(1.0, inputElements);
        double total = required + (need - 1) * ratio;
        double &entry = combined[ancestor];
        entry = std::max(entry, total);
      }
    }
    // A join: each input's FIFO holds what its path produces while the
    // nearest common ancestor feeds the slowest-to-start input.
    if (stage.inputs.size() > 1) {
      std::optional<Value> fork;
      for (auto &[ancestor, required] : requirementsOf(stage.inputs[0])) {
        bool common = llvm::all_of(stage.inputs, [&](Value input) {
          return requirementsOf(input).count(ancestor);
        });
        if (common && (!fork || order[ancestor] > order[*fork]))
          fork = ancestor;
      }
      if (fork) {
        // The fork's elements needed before the first output through input
        // j: its first element's, then the stage's own need of it (a
        // broadcast operand held whole, say) at the input's rate.
        double forkElements = double(elementsPerFrame(*fork));
        SmallVector<double> through;
        double latest = 0;
        for (auto [j, input] : llvm::enumerate(stage.inputs)) {
          double ratio =
              forkElements / std::max(1.0, double(elementsPerFrame(input)));
          // Nothing in the first frame's first output needs more than the
          // fork's first frame (a global pool's outputs all come at its end,
          // not at the rate the estimate assumes).
          through.push_back(
              std::min(forkElements,
                       requirementsOf(input)[*fork] +
                           double(stage.shape.firstOutputNeed[j] - 1) * ratio));
          latest = std::max(latest, through.back());
        }
        for (auto [j, input] : llvm::enumerate(stage.inputs)) {
          double lead = latest - through[j];
          stage.fifoElements[j] = int64_t(
              std::ceil(lead * double(elementsPerFrame(input)) / forkElements));
        }
      }
    }
    requirements[stage.output] = std::move(combined);
  }
}

int64_t DataflowGraph::getLatency(ArrayRef<int64_t> cycles,
                                  double period) const {
  // A stage's first output comes when its inputs have delivered what it
  // needs (at the design's pace: E elements per period) plus the time it
  // takes for one output pixel.
  llvm::DenseMap<Value, double> firstOutput;
  double latest = 0;
  for (auto [s, stage] : llvm::enumerate(stages)) {
    double start = 0;
    for (auto [j, input] : llvm::enumerate(stage.inputs)) {
      double ready = firstOutput.lookup(input);
      double elements = double(std::max<int64_t>(1, elementsPerFrame(input)));
      start =
          std::max(start, ready + double(stage.shape.firstOutputNeed[j] - 1) *
                                      period / elements);
    }
    int64_t pixels = std::max<int64_t>(1, stage.shape.outH * stage.shape.outW);
    double frameCycles = double(cycles[s]) / double(stage.shape.frames);
    double time = start + frameCycles / double(pixels);
    firstOutput[stage.output] = time;
    for (Value result : stage.op->getResults())
      firstOutput[result] = time;
    latest = std::max(latest, time);
  }
  double last = latest;
  for (Value output : outputs)
    last = std::max(last, firstOutput.lookup(output));
  return int64_t(std::ceil(last + period));
}

/// Writes every stage's shape and candidates (for scripts that evaluate the
/// cost model, such as bench/hls_dpu_validation.py).
static LogicalResult writeCosts(StringRef path,
                                const std::vector<Stage> &stages,
                                Operation *anchor) {
  llvm::json::Array array;
  for (const Stage &stage : stages) {
    const StageShape &shape = stage.shape;
    llvm::json::Array candidates;
    for (const Candidate &c : stage.candidates)
      candidates.push_back(
          llvm::json::Object{{"simd", c.simd},
                             {"pe", c.pe},
                             {"multiplier", stringifyMultiplier(c.multiplier)},
                             {"weights", stringifyWeightPlacement(c.weights)},
                             {"memory", stringifyWeightMemory(c.memory)},
                             {"row_tile", c.rowTile},
                             {"rows", stringifyWeightMemory(c.rows)},
                             {"cycles", c.cycles},
                             {"dsp", c.dsp},
                             {"bram18", c.bram18},
                             {"uram", c.uram},
                             {"lut", c.lut},
                             {"ff", c.ff},
                             {"ddr_bytes", c.ddrBytes}});
    static constexpr const char *kinds[] = {"matrix_vector", "depthwise",
                                            "pool", "elementwise"};
    array.push_back(llvm::json::Object{
        {"op", stage.op->getName().getStringRef()},
        {"kind", kinds[int(shape.kind)]},
        {"frames", shape.frames},
        {"in_channels", shape.inChannels},
        {"out_channels", shape.outChannels},
        {"groups", shape.groups},
        {"kernel", llvm::json::Array{shape.kernelH, shape.kernelW}},
        {"in_hw", llvm::json::Array{shape.inH, shape.inW}},
        {"out_hw", llvm::json::Array{shape.outH, shape.outW}},
        {"in_elements", shape.inElements},
        {"out_elements", shape.outElements},
        {"weight_elements", shape.weightElements},
        {"candidates", std::move(candidates)}});
  }
  std::error_code error;
  llvm::raw_fd_ostream os(path, error, llvm::sys::fs::OF_Text);
  if (error)
    return anchor->emitError()
           << "cannot write '" << path << "': " << error.message();
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(array))) << "\n";
  return success();
}

namespace {
struct PlanDataflowPass
    : whittle::hlscpp::impl::HLSCppPlanDataflowBase<PlanDataflowPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto deviceAttr =
        module->getAttrOfType<DeviceAttr>(HLSCppDialect::kDeviceAttrName);
    if (!deviceAttr) {
      emitError(module.getLoc()) << "no 'hlscpp.device' on the module: run "
                                    "--hlscpp-attach-device first";
      return signalPassFailure();
    }
    std::optional<Objective> goal = symbolizeObjective(objective);
    if (!goal) {
      emitError(module.getLoc())
          << "unknown objective '" << objective << "' (throughput or latency)";
      return signalPassFailure();
    }
    func::FuncOp func = getEntryFunction(module, "hlscpp-plan-dataflow");
    if (!func)
      return signalPassFailure();

    DataflowGraph graph;
    if (failed(graph.build(func)))
      return signalPassFailure();
    graph.sizeJoinFifos();

    PlanProblem problem;
    problem.device = DeviceModel::fromAttr(deviceAttr);
    problem.fixedDdrBytes = graph.getEdgeBytes();
    problem.fixedUsage = getDesignOverhead();
    for (Stage &stage : graph.stages) {
      stage.candidates =
          enumerateCandidates(stage.shape, problem.device, stage.fifoElements,
                              /*withinCaps=*/false);
      problem.stages.push_back(stage.candidates);
    }
    if (!costsFile.empty() &&
        failed(writeCosts(costsFile, graph.stages, module)))
      return signalPassFailure();
    std::optional<size_t> culprit;
    if (std::optional<std::string> why = explainInfeasible(problem, &culprit)) {
      if (culprit) {
        Operation *op = graph.stages[*culprit].op;
        op->emitOpError() << "does not fit " << deviceAttr.getName() << ": "
                          << *why;
      } else {
        emitError(module.getLoc()) << "the design does not fit "
                                   << deviceAttr.getName() << ": " << *why;
      }
      return signalPassFailure();
    }

    PlanSolution solution = solvePlan(problem, *goal, timeLimit);
    if (solution.choice.empty()) {
      if (solution.status == IntegerProgram::Status::Infeasible)
        emitError(module.getLoc())
            << "the design does not fit " << deviceAttr.getName()
            << ": every stage fits its caps at its smallest configuration, "
               "but no combination fits all caps at once";
      else
        emitError(module.getLoc())
            << "the solver found no configuration within " << timeLimit << " s";
      return signalPassFailure();
    }

    // Everything succeeded: write the answer.
    MLIRContext *context = &getContext();
    SmallVector<int64_t> cycles;
    for (auto [s, stage] : llvm::enumerate(graph.stages)) {
      const Candidate &c = stage.candidates[solution.choice[s]];
      cycles.push_back(c.cycles);
      int64_t inWidth =
          stage.shape.kind == StageKind::MatrixVector ? c.simd : c.pe;
      SmallVector<int64_t> depths;
      for (int64_t elements : stage.fifoElements)
        depths.push_back((elements + inWidth - 1) / inWidth + 2);
      stage.op->setAttr(HLSCppDialect::kStageAttrName,
                        StageAttr::get(context, c.simd, c.pe, c.multiplier,
                                       c.weights, c.memory, c.rowTile, c.rows,
                                       c.cycles, c.dsp, c.bram18, c.uram, c.lut,
                                       c.ff, c.ddrBytes, depths));
    }
    double period = getFramePeriod(problem, solution.choice);
    bool optimal = solution.status == IntegerProgram::Status::Optimal;
    module->setAttr(
        HLSCppDialect::kPlanAttrName,
        PlanAttr::get(context, *goal,
                      optimal ? PlanStatus::optimal : PlanStatus::feasible,
                      llvm::APFloat(solution.gap),
                      llvm::APFloat(solution.seconds), solution.variables,
                      solution.constraints, int64_t(std::ceil(period)),
                      graph.getLatency(cycles, period)));
  }
};
} // namespace

namespace {
struct PrintCostsPass
    : whittle::hlscpp::impl::HLSCppPrintCostsBase<PrintCostsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp func = getEntryFunction(module, "hlscpp-print-costs");
    if (!func)
      return signalPassFailure();
    DataflowGraph graph;
    if (failed(graph.build(func)))
      return signalPassFailure();
    if (simd < 1 || pe < 1 || pixels < 1 || depthwisePe < 0) {
      emitError(module.getLoc()) << "simd, pe and pixels must be at least 1";
      return signalPassFailure();
    }
    llvm::json::Array array;
    for (const Stage &stage : graph.stages) {
      const StageShape &shape = stage.shape;
      int64_t stageSimd = simd, stagePe = pe;
      if (shape.kind == StageKind::Depthwise) {
        stageSimd = 1;
        stagePe = depthwisePe ? depthwisePe : simd;
      }
      SmallVector<int64_t> noFifos(stage.inputs.size(), 0);
      Candidate cost = costCandidate(
          shape, stageSimd, stagePe, Multiplier::dsp,
          shape.hasWeights ? WeightPlacement::onchip : WeightPlacement::none,
          shape.hasWeights ? WeightMemory::bram : WeightMemory::none, 0,
          noFifos, pixels);
      int64_t kernel = shape.kernelH * shape.kernelW;
      int64_t vectors =
          shape.scatters ? shape.inH * shape.inW : shape.outH * shape.outW;
      int64_t macs = 0;
      if (shape.kind == StageKind::MatrixVector)
        macs = shape.groups * shape.outChannels * shape.inChannels * kernel *
               vectors * shape.frames;
      else if (shape.kind == StageKind::Depthwise)
        macs = shape.inChannels * kernel * vectors * shape.frames;
      static constexpr const char *kinds[] = {"matrix_vector", "depthwise",
                                              "pool", "elementwise"};
      array.push_back(llvm::json::Object{
          {"op", stage.op->getName().getStringRef()},
          {"kind", kinds[int(shape.kind)]},
          {"cycles", cost.cycles},
          {"macs", macs},
          {"weight_bytes", shape.weightElements},
          {"in_bytes", shape.inElements * shape.frames},
          {"out_bytes", shape.outElements * shape.frames * shape.outBits / 8}});
    }
    std::string text =
        llvm::formatv("{0:2}", llvm::json::Value(std::move(array))).str();
    if (file == "-") {
      llvm::outs() << text << "\n";
      return;
    }
    std::error_code error;
    llvm::raw_fd_ostream os(file, error, llvm::sys::fs::OF_Text);
    if (error) {
      emitError(module.getLoc())
          << "cannot write '" << file << "': " << error.message();
      return signalPassFailure();
    }
    os << text << "\n";
  }
};
} // namespace
