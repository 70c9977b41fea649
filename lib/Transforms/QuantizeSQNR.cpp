//===- QuantizeSQNR.cpp - per-layer error of a quantized model ------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The float model and its integer twin are compiled as one function, so
// one run gives both outputs of every layer on the same batch: the error
// is that of the whole integer path up to the layer, as deployed.
//
//===----------------------------------------------------------------------===//

#include "whittle/Transforms/QuantizeSQNR.h"

#include "whittle/Dialect/QNN/QNNBuilders.h"
#include "whittle/Support/Dataset.h"
#include "whittle/Target/CPU/CompiledModel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace whittle;

LogicalResult
whittle::measureLayerSQNR(ModuleOp module, StringRef entry,
                          ArrayRef<QuantizedLayerOutput> layers, StringRef data,
                          int64_t limit,
                          MutableArrayRef<std::optional<double>> sqnr) {
  assert(sqnr.size() == layers.size() && "one SQNR per layer");
  if (layers.empty())
    return success();
  auto fail = [&](const Twine &message) {
    return module.emitError() << "whittle-quantize: measuring the per-layer "
                                 "SQNR: "
                              << message;
  };

  IRMapping mapping;
  OwningOpRef<ModuleOp> copy = cast<ModuleOp>(module->clone(mapping));
  auto func = copy->lookupSymbol<func::FuncOp>(entry);
  auto inputType = dyn_cast<RankedTensorType>(func.getArgumentTypes()[0]);
  if (func.getNumArguments() != 1 || !inputType ||
      !inputType.hasStaticShape() || inputType.getRank() == 0)
    return fail("@" + entry +
                " must take one input of static shape [batch, "
                "...]");
  int64_t modelBatch = inputType.getDimSize(0);

  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  OpBuilder builder(ret);
  SmallVector<Value> results;
  for (const QuantizedLayerOutput &layer : layers)
    results.push_back(mapping.lookup(layer.floatValue));
  for (const QuantizedLayerOutput &layer : layers) {
    Value quantized = mapping.lookup(layer.quantizedValue);
    results.push_back(qnn::buildDequantize(builder, ret.getLoc(), quantized,
                                           {float(layer.scale)},
                                           {layer.zeroPoint}, /*axis=*/1));
  }
  auto newReturn = func::ReturnOp::create(builder, ret.getLoc(), results);
  ret.erase();
  func.removeResAttrsAttr();
  func.setType(FunctionType::get(module.getContext(), func.getArgumentTypes(),
                                 ValueRange(results).getTypes()));

  // Equal layers (two identical tables, say) become one value after CSE,
  // and the CPU pipeline cannot return one value twice: return each value
  // once and remember where each layer's outputs are.
  {
    PassManager pm(module.getContext());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    if (failed(pm.run(*copy)))
      return fail("simplifying the model with every layer exposed failed");
  }
  SmallVector<Value> unique;
  DenseMap<Value, unsigned> position;
  SmallVector<unsigned> resultOf;
  for (Value value : newReturn.getOperands()) {
    auto [it, inserted] = position.try_emplace(value, unique.size());
    if (inserted)
      unique.push_back(value);
    resultOf.push_back(it->second);
  }
  newReturn->setOperands(unique);
  func.setType(FunctionType::get(module.getContext(), func.getArgumentTypes(),
                                 ValueRange(unique).getTypes()));

  auto dataset = loadDataset(data, "", limit);
  if (!dataset)
    return fail(llvm::toString(dataset.takeError()));
  if (dataset->size() == 0 || dataset->samples.dataType != 1 ||
      dataset->getSampleShape() != inputType.getShape().drop_front())
    return fail("the samples of '" + data + "' are " +
                getONNXDataTypeName(dataset->samples.dataType) + " " +
                formatShape(dataset->samples.shape) +
                " but the model takes float32 " +
                formatShape(inputType.getShape()));

  std::unique_ptr<CompiledModel> model = CompiledModel::compile(*copy, entry);
  if (!model)
    return fail("the model with every layer's output exposed did not "
                "compile");

  size_t count = layers.size();
  SmallVector<double> signal(count, 0.0), noise(count, 0.0);
  std::vector<HostTensor> outputs;
  for (int64_t begin = 0, samples = dataset->size(); begin < samples;
       begin += modelBatch) {
    HostTensor input = dataset->getBatch(begin, modelBatch);
    int64_t rows = input.shape[0];
    // The last batch is padded with zeros, which are not counted.
    if (rows < modelBatch) {
      input.shape[0] = modelBatch;
      input.data.resize(input.getNumElements() * sizeof(float), 0);
    }
    if (auto error = model->run(input, outputs))
      return fail("running the model failed: " +
                  llvm::toString(std::move(error)));
    for (size_t i = 0; i < count; ++i) {
      const HostTensor &reference = outputs[resultOf[i]];
      const HostTensor &quantized = outputs[resultOf[count + i]];
      int64_t elements = reference.getNumElements();
      if (!reference.shape.empty() && reference.shape[0] == modelBatch)
        elements = elements / modelBatch * rows;
      auto *y = reinterpret_cast<const float *>(reference.data.data());
      auto *q = reinterpret_cast<const float *>(quantized.data.data());
      for (int64_t e = 0; e < elements; ++e) {
        double difference = double(y[e]) - double(q[e]);
        signal[i] += double(y[e]) * double(y[e]);
        noise[i] += difference * difference;
      }
    }
  }
  for (size_t i = 0; i < count; ++i)
    sqnr[i] = noise[i] == 0.0 ? std::numeric_limits<double>::infinity()
                              : 10.0 * std::log10(signal[i] / noise[i]);
  return success();
}
