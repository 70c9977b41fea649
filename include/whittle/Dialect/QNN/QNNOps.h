//===- QNNOps.h - integer-only layers ---------------------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_QNN_QNNOPS_H
#define WHITTLE_DIALECT_QNN_QNNOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "whittle/Dialect/QNN/QNNDialect.h"
#include "whittle/Dialect/QNN/QNNInterfaces.h"

#define GET_OP_CLASSES
#include "whittle/Dialect/QNN/QNNOps.h.inc"

#endif // WHITTLE_DIALECT_QNN_QNNOPS_H
