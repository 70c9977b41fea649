//===- CompressionReport.cpp - per-layer summary of compression -----------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The report needs no knowledge of the compression passes: a layer's
// numbers come from its `whittle.compression` record when it has one, and
// from the IR (weights and nn::countMACs) when it was left alone. Model
// totals are the IR's own count with each compressed layer's dense count
// replaced by its record.
//
//===----------------------------------------------------------------------===//

#include "whittle/Transforms/CompressionReport.h"

#include "whittle/Dialect/NN/LayerName.h"
#include "whittle/Dialect/NN/ModelSummary.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Transforms/CompressionRecord.h"
#include "whittle/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace whittle {
#define GEN_PASS_DEF_COMPRESSIONREPORT
#include "whittle/Transforms/Passes.h.inc"
} // namespace whittle

using namespace mlir;
using namespace whittle;

/// Parameters are float or quantized weights; i64 shapes and axes and i1
/// masks are not (as in nn::summarizeModel).
static int64_t countParameters(nn::ConstantOp constant) {
  auto type = cast<ShapedType>(constant.getType());
  Type element = type.getElementType();
  if (element.isInteger(64) || element.isInteger(1) || !type.hasStaticShape())
    return 0;
  return type.getNumElements();
}

static std::string shapeString(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasRank())
    return "?";
  SmallVector<std::string> dims;
  for (int64_t d : shaped.getShape())
    dims.push_back(ShapedType::isDynamic(d) ? "?" : std::to_string(d));
  return dims.empty() ? "scalar" : llvm::join(dims, "x");
}

CompressionReport whittle::buildCompressionReport(ModuleOp module) {
  CompressionReport report;
  llvm::StringMap<size_t> byRecord; // record layer -> index in layers
  // What the IR itself counts for each recorded layer's ops (dense weight
  // elements and MACs), to swap for the record's numbers in the totals.
  llvm::SmallVector<int64_t> recordIRParams, recordIRMacs;
  unsigned index = 0;

  module.walk([&](Operation *op) {
    if (!isa_and_nonnull<nn::NNDialect>(op->getDialect()) ||
        isa<nn::ConstantOp, nn::NoneOp>(op))
      return;
    std::optional<CompressionRecord> record = getCompressionRecord(op);
    if (!record && op->hasAttr(kCompressionRecordAttrName))
      op->emitWarning()
          << "'" << kCompressionRecordAttrName
          << "' is not a #nn.compression record; the op is reported as "
             "uncompressed";
    int64_t macs = nn::countMACs(op);
    if (!record && macs == 0)
      return;
    ++index;
    // A layer's parameters are its weight (operand 1), as the records count
    // them; biases and other constants count in the model totals only.
    int64_t params = 0;
    std::string weights;
    if (op->getNumOperands() > 1)
      if (auto constant = op->getOperand(1).getDefiningOp<nn::ConstantOp>()) {
        params = countParameters(constant);
        weights = shapeString(constant.getType());
      }

    std::string opType = op->getName().stripDialect().str();
    if (record) {
      auto [it, inserted] =
          byRecord.try_emplace(record->layer, report.layers.size());
      if (inserted) {
        CompressionReport::Layer layer;
        layer.name = record->layer;
        layer.form = record->form;
        layer.ranks = record->ranks;
        layer.sparsity = record->sparsity;
        layer.paramsBefore = record->paramsBefore;
        layer.paramsAfter = record->paramsAfter;
        layer.macsBefore = record->macsBefore;
        layer.macsAfter = record->macsAfter;
        layer.relativeError = record->relativeError;
        layer.compressed = true;
        layer.ops = opType;
        report.layers.push_back(std::move(layer));
        recordIRParams.resize(report.layers.size());
        recordIRMacs.resize(report.layers.size());
      } else {
        report.layers[it->second].ops += "+" + opType;
      }
      if (!weights.empty())
        report.layers[it->second].weightShapes.push_back(weights);
      recordIRParams[it->second] += params;
      recordIRMacs[it->second] += macs;
      return;
    }
    CompressionReport::Layer layer;
    // Unnamed (hand-written) ops get `<op>_<index>`: a table cell has no
    // room for describeLayer's `nn.conv at file:line:col`.
    std::optional<StringRef> name = nn::getLayerName(op->getLoc());
    layer.name =
        name ? name->str()
             : (op->getName().stripDialect() + "_" + Twine(index)).str();
    layer.ops = opType;
    if (!weights.empty())
      layer.weightShapes.push_back(weights);
    layer.paramsBefore = layer.paramsAfter = params;
    layer.macsBefore = layer.macsAfter = macs;
    report.layers.push_back(std::move(layer));
  });

  // After: what the IR holds, except that recorded layers count as their
  // records say (a sparsified weight is stored dense but counts its
  // nonzeros). Before: after, with each recorded layer's change undone.
  nn::ModelSummary summary = nn::summarizeModel(module);
  report.paramsAfter = summary.parameters;
  report.macsAfter = summary.macs;
  for (auto [i, layer] : llvm::enumerate(report.layers)) {
    if (!layer.compressed)
      continue;
    report.paramsAfter += layer.paramsAfter - recordIRParams[i];
    report.macsAfter += layer.macsAfter - recordIRMacs[i];
  }
  report.paramsBefore = report.paramsAfter;
  report.macsBefore = report.macsAfter;
  for (const CompressionReport::Layer &layer : report.layers) {
    report.paramsBefore += layer.paramsBefore - layer.paramsAfter;
    report.macsBefore += layer.macsBefore - layer.macsAfter;
  }
  return report;
}

void EvaluationAccumulator::addSample(llvm::ArrayRef<float> original,
                                      llvm::ArrayRef<float> compressed,
                                      int64_t label) {
  assert(original.size() == compressed.size() && "rows differ in size");
  ++samples;
  if (withLabels) {
    auto argmax = [](llvm::ArrayRef<float> row) {
      return std::max_element(row.begin(), row.end()) - row.begin();
    };
    correctBefore += argmax(original) == label;
    correctAfter += argmax(compressed) == label;
  }
  for (auto [r, c] : llvm::zip(original, compressed)) {
    double d = static_cast<double>(r) - c;
    signal += static_cast<double>(r) * r;
    noise += d * d;
  }
}

CompressionReport::Evaluation EvaluationAccumulator::finish() const {
  CompressionReport::Evaluation evaluation;
  evaluation.samples = samples;
  if (withLabels) {
    evaluation.metric = "accuracy";
    evaluation.before =
        samples ? static_cast<double>(correctBefore) / samples : 0.0;
    evaluation.after =
        samples ? static_cast<double>(correctAfter) / samples : 0.0;
    return evaluation;
  }
  // The original against itself has no noise: only `after` says anything.
  evaluation.metric = "sqnr_db";
  evaluation.before = std::numeric_limits<double>::infinity();
  evaluation.after = noise == 0 ? std::numeric_limits<double>::infinity()
                                : 10 * std::log10(signal / noise);
  return evaluation;
}

static double ratio(int64_t after, int64_t before) {
  return before ? static_cast<double>(after) / before : 1.0;
}

static std::string formatDetail(const CompressionReport::Layer &layer) {
  std::string detail;
  if (!layer.ranks.empty())
    detail =
        "rank " +
        llvm::join(llvm::map_range(layer.ranks,
                                   [](int64_t r) { return std::to_string(r); }),
                   ",");
  if (layer.sparsity > 0) {
    if (!detail.empty())
      detail += " ";
    detail += llvm::formatv("{0:F1}% zero", layer.sparsity * 100).str();
  }
  return detail.empty() ? "-" : detail;
}

void whittle::printCompressionReport(const CompressionReport &report,
                                     llvm::raw_ostream &os) {
  size_t nameWidth = 5, opsWidth = 2, weightsWidth = 7, formWidth = 4;
  for (const CompressionReport::Layer &layer : report.layers) {
    nameWidth = std::max(nameWidth, layer.name.size());
    opsWidth = std::max(opsWidth, layer.ops.size());
    weightsWidth =
        std::max(weightsWidth, llvm::join(layer.weightShapes, ", ").size());
    formWidth = std::max(formWidth, layer.form.size());
  }
  auto row = [&](StringRef name, StringRef ops, StringRef weights,
                 StringRef form, StringRef detail, StringRef params,
                 StringRef macs, StringRef error) {
    os << llvm::left_justify(name, nameWidth) << "  "
       << llvm::left_justify(ops, opsWidth) << "  "
       << llvm::left_justify(weights, weightsWidth) << "  "
       << llvm::left_justify(form, formWidth) << "  "
       << llvm::left_justify(detail, 16) << "  "
       << llvm::right_justify(params, 23) << "  "
       << llvm::right_justify(macs, 27) << "  " << llvm::right_justify(error, 9)
       << "\n";
  };
  row("layer", "op", "weights", "form", "ranks/sparsity",
      "params before -> after", "MACs before -> after", "rel.error");
  for (const CompressionReport::Layer &layer : report.layers) {
    std::string params =
        llvm::formatv("{0} -> {1}", layer.paramsBefore, layer.paramsAfter);
    std::string macs =
        llvm::formatv("{0} -> {1}", layer.macsBefore, layer.macsAfter);
    std::string error = layer.compressed
                            ? llvm::formatv("{0:E2}", layer.relativeError).str()
                            : "-";
    row(layer.name, layer.ops, llvm::join(layer.weightShapes, ", "), layer.form,
        formatDetail(layer), params, macs, error);
  }
  int64_t compressed = llvm::count_if(
      report.layers, [](const auto &layer) { return layer.compressed; });
  os << llvm::formatv("layers: {0}, compressed: {1}\n", report.layers.size(),
                      compressed);
  os << llvm::formatv("parameters: {0} -> {1} ({2:F3}x, {3:F2}x smaller)\n",
                      report.paramsBefore, report.paramsAfter,
                      ratio(report.paramsAfter, report.paramsBefore),
                      ratio(report.paramsBefore, report.paramsAfter));
  os << llvm::formatv("MACs: {0} -> {1} ({2:F3}x, {3:F2}x fewer)\n",
                      report.macsBefore, report.macsAfter,
                      ratio(report.macsAfter, report.macsBefore),
                      ratio(report.macsBefore, report.macsAfter));
  if (const auto &eval = report.evaluation) {
    if (eval->metric == "accuracy")
      os << llvm::formatv("accuracy on {0} samples: {1:F2}% -> {2:F2}%\n",
                          eval->samples, eval->before * 100, eval->after * 100);
    else if (std::isinf(eval->after))
      os << llvm::formatv("output SQNR vs the original on {0} samples: "
                          "infinite (identical outputs)\n",
                          eval->samples);
    else
      os << llvm::formatv("output SQNR vs the original on {0} samples: "
                          "{1:F2} dB\n",
                          eval->samples, eval->after);
  }
}

void whittle::writeCompressionReportJSON(const CompressionReport &report,
                                         llvm::raw_ostream &os) {
  llvm::json::Array layers;
  for (const CompressionReport::Layer &layer : report.layers) {
    llvm::json::Array shapes;
    for (const std::string &shape : layer.weightShapes)
      shapes.push_back(shape);
    layers.push_back(llvm::json::Object{
        {"name", layer.name},
        {"ops", layer.ops},
        {"weight_shapes", std::move(shapes)},
        {"form", layer.form},
        {"compressed", layer.compressed},
        {"ranks", llvm::json::Array(layer.ranks)},
        {"sparsity", layer.sparsity},
        {"params_before", layer.paramsBefore},
        {"params_after", layer.paramsAfter},
        {"macs_before", layer.macsBefore},
        {"macs_after", layer.macsAfter},
        {"relative_error", layer.relativeError},
    });
  }
  llvm::json::Object root{
      {"layers", std::move(layers)},
      {"totals",
       llvm::json::Object{
           {"params_before", report.paramsBefore},
           {"params_after", report.paramsAfter},
           {"macs_before", report.macsBefore},
           {"macs_after", report.macsAfter},
           {"params_ratio", ratio(report.paramsAfter, report.paramsBefore)},
           {"macs_ratio", ratio(report.macsAfter, report.macsBefore)},
       }},
  };
  // JSON has no infinity: an SQNR without noise is written as null.
  auto number = [](double v) -> llvm::json::Value {
    if (std::isfinite(v))
      return v;
    return nullptr;
  };
  if (const auto &eval = report.evaluation)
    root["evaluation"] = llvm::json::Object{{"metric", eval->metric},
                                            {"samples", eval->samples},
                                            {"before", number(eval->before)},
                                            {"after", number(eval->after)}};
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
}

namespace {
struct CompressionReportPass
    : whittle::impl::CompressionReportBase<CompressionReportPass> {
  using Base::Base;
  void runOnOperation() override {
    CompressionReport report = buildCompressionReport(getOperation());
    printCompressionReport(report, llvm::outs());
    if (!jsonPath.empty()) {
      std::error_code error;
      llvm::ToolOutputFile file(jsonPath, error, llvm::sys::fs::OF_Text);
      if (error) {
        getOperation().emitError() << "cannot write the compression report to '"
                                   << jsonPath << "': " << error.message();
        return signalPassFailure();
      }
      writeCompressionReportJSON(report, file.os());
      file.keep();
    }
    markAllAnalysesPreserved();
  }
};
} // namespace
