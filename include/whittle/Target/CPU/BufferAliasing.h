//===- BufferAliasing.h - which buffers may overlap -------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The CPU passes that move memory accesses (outlining with `noalias`
// arguments, hoisting accumulator tiles out of loops) ask the same question
// of the buffers after bufferization: may two of them be the same memory?
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_CPU_BUFFERALIASING_H
#define WHITTLE_TARGET_CPU_BUFFERALIASING_H

#include "mlir/IR/Value.h"

namespace whittle {

/// The buffer `value` is a view of: an allocation, a global, or an
/// argument of the enclosing function.
mlir::Value getRootBuffer(mlir::Value value);

/// Whether two root buffers may be the same memory: the same value, the
/// same global, or two arguments of the enclosing function (the caller
/// may pass one buffer twice) of which neither is `llvm.noalias`.
bool mayAlias(mlir::Value a, mlir::Value b);

} // namespace whittle

#endif // WHITTLE_TARGET_CPU_BUFFERALIASING_H
