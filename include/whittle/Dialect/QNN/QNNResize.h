//===- QNNResize.h - qnn.resize for an nn.resize ----------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_QNN_QNNRESIZE_H
#define WHITTLE_DIALECT_QNN_QNNRESIZE_H

#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/QNN/QNNOps.h"

#include <string>

namespace whittle::qnn {

/// The qnn.resize computing `resize` (an ONNX Resize over the spatial
/// dimensions with constant scales or a static result) on `x`, its data in
/// i8, with `rounding`; or failure with the reason in `reason`.
mlir::FailureOr<ResizeOp> buildResize(mlir::OpBuilder &b, nn::ResizeOp resize,
                                      mlir::Value x, RoundingMode rounding,
                                      std::string &reason);

} // namespace whittle::qnn

#endif // WHITTLE_DIALECT_QNN_QNNRESIZE_H
