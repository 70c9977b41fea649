//===- NNDialect.h - nn dialect ---------------------------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_NNDIALECT_H
#define WHITTLE_DIALECT_NN_NNDIALECT_H

#include "mlir/IR/Dialect.h"

#include "whittle/Dialect/NN/NNDialect.h.inc"

#include "whittle/Dialect/NN/NNAttrs.h"

#endif // WHITTLE_DIALECT_NN_NNDIALECT_H
