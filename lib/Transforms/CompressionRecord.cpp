//===- CompressionRecord.cpp - what compression did to a layer ------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Transforms/CompressionRecord.h"

#include "whittle/Dialect/NN/NNAttrs.h"

using namespace mlir;
using namespace whittle;

void whittle::setCompressionRecord(Operation *op,
                                   const CompressionRecord &record) {
  op->setAttr(kCompressionRecordAttrName,
              nn::CompressionRecordAttr::get(
                  op->getContext(), record.layer, record.form, record.ranks,
                  APFloat(record.sparsity), record.paramsBefore,
                  record.paramsAfter, record.macsBefore, record.macsAfter,
                  APFloat(record.relativeError)));
}

std::optional<CompressionRecord> whittle::getCompressionRecord(Operation *op) {
  auto attr =
      op->getAttrOfType<nn::CompressionRecordAttr>(kCompressionRecordAttrName);
  if (!attr)
    return std::nullopt;
  CompressionRecord record;
  record.layer = attr.getLayer().str();
  record.form = attr.getForm().str();
  record.ranks.assign(attr.getRanks().begin(), attr.getRanks().end());
  record.sparsity = attr.getSparsity().convertToDouble();
  record.paramsBefore = attr.getParamsBefore();
  record.paramsAfter = attr.getParamsAfter();
  record.macsBefore = attr.getMacsBefore();
  record.macsAfter = attr.getMacsAfter();
  record.relativeError = attr.getRelativeError().convertToDouble();
  return record;
}
