//===- CompressionRecord.h - what compression did to a layer ----*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Factorize and sparsify leave on every op they create or change a record of
// what they did to the original layer, as the discardable attribute
// `whittle.compression` (nn::CompressionRecordAttr, dialects/NN/NNAttrs.td,
// whose verifier checks it). The compression report reads these records back,
// grouping the ops of one factorized layer by `layer`, so the report needs
// no knowledge of the passes and the IR alone says what was decided.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TRANSFORMS_COMPRESSIONRECORD_H
#define WHITTLE_TRANSFORMS_COMPRESSIONRECORD_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace whittle {

/// One layer's compression. A factorized layer's two or three ops carry the
/// same record; a second pass (sparsify after factorize) replaces `form` by
/// a '+'-joined list and updates the counts.
struct CompressionRecord {
  /// Name of the original layer (the ONNX node name, or its location).
  std::string layer;
  /// "tucker2", "channel-svd", "svd", "mask-unstructured", "mask-n:m",
  /// "mask-block", "mask-channel", or several joined by '+'.
  std::string form;
  /// Ranks chosen (Tucker-2: {R3, R4}; SVD: {R}); empty for masks.
  llvm::SmallVector<int64_t> ranks;
  /// Fraction of the layer's weights that are zero after the pass.
  double sparsity = 0.0;
  int64_t paramsBefore = 0, paramsAfter = 0;
  int64_t macsBefore = 0, macsAfter = 0;
  /// ||W - W'||_F / ||W||_F of the layer's effective weights.
  double relativeError = 0.0;
};

/// The attribute name the record is stored under.
constexpr llvm::StringLiteral kCompressionRecordAttrName =
    "whittle.compression";

void setCompressionRecord(mlir::Operation *op, const CompressionRecord &record);
/// nullopt if the attribute is absent or not an nn::CompressionRecordAttr.
std::optional<CompressionRecord> getCompressionRecord(mlir::Operation *op);

} // namespace whittle

#endif // WHITTLE_TRANSFORMS_COMPRESSIONRECORD_H
