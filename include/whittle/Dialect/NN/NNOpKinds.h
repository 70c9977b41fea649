//===- NNOpKinds.h - classes of nn ops that passes treat alike --*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_NNOPKINDS_H
#define WHITTLE_DIALECT_NN_NNOPKINDS_H

#include "mlir/IR/Operation.h"

namespace whittle::nn {

/// Ops that copy, move or select elements of their data operand (operand 0,
/// or every operand of Concat) without computing on them: reshapes,
/// transposes, slices, gathers, pads, concatenation, and Resize/Upsample
/// in `nearest` mode. Their other operands are shapes, indices, axes, pad
/// values or constant scales, so on quantized data they keep the data's
/// scale and zero point and need no integer form of their own.
bool isDataMovement(mlir::Operation *op);

} // namespace whittle::nn

#endif // WHITTLE_DIALECT_NN_NNOPKINDS_H
