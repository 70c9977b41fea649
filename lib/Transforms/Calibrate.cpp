//===- Calibrate.cpp - record activation ranges on sample data ------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Runs a copy of the float model, with every activation made an extra
// result, on the calibration samples through the JIT, and stores the range
// each activation gets under the chosen method in the original IR.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNDialect.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/Passes.h"
#include "whittle/Dialect/QNN/QNNDialect.h"
#include "whittle/Support/Dataset.h"
#include "whittle/Target/CPU/CompiledModel.h"
#include "whittle/Transforms/Calibration.h"
#include "whittle/Transforms/EntryFunction.h"
#include "whittle/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace whittle {
#define GEN_PASS_DEF_WHITTLECALIBRATE
#include "whittle/Transforms/Passes.h.inc"
} // namespace whittle

using namespace mlir;
using namespace whittle;

namespace {

bool isFloatTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getElementType().isF32();
}

/// The values calibration observes, in a fixed walk order so that the copy
/// of the model finds the same ones: the float arguments, then the float
/// results of every op that computes on something other than constants.
SmallVector<Value> collectActivations(func::FuncOp func) {
  SmallVector<Value> values;
  for (BlockArgument argument : func.getArguments())
    if (isFloatTensor(argument.getType()))
      values.push_back(argument);
  func.walk([&](Operation *op) {
    if (op->hasTrait<OpTrait::ConstantLike>() || isa<func::ReturnOp>(op) ||
        isa<nn::NoneOp>(op))
      return;
    bool computesOnData = llvm::any_of(op->getOperands(), [](Value operand) {
      Operation *def = operand.getDefiningOp();
      return !def || !def->hasTrait<OpTrait::ConstantLike>();
    });
    if (!computesOnData)
      return;
    for (Value result : op->getResults())
      if (isFloatTensor(result.getType()))
        values.push_back(result);
  });
  return values;
}

struct CalibratePass : whittle::impl::WhittleCalibrateBase<CalibratePass> {
  using Base::Base;

  void runOnOperation() override;
};

} // namespace

void CalibratePass::runOnOperation() {
  ModuleOp module = getOperation();
  auto calibrationMethod = parseCalibrationMethod(method);
  if (!calibrationMethod) {
    module.emitError() << "whittle-calibrate: unknown method '" << method
                       << "'; use minmax, percentile, entropy or mse";
    return signalPassFailure();
  }
  if (data.empty()) {
    module.emitError() << "whittle-calibrate needs sample inputs: give "
                          "data=PATH (IDX, .pb, .npy or a folder)";
    return signalPassFailure();
  }
  func::FuncOp func = getEntryFunction(module, "whittle-calibrate");
  if (!func)
    return signalPassFailure();
  if (func.getNumArguments() != 1 ||
      !isFloatTensor(func.getArgumentTypes()[0]) ||
      !cast<RankedTensorType>(func.getArgumentTypes()[0]).hasStaticShape() ||
      cast<RankedTensorType>(func.getArgumentTypes()[0]).getRank() == 0) {
    func.emitError() << "whittle-calibrate needs one float32 input of static "
                        "shape [batch, ...] (import with --batch-size N); "
                        "@"
                     << func.getSymName() << " takes "
                     << func.getFunctionType().getInputs();
    return signalPassFailure();
  }

  // The ranges must be those of the layers quantize sees.
  {
    RewritePatternSet patterns(&getContext());
    nn::populatePrepareForQuantizePatterns(patterns);
    if (failed(applyPatternsGreedily(module, std::move(patterns))))
      return signalPassFailure();
  }

  auto inputType = cast<RankedTensorType>(func.getArgumentTypes()[0]);
  int64_t modelBatch = inputType.getDimSize(0);
  if (batch != 0 && batch != modelBatch) {
    func.emitError() << "whittle-calibrate: batch=" << batch.getValue()
                     << " differs from the model's batch dimension "
                     << modelBatch << "; import the model with --batch-size "
                     << batch.getValue() << " or leave batch at 0";
    return signalPassFailure();
  }

  auto dataset = loadDataset(data, labels, limit);
  if (!dataset) {
    module.emitError() << "whittle-calibrate: "
                       << llvm::toString(dataset.takeError());
    return signalPassFailure();
  }
  if (dataset->size() == 0 || dataset->samples.dataType != 1 ||
      dataset->getSampleShape() != inputType.getShape().drop_front()) {
    module.emitError() << "whittle-calibrate: the samples of '" << data
                       << "' are "
                       << getONNXDataTypeName(dataset->samples.dataType) << " "
                       << formatShape(dataset->samples.shape)
                       << " but the model takes float32 "
                       << formatShape(inputType.getShape())
                       << " (samples of shape "
                       << formatShape(inputType.getShape().drop_front()) << ")";
    return signalPassFailure();
  }

  SmallVector<Value> activations = collectActivations(func);

  // A copy whose results are every activation; the original keeps its
  // weights, which the copy shares through the context.
  OwningOpRef<ModuleOp> copy = module.clone();
  auto copyFunc = copy->lookupSymbol<func::FuncOp>(func.getSymName());
  SmallVector<Value> copyActivations = collectActivations(copyFunc);
  assert(copyActivations.size() == activations.size());
  for (Operation &op : llvm::make_early_inc_range(copyFunc.getBody().front()))
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      OpBuilder builder(ret);
      func::ReturnOp::create(builder, ret.getLoc(), copyActivations);
      ret.erase();
    }
  copyFunc.removeResAttrsAttr();
  copyFunc.setType(FunctionType::get(&getContext(), copyFunc.getArgumentTypes(),
                                     ValueRange(copyActivations).getTypes()));
  std::unique_ptr<CompiledModel> model =
      CompiledModel::compile(*copy, func.getSymName());
  if (!model)
    return signalPassFailure();

  SmallVector<TensorStatistics> stats(activations.size());
  int64_t samples = dataset->size();
  bool histograms = *calibrationMethod != CalibrationMethod::MinMax;
  std::vector<HostTensor> outputs;
  for (int sweep = 0; sweep < (histograms ? 2 : 1); ++sweep) {
    for (int64_t begin = 0; begin < samples; begin += modelBatch) {
      HostTensor input = dataset->getBatch(begin, modelBatch);
      int64_t rows = input.shape[0];
      // The last batch is padded with zeros; its padding is not counted.
      if (rows < modelBatch) {
        input.shape[0] = modelBatch;
        input.data.resize(input.getNumElements() * sizeof(float), 0);
      }
      if (auto error = model->run(input, outputs)) {
        module.emitError() << "whittle-calibrate: running the model failed: "
                           << llvm::toString(std::move(error));
        return signalPassFailure();
      }
      for (auto [i, output] : llvm::enumerate(outputs)) {
        int64_t count = output.getNumElements();
        if (!output.shape.empty() && output.shape[0] == modelBatch)
          count = count / modelBatch * rows;
        ArrayRef<float> values(
            reinterpret_cast<const float *>(output.data.data()), count);
        if (sweep == 0)
          stats[i].observeRange(values);
        else
          stats[i].observeHistogram(values);
      }
    }
  }

  // Store the ranges: one (min, max) pair per result of each op.
  Builder builder(&getContext());
  DenseMap<Operation *, SmallVector<double>> opRanges;
  double nan = std::numeric_limits<double>::quiet_NaN();
  for (auto [value, stat] : llvm::zip(activations, stats)) {
    auto [lo, hi] = stat.count
                        ? chooseRange(stat, *calibrationMethod, percentile)
                        : std::make_pair(0.0, 0.0);
    if (auto argument = dyn_cast<BlockArgument>(value)) {
      func.setArgAttr(argument.getArgNumber(), kRangeAttrName,
                      builder.getDenseF64ArrayAttr({lo, hi}));
      continue;
    }
    Operation *op = value.getDefiningOp();
    SmallVector<double> &ranges = opRanges[op];
    if (ranges.empty())
      ranges.assign(2 * op->getNumResults(), nan);
    unsigned index = cast<OpResult>(value).getResultNumber();
    ranges[2 * index] = lo;
    ranges[2 * index + 1] = hi;
  }
  for (auto &[op, ranges] : opRanges)
    op->setAttr(kRangeAttrName, builder.getDenseF64ArrayAttr(ranges));
  // The record is a plain dictionary on the module (no qnn op, no ODS
  // attribute): quantize's SQNR measurement reads `data` and `samples` back.
  module->setAttr(
      kCalibrationAttrName,
      builder.getDictionaryAttr(
          {builder.getNamedAttr("data", builder.getStringAttr(data)),
           builder.getNamedAttr(
               "method", builder.getStringAttr(
                             stringifyCalibrationMethod(*calibrationMethod))),
           builder.getNamedAttr("samples",
                                builder.getI64IntegerAttr(samples))}));
}
