//===- QNNDialect.h - integer-only layers -----------------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_QNN_QNNDIALECT_H
#define WHITTLE_DIALECT_QNN_QNNDIALECT_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/Dialect.h"

#include "whittle/Dialect/QNN/QNNDialect.h.inc"
#include "whittle/Dialect/QNN/QNNEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "whittle/Dialect/QNN/QNNAttrs.h.inc"

#endif // WHITTLE_DIALECT_QNN_QNNDIALECT_H
