//===- NNAttrs.h - nn dialect attributes ------------------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The sparsity pattern (`whittle.sparsity`) and compression record
// (`whittle.compression`) attributes of dialects/NN/NNAttrs.td.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_NNATTRS_H
#define WHITTLE_DIALECT_NN_NNATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpImplementation.h"

#include "whittle/Dialect/NN/NNEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "whittle/Dialect/NN/NNAttrs.h.inc"

#endif // WHITTLE_DIALECT_NN_NNATTRS_H
