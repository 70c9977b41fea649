//===- NNOps.h - nn dialect operations --------------------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_NNOPS_H
#define WHITTLE_DIALECT_NN_NNOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "whittle/Dialect/NN/NNDialect.h"

#define GET_OP_CLASSES
#include "whittle/Dialect/NN/NNOps.h.inc"

#endif // WHITTLE_DIALECT_NN_NNOPS_H
