//===- QNNDialect.td - integer-only layers -----------------*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_QNN_QNNDIALECT_TD
#define WHITTLE_DIALECT_QNN_QNNDIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def QNN_Dialect : Dialect {
  let name = "qnn";
  let cppNamespace = "::whittle::qnn";
  let summary = "Integer-only neural network layers";
  let description = [{
    The layers both back ends consume: every value between the model's
    input `qnn.quantize` and output `qnn.dequantize` is an integer tensor,
    and every op says exactly which integer arithmetic it performs, so the
    CPU, CUDA and HLS back ends compute the same bits.

    Activations and weights are signless `i8` holding signed values in
    [-128, 127]. An ONNX `uint8` tensor with zero point `z` is the `i8`
    tensor `q - 128` with zero point `z - 128`: the real values, the
    saturation range and every rounding are the same, so one signed type
    serves both. Accumulators and biases are `i32`.

    Products (`qnn.conv`, `qnn.conv_transpose`, `qnn.matmul`) yield the
    exact `i32` accumulator `sum (x - zx)(w - zw) + bias`; the explicit
    `qnn.requantize` then maps it to `i8`. Every rescale in the dialect is
    `round(n * M / (d * 2^shift))` with an `i32` multiplier `M`, a shift, an
    integer divisor `d` (1 except for averages and softmax) and a rounding
    mode, evaluated exactly in 64-bit arithmetic, followed by adding the
    output zero point and a clamp that also absorbs ReLU and ReLU6. The
    gemmlowp scheme uses a 31-bit multiplier; NITI's power-of-two scheme
    uses `M = 1`, a pure shift. The scalar reference of this arithmetic is
    `whittle/Dialect/QNN/QNNArithmetic.h`.

    Rounding modes: `nearest_even`, `half_away`, NITI's `pseudo_stochastic`
    (for power-of-two divisors), and, on `qnn.requantize` only, `float32`:
    the accumulator and then its product with `M` are first rounded to 24
    significant bits (ties to even), as `float(acc) * scale` rounds in
    float32, and the result to nearest even. It reproduces float
    requantization (ONNX Runtime's, and ONNX's float32 reference) for
    models whose scales are float32 numbers, whose mantissa `M` holds
    exactly.

    Data movement (reshape, transpose, flatten, pad, slice, squeeze and the
    like) does not depend on the scale, so integer models keep using the
    `nn` ops for it, on `i8` tensors: one definition of each shape rule.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def QNN_RoundingMode : I32EnumAttr<"RoundingMode",
    "how a rescale rounds the discarded fraction", [
      I32EnumAttrCase<"nearest_even", 0>,
      I32EnumAttrCase<"half_away", 1>,
      I32EnumAttrCase<"pseudo_stochastic", 2>,
      I32EnumAttrCase<"float32", 3>
    ]> {
  let cppNamespace = "::whittle::qnn";
  let genSpecializedAttr = 0;
}

// Signed integer attributes: signless IntegerAttrs as the builtin I32Attr and
// I64Attr store them (the IR prints `-3 : i32`), whose getters return the
// value sign-extended instead of I32Attr's unsigned bits. Every qnn
// attribute that can be negative or is compared as a number (zero points,
// multipliers, shifts, clamp bounds, axes) uses these.
class QNN_SignedIntegerAttr<I type, string cppType>
    : TypedSignlessIntegerAttrBase<type, cppType,
          type.bitwidth # "-bit signless integer attribute read as signed"> {
  let convertFromStorage =
      "static_cast<" # cppType # ">($_self.getValue().getSExtValue())";
}
def QNN_SignedI32Attr : QNN_SignedIntegerAttr<I32, "int32_t">;
def QNN_SignedI64Attr : QNN_SignedIntegerAttr<I64, "int64_t">;

def QNN_RoundingModeAttr : EnumAttr<QNN_Dialect, QNN_RoundingMode,
                                    "rounding"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // WHITTLE_DIALECT_QNN_QNNDIALECT_TD
