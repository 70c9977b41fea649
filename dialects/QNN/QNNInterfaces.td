//===- QNNInterfaces.td - what back ends read of qnn ops ---*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The two views every back end (CPU lowering, HLS and CUDA emitters) takes of
// qnn ops: the output stage of the rescaling ops, and the window of the
// convolutions and pools. They read these through the interfaces, never by
// attribute name, so an op that gains an attribute or changes its spelling
// keeps every reader working.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_QNN_QNNINTERFACES_TD
#define WHITTLE_DIALECT_QNN_QNNINTERFACES_TD

include "mlir/IR/OpBase.td"

def QNN_OutputStageOpInterface : OpInterface<"OutputStageOpInterface"> {
  let cppNamespace = "::whittle::qnn";
  let description = [{
    An op that ends with qnn's output stage: its value `v` (an exact integer
    the op defines) becomes `clamp(round(v * M / (d * 2^shift)) +
    output_zero_point, min, max)` of its i8 result, rounded by the op's
    rounding mode, with `d` 1 or a count the op divides by.

    `getOutputMultipliers` and `getOutputShifts` hold the `M` and `shift`
    values: one each for a per-tensor rescale; one per channel along the
    op's axis for `qnn.requantize`; one multiplier per input with one shared
    shift for `qnn.add`; one multiplier and one shift per input for
    `qnn.concat`. The interface verifies what every output stage needs:
    positive multipliers (any sign for ops that combine inputs with signs),
    shifts in [-31, 62], a rounding mode the op can apply, and an output
    zero point and a non-empty clamp inside the result type's range.
  }];
  let methods = [
    InterfaceMethod<[{
        The multipliers `M` (see the description); by default the op's one
        `multiplier`.
      }], "::llvm::SmallVector<int32_t>", "getOutputMultipliers", (ins), "",
      "return {$_op.getMultiplier()};">,
    InterfaceMethod<[{
        The shifts, one per multiplier or one for all; by default the op's
        one `shift`.
      }], "::llvm::SmallVector<int32_t>", "getOutputShifts", (ins), "",
      "return {$_op.getShift()};">,
    InterfaceMethod<"How the rescale rounds.",
      "::whittle::qnn::RoundingMode", "getRounding", (ins), [{
        return $_op.getRounding();
      }]>,
    InterfaceMethod<"The zero point added after the rescale.",
      "int32_t", "getOutputZeroPoint", (ins), [{
        return $_op.getOutputZeroPoint();
      }]>,
    InterfaceMethod<"The clamp's lower bound.", "int32_t", "getMin", (ins), [{
        return $_op.getMin();
      }]>,
    InterfaceMethod<"The clamp's upper bound.", "int32_t", "getMax", (ins), [{
        return $_op.getMax();
      }]>,
    StaticInterfaceMethod<[{
        Whether the op may round as `float32`: only ops whose rescale models
        a float multiply by a scale (qnn.requantize).
      }], "bool", "canRoundAsFloat32", (ins), "", "return false;">,
    StaticInterfaceMethod<[{
        Whether the op divides by a count that need not be a power of two
        (averages, softmax), which pseudo-stochastic rounding cannot.
      }], "bool", "dividesByCount", (ins), "", "return false;">,
    StaticInterfaceMethod<[{
        Whether multipliers may be zero or negative: qnn.add's input
        multipliers carry the sign of a difference.
      }], "bool", "hasSignedMultipliers", (ins), "", "return false;">
  ];
  let verify = [{
    return ::whittle::qnn::detail::verifyOutputStage(
        ::mlir::cast<::whittle::qnn::OutputStageOpInterface>($_op));
  }];
}

def QNN_ConvLikeOpInterface : OpInterface<"ConvLikeOpInterface"> {
  let cppNamespace = "::whittle::qnn";
  let description = [{
    An op that slides a window over the spatial dimensions of an N x C x
    D... input: the convolutions and the windowed pools. Output position `o`
    of spatial dimension `i` reads input positions `o * strides[i] + k *
    dilations[i] - pads[i]` for `k` in [0, window[i]); `pads` holds every
    dimension's begin pad, then every end pad; channels form `group`
    independent groups. The ops verify these through verifyConvLike.
  }];
  let methods = [
    InterfaceMethod<"One stride per spatial dimension.",
      "::llvm::ArrayRef<int64_t>", "getStrides", (ins), [{
        return $_op.getStrides();
      }]>,
    InterfaceMethod<"The begin pads, then the end pads.",
      "::llvm::ArrayRef<int64_t>", "getPads", (ins), [{
        return $_op.getPads();
      }]>,
    InterfaceMethod<"One dilation per spatial dimension.",
      "::llvm::SmallVector<int64_t>", "getWindowDilations", (ins), "", [{
        return ::llvm::to_vector($_op.getDilations());
      }]>,
    InterfaceMethod<"The window's extent per spatial dimension.",
      "::llvm::SmallVector<int64_t>", "getWindowShape", (ins), "", [{
        return ::llvm::to_vector($_op.getKernelShape());
      }]>,
    InterfaceMethod<"The number of channel groups.", "int64_t",
      "getWindowGroup", (ins), "", "return 1;">
  ];
}

#endif // WHITTLE_DIALECT_QNN_QNNINTERFACES_TD
