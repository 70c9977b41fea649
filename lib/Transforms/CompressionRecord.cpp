//===- CompressionRecord.cpp - what compression did to a layer ------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Transforms/CompressionRecord.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace whittle;

void whittle::setCompressionRecord(Operation *op,
                                   const CompressionRecord &record) {
  Builder b(op->getContext());
  NamedAttrList fields;
  fields.append("layer", b.getStringAttr(record.layer));
  fields.append("form", b.getStringAttr(record.form));
  fields.append("ranks", b.getDenseI64ArrayAttr(record.ranks));
  fields.append("sparsity", b.getF64FloatAttr(record.sparsity));
  fields.append("params_before", b.getI64IntegerAttr(record.paramsBefore));
  fields.append("params_after", b.getI64IntegerAttr(record.paramsAfter));
  fields.append("macs_before", b.getI64IntegerAttr(record.macsBefore));
  fields.append("macs_after", b.getI64IntegerAttr(record.macsAfter));
  fields.append("relative_error", b.getF64FloatAttr(record.relativeError));
  op->setAttr(kCompressionRecordAttrName, fields.getDictionary(b.getContext()));
}

std::optional<CompressionRecord> whittle::getCompressionRecord(Operation *op) {
  auto dict = op->getAttrOfType<DictionaryAttr>(kCompressionRecordAttrName);
  if (!dict)
    return std::nullopt;
  auto layer = dict.getAs<StringAttr>("layer");
  auto form = dict.getAs<StringAttr>("form");
  auto ranks = dict.getAs<DenseI64ArrayAttr>("ranks");
  auto sparsity = dict.getAs<FloatAttr>("sparsity");
  auto paramsBefore = dict.getAs<IntegerAttr>("params_before");
  auto paramsAfter = dict.getAs<IntegerAttr>("params_after");
  auto macsBefore = dict.getAs<IntegerAttr>("macs_before");
  auto macsAfter = dict.getAs<IntegerAttr>("macs_after");
  auto error = dict.getAs<FloatAttr>("relative_error");
  if (!layer || !form || !ranks || !sparsity || !paramsBefore || !paramsAfter ||
      !macsBefore || !macsAfter || !error)
    return std::nullopt;
  CompressionRecord record;
  record.layer = layer.str();
  record.form = form.str();
  record.ranks.assign(ranks.asArrayRef().begin(), ranks.asArrayRef().end());
  record.sparsity = sparsity.getValueAsDouble();
  record.paramsBefore = paramsBefore.getInt();
  record.paramsAfter = paramsAfter.getInt();
  record.macsBefore = macsBefore.getInt();
  record.macsAfter = macsAfter.getInt();
  record.relativeError = error.getValueAsDouble();
  return record;
}
