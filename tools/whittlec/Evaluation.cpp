//===- Evaluation.cpp - whittlec's before/after compression check ---------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "Evaluation.h"

#include "whittle/Target/CPU/CompiledModel.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace whittle;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

namespace {
/// One model compiled from a clone; the clone stays alive beside it.
struct Compiled {
  OwningOpRef<ModuleOp> module;
  std::unique_ptr<CompiledModel> model;
};
} // namespace

static llvm::Expected<Compiled> compileClone(ModuleOp module,
                                             llvm::StringRef which) {
  Compiled compiled;
  compiled.module = module.clone();
  compiled.model = CompiledModel::compile(*compiled.module);
  if (!compiled.model)
    return makeError("cannot compile the " + which +
                     " model for evaluation (see the error above)");
  return compiled;
}

/// Checks that `model` takes one input of `data`'s samples, batched.
static llvm::Error checkSignature(const CompiledModel &model,
                                  const Dataset &data) {
  if (model.getInputs().size() != 1)
    return makeError(llvm::formatv(
        "validation data feeds models with one input; this one has {0}",
        model.getInputs().size()));
  if (model.getOutputs().empty() || model.getOutputs()[0].dataType != 1)
    return makeError("evaluation reads output 0 as float32; this model's "
                     "output 0 is not float32");
  const TensorSpec &input = model.getInputs()[0];
  llvm::ArrayRef<int64_t> shape(input.shape);
  if (shape.empty() || shape.drop_front() != data.getSampleShape() ||
      input.dataType != data.samples.dataType)
    return makeError(llvm::formatv(
        "validation samples are {0} {1} but the model's input '{2}' is {3} "
        "{4} (dimension 0 is the batch; choose it with --batch-size)",
        getONNXDataTypeName(data.samples.dataType),
        formatShape(data.getSampleShape()), input.name,
        getONNXDataTypeName(input.dataType), formatShape(shape)));
  const TensorSpec &output = model.getOutputs()[0];
  if (output.shape.empty() || output.shape[0] != shape[0])
    return makeError(llvm::formatv(
        "output '{0}' has shape {1}; evaluation needs the batch as its "
        "dimension 0",
        output.name, formatShape(output.shape)));
  return llvm::Error::success();
}

llvm::Expected<CompressionReport::Evaluation>
whittle::evaluateCompression(ModuleOp original, ModuleOp compressed,
                             const Dataset &data) {
  if (data.size() == 0)
    return makeError("the validation data holds no samples");
  llvm::Expected<Compiled> before = compileClone(original, "original");
  if (!before)
    return before.takeError();
  llvm::Expected<Compiled> after = compileClone(compressed, "compressed");
  if (!after)
    return after.takeError();
  for (const Compiled *compiled : {&*before, &*after})
    if (llvm::Error error = checkSignature(*compiled->model, data))
      return error;

  const TensorSpec &input = before->model->getInputs()[0];
  int64_t batch = input.shape[0];
  int64_t perSample = before->model->getOutputs()[0].getNumElements() /
                      std::max<int64_t>(batch, 1);
  if (perSample != after->model->getOutputs()[0].getNumElements() / batch)
    return makeError("the original and the compressed model's output 0 "
                     "differ in size");

  const std::vector<int64_t> *labels = data.labels ? &*data.labels : nullptr;
  EvaluationAccumulator accumulator(labels != nullptr);
  for (int64_t begin = 0; begin < data.size(); begin += batch) {
    HostTensor inputs = data.getBatch(begin, batch);
    int64_t count = inputs.shape[0];
    // The last batch is padded with zeros to the compiled batch size.
    inputs.shape[0] = batch;
    inputs.data.resize(input.getByteSize(), 0);
    std::vector<HostTensor> outBefore, outAfter;
    if (llvm::Error error = before->model->run({inputs}, outBefore))
      return error;
    if (llvm::Error error = after->model->run({inputs}, outAfter))
      return error;
    const float *ref =
        reinterpret_cast<const float *>(outBefore[0].data.data());
    const float *out = reinterpret_cast<const float *>(outAfter[0].data.data());
    for (int64_t i = 0; i < count; ++i)
      accumulator.addSample(llvm::ArrayRef(ref + i * perSample, perSample),
                            llvm::ArrayRef(out + i * perSample, perSample),
                            labels ? (*labels)[begin + i] : -1);
  }
  return accumulator.finish();
}
