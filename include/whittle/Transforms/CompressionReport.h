//===- CompressionReport.h - per-layer summary of compression ---*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// What compression did to a model, layer by layer, read from the
// `whittle.compression` records the passes leave (CompressionRecord.h) and
// from the IR for the layers they left alone. The pass
// `--whittle-compression-report` prints it; whittlec adds the before/after
// evaluation on validation data.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TRANSFORMS_COMPRESSIONREPORT_H
#define WHITTLE_TRANSFORMS_COMPRESSIONREPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace whittle {

struct CompressionReport {
  struct Layer {
    /// The original layer's name (the record's, or the op's NameLoc).
    std::string name;
    /// Op types of the layer's ops now, '+'-joined ("conv+conv").
    std::string ops;
    /// Shapes of the weights of each op ("64x32x3x3").
    llvm::SmallVector<std::string> weightShapes;
    /// The record's form, or "dense" for a layer left alone.
    std::string form = "dense";
    llvm::SmallVector<int64_t> ranks;
    double sparsity = 0.0;
    int64_t paramsBefore = 0, paramsAfter = 0;
    int64_t macsBefore = 0, macsAfter = 0;
    double relativeError = 0.0;
    bool compressed = false;
  };
  /// Accuracy (with labels) or output SQNR in dB (without), before and after
  /// compression, on `samples` validation samples.
  struct Evaluation {
    std::string metric; // "accuracy" or "sqnr_db"
    int64_t samples = 0;
    double before = 0.0, after = 0.0;
  };

  std::vector<Layer> layers;
  /// Whole model, including parameters and MACs outside the layers (biases
  /// of other ops, normalization parameters, ...).
  int64_t paramsBefore = 0, paramsAfter = 0;
  int64_t macsBefore = 0, macsAfter = 0;
  std::optional<Evaluation> evaluation;
};

/// Accumulates the evaluation sample by sample: with labels, the fraction
/// whose argmax (first maximum) of the original's and the compressed
/// model's output rows equals the label; without, the SQNR
/// 10 log10(sum ref^2 / sum (ref - out)^2) of the compressed output against
/// the original over all samples (infinite when they are identical).
class EvaluationAccumulator {
public:
  explicit EvaluationAccumulator(bool withLabels) : withLabels(withLabels) {}
  /// One sample: the original's and the compressed model's output rows.
  void addSample(llvm::ArrayRef<float> original,
                 llvm::ArrayRef<float> compressed, int64_t label = -1);
  CompressionReport::Evaluation finish() const;

private:
  bool withLabels;
  int64_t samples = 0, correctBefore = 0, correctAfter = 0;
  double signal = 0.0, noise = 0.0;
};

/// Collects the report of `module`'s nn ops: every op with MACs or a
/// compression record is (part of) a layer; ops carrying the same record
/// `layer` are one layer.
CompressionReport buildCompressionReport(mlir::ModuleOp module);

/// The human-readable table.
void printCompressionReport(const CompressionReport &report,
                            llvm::raw_ostream &os);

/// The report as JSON: {"layers": [...], "totals": {...}, "evaluation": ...}.
void writeCompressionReportJSON(const CompressionReport &report,
                                llvm::raw_ostream &os);

} // namespace whittle

#endif // WHITTLE_TRANSFORMS_COMPRESSIONREPORT_H
