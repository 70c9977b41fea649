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

/// How qnn.resize `op` samples spatial axis `axis` with integer weights of
/// its `fraction_bits` bits: per tap, the input index and the weight of each
/// output position. The last tap takes what rounding left of 2^bits, so the
/// weights of a position sum to one exactly. The one definition of the
/// op's taps: the CPU lowering and the HLS emitter both read it.
struct IntegerAxisSampling {
  llvm::SmallVector<llvm::SmallVector<int64_t>> indices; // [tap][output]
  llvm::SmallVector<llvm::SmallVector<int64_t>> weights; // [tap][output]
};
IntegerAxisSampling getIntegerAxisSampling(ResizeOp op, int64_t axis);

} // namespace whittle::qnn

#endif // WHITTLE_DIALECT_QNN_QNNRESIZE_H
