//===- QNNOps.td - integer-only layers ---------------------*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_QNN_QNNOPS_TD
#define WHITTLE_DIALECT_QNN_QNNOPS_TD

include "QNN/QNNDialect.td"
include "QNN/QNNInterfaces.td"

def QNN_I8Tensor : RankedTensorOf<[I8]>;
def QNN_I32Tensor : RankedTensorOf<[I32]>;
def QNN_I8OrI32Tensor : RankedTensorOf<[I8, I32]>;
def QNN_FloatTensor : RankedTensorOf<[F32, F16, BF16]>;

class QNN_Op<string mnemonic, list<Trait> traits = []>
    : Op<QNN_Dialect, mnemonic, !listconcat(traits, [Pure])> {
  let assemblyFormat =
      "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

// The element types of qnn results, C++ in `context`.
defvar QNN_I8 = "::mlir::IntegerType::get(context, 8)";
defvar QNN_I32 = "::mlir::IntegerType::get(context, 32)";
defvar QNN_F32 = "::mlir::Float32Type::get(context)";

// The result shapes of qnn ops, C++ in `location` and `adaptor`: the op's
// own inference in C++, or its input `x`'s shape.
defvar QNN_InferredShape = "inferResultShape(location, adaptor)";
defvar QNN_ShapeOfX = "getShapeOf(adaptor.getX())";

// An op with one result of element type `resultElement` (i8 unless the op
// says otherwise) and the shape `resultShape` (a FailureOr<SmallVector>),
// by default the op's
//   static FailureOr<SmallVector<int64_t>>
//   inferResultShape(std::optional<Location>, Adaptor)
// that reports through the location, as inferReturnTypes does. The
// interface's inferReturnTypes is written here once. `extraDefinition` is
// the op family's further C++.
class QNN_InferredOp<string mnemonic, list<Trait> traits = []>
    : QNN_Op<mnemonic, !listconcat(traits, [InferTypeOpAdaptor])> {
  string resultElement = QNN_I8;
  string resultShape = QNN_InferredShape;
  code extraDefinition = "";
  let extraClassDeclaration = !if(!eq(resultShape, QNN_InferredShape), [{
    static ::mlir::FailureOr<::llvm::SmallVector<int64_t>>
    inferResultShape(std::optional<::mlir::Location> location,
                     Adaptor adaptor);
  }], "");
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> location,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      ::mlir::FailureOr<::llvm::SmallVector<int64_t>> shape = }] #
      resultShape # [{;
      if (::mlir::failed(shape))
        return ::mlir::failure();
      types.push_back(::mlir::RankedTensorType::get(*shape, }] #
      resultElement # [{));
      return ::mlir::success();
    }
  }] # extraDefinition;
}

// An op ending with the output stage; `overrides` names the
// OutputStageOpInterface methods whose defaults it replaces.
class QNN_RescalingOp<string mnemonic, list<string> overrides = [],
                      list<Trait> traits = []>
    : QNN_InferredOp<mnemonic, !listconcat(traits, [
          DeclareOpInterfaceMethods<QNN_OutputStageOpInterface, overrides>])>;

// qnn.add and qnn.mul: two broadcast i8 operands `a` and `b` with zero
// points, one shape rule and one zero-point check.
class QNN_BinaryRescalingOp<string mnemonic, list<string> overrides = []>
    : QNN_RescalingOp<mnemonic, overrides> {
  let resultShape = "inferBroadcastShape(location, adaptor.getA().getType(), "
                    "adaptor.getB().getType())";
  let extraDefinition = [{
    ::llvm::LogicalResult $cppClass::verify() {
      return verifyInputZeroPoints(*this, getAZeroPoint(), getBZeroPoint());
    }
  }];
}

// An op that slides a window (see ConvLikeOpInterface).
class QNN_WindowOp<string mnemonic, list<string> overrides = [],
                   list<Trait> traits = []>
    : QNN_InferredOp<mnemonic, !listconcat(traits, [
          DeclareOpInterfaceMethods<QNN_ConvLikeOpInterface, overrides>])>;

// The output stage every rescaling op ends with: add the output zero point,
// then clamp to [min, max] (a subrange of i8 absorbs ReLU and ReLU6). The
// ops read it through OutputStageOpInterface.
defvar QNN_OutputStage = (ins
    DefaultValuedAttr<QNN_SignedI32Attr, "0">:$output_zero_point,
    DefaultValuedAttr<QNN_SignedI32Attr, "-128">:$min,
    DefaultValuedAttr<QNN_SignedI32Attr, "127">:$max);

defvar QNN_Rounding = (ins
    DefaultValuedAttr<QNN_RoundingModeAttr,
                      "::whittle::qnn::RoundingMode::nearest_even">:$rounding);

//===----------------------------------------------------------------------===//
// Boundary
//===----------------------------------------------------------------------===//

def QNN_QuantizeOp : QNN_InferredOp<"quantize"> {
  let summary = "Float to i8 at the model's input";
  let description = [{
    `y = clamp(round(x / scale) + zero_point, -128, 127)`, per tensor (one
    scale) or per channel along `axis`. The only op that reads floats;
    verify-integer-only accepts it on function arguments only.
  }];
  let arguments = !con((ins QNN_FloatTensor:$x,
      DenseF32ArrayAttr:$scale, DenseI32ArrayAttr:$zero_point,
      DefaultValuedAttr<QNN_SignedI64Attr, "1">:$axis), QNN_Rounding);
  let results = (outs QNN_I8Tensor:$y);
  let resultShape = QNN_ShapeOfX;
}

def QNN_DequantizeOp : QNN_InferredOp<"dequantize"> {
  let summary = "i8 or i32 to f32 at the model's output";
  let description = [{
    `y = (x - zero_point) * scale`, per tensor or per channel along `axis`.
    The only op that writes floats; verify-integer-only accepts it when
    every use is a function return.
  }];
  let arguments = (ins QNN_I8OrI32Tensor:$x,
      DenseF32ArrayAttr:$scale, DenseI32ArrayAttr:$zero_point,
      DefaultValuedAttr<QNN_SignedI64Attr, "1">:$axis);
  let results = (outs RankedTensorOf<[F32]>:$y);
  let resultShape = QNN_ShapeOfX;
  let resultElement = QNN_F32;
}

//===----------------------------------------------------------------------===//
// Products: exact i32 accumulators
//===----------------------------------------------------------------------===//

def QNN_ConvOp : QNN_WindowOp<"conv", ["getWindowShape", "getWindowGroup"]> {
  let summary = "Integer convolution, i8 x i8 -> i32";
  let description = [{
    `y[n, m, o...] = bias[m] + sum_{c, k...} (x[n, g*C/group + c, o*s + k*d
    - pad_begin] - input_zero_point) * (w[m, c, k...] - weight_zero_point[m])`
    over `x` (N x C x D...) and `w` (M x C/group x K...). Padded positions
    hold `input_zero_point`, i.e. the real value 0. `weight_zero_point` has
    one element (per tensor) or M (per output channel). `pads`, `strides`
    and `dilations` are explicit (ONNX's auto_pad is resolved before). The
    weights may carry a `whittle.sparsity` pattern.
  }];
  let arguments = (ins QNN_I8Tensor:$x, QNN_I8Tensor:$w,
      Optional<QNN_I32Tensor>:$bias,
      DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
      DenseI64ArrayAttr:$pads,
      DefaultValuedAttr<QNN_SignedI64Attr, "1">:$group,
      DefaultValuedAttr<QNN_SignedI32Attr, "0">:$input_zero_point,
      DenseI32ArrayAttr:$weight_zero_point);
  let results = (outs QNN_I32Tensor:$y);
  let resultElement = QNN_I32;
}

def QNN_ConvTransposeOp : QNN_WindowOp<"conv_transpose",
    ["getWindowShape", "getWindowGroup"]> {
  let summary = "Integer transposed convolution, i8 x i8 -> i32";
  let description = [{
    ONNX ConvTranspose on zero-point-corrected integers: every input element
    `(x - input_zero_point)` scatters `(w - weight_zero_point)` (w is
    C x M/group x K...) into the output, cropped by `pads`, plus `bias`. The
    spatial size is `strides * (in - 1) + output_padding + (K - 1) *
    dilations + 1 - pad_begin - pad_end`. `weight_zero_point` has one
    element or M.
  }];
  let arguments = (ins QNN_I8Tensor:$x, QNN_I8Tensor:$w,
      Optional<QNN_I32Tensor>:$bias,
      DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
      DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$output_padding,
      DefaultValuedAttr<QNN_SignedI64Attr, "1">:$group,
      DefaultValuedAttr<QNN_SignedI32Attr, "0">:$input_zero_point,
      DenseI32ArrayAttr:$weight_zero_point);
  let results = (outs QNN_I32Tensor:$y);
  let resultElement = QNN_I32;
}

def QNN_MatMulOp : QNN_InferredOp<"matmul"> {
  let summary = "Integer matrix product, i8 x i8 -> i32";
  let description = [{
    numpy.matmul of `(a - a_zero_point)` and `(b - b_zero_point)` plus the
    optional `bias` (N), broadcast over the last dimension. `b_zero_point`
    has one element or N (per output column).
  }];
  let arguments = (ins QNN_I8Tensor:$a, QNN_I8Tensor:$b,
      Optional<QNN_I32Tensor>:$bias,
      DefaultValuedAttr<QNN_SignedI32Attr, "0">:$a_zero_point,
      DenseI32ArrayAttr:$b_zero_point);
  let results = (outs QNN_I32Tensor:$y);
  let resultElement = QNN_I32;
}

//===----------------------------------------------------------------------===//
// Rescaling
//===----------------------------------------------------------------------===//

def QNN_RequantizeOp : QNN_RescalingOp<"requantize", [
    "getOutputMultipliers", "getOutputShifts", "canRoundAsFloat32"]> {
  let summary = "i32 accumulator to i8";
  let description = [{
    `y = clamp(round(x * multiplier / 2^shift) + output_zero_point, min,
    max)`, evaluated exactly (64-bit product), per tensor (one multiplier
    and shift) or per channel along `axis`. `multiplier` is positive;
    `shift` in [-31, 62], negative meaning a left shift. The gemmlowp scheme
    has `multiplier` in [2^30, 2^31) and `shift = 31 + n`; NITI's `pow2`
    scheme has `multiplier = 1`.
  }];
  let arguments = !con((ins QNN_I8OrI32Tensor:$x,
      DenseI32ArrayAttr:$multiplier, DenseI32ArrayAttr:$shift,
      DefaultValuedAttr<QNN_SignedI64Attr, "1">:$axis), QNN_Rounding,
      QNN_OutputStage);
  let results = (outs QNN_I8Tensor:$y);
  let resultShape = QNN_ShapeOfX;
  let hasFolder = 1;
}

def QNN_AddOp : QNN_BinaryRescalingOp<"add", [
    "getOutputMultipliers", "getOutputShifts", "hasSignedMultipliers"]> {
  let summary = "Elementwise sum with rescale";
  let description = [{
    `y = clamp(round(((a - a_zero_point) * a_multiplier + (b - b_zero_point)
    * b_multiplier) / 2^shift) + output_zero_point, min, max)` with numpy
    broadcasting. A negative `b_multiplier` makes it a difference.
  }];
  let arguments = !con((ins QNN_I8Tensor:$a, QNN_I8Tensor:$b,
      DefaultValuedAttr<QNN_SignedI32Attr, "0">:$a_zero_point,
      DefaultValuedAttr<QNN_SignedI32Attr, "0">:$b_zero_point,
      QNN_SignedI32Attr:$a_multiplier, QNN_SignedI32Attr:$b_multiplier,
      QNN_SignedI32Attr:$shift),
      QNN_Rounding, QNN_OutputStage);
  let results = (outs QNN_I8Tensor:$y);
}

def QNN_MulOp : QNN_BinaryRescalingOp<"mul"> {
  let summary = "Elementwise product with rescale";
  let description = [{
    `y = clamp(round((a - a_zero_point) * (b - b_zero_point) * multiplier /
    2^shift) + output_zero_point, min, max)` with numpy broadcasting.
  }];
  let arguments = !con((ins QNN_I8Tensor:$a, QNN_I8Tensor:$b,
      DefaultValuedAttr<QNN_SignedI32Attr, "0">:$a_zero_point,
      DefaultValuedAttr<QNN_SignedI32Attr, "0">:$b_zero_point,
      QNN_SignedI32Attr:$multiplier, QNN_SignedI32Attr:$shift), QNN_Rounding,
      QNN_OutputStage);
  let results = (outs QNN_I8Tensor:$y);
}

def QNN_ConcatOp : QNN_RescalingOp<"concat", [
    "getOutputMultipliers", "getOutputShifts"]> {
  let summary = "Concatenation with a rescale per input";
  let description = [{
    Input `i` contributes `clamp(round((x_i - input_zero_points[i]) *
    multipliers[i] / 2^shifts[i]) + output_zero_point, min, max)`;
    inputs that already share the output's scale and zero point have
    multiplier 1 and shift 0 and pass through unchanged.
  }];
  let arguments = !con((ins Variadic<QNN_I8Tensor>:$inputs,
      QNN_SignedI64Attr:$axis,
      DenseI32ArrayAttr:$input_zero_points, DenseI32ArrayAttr:$multipliers,
      DenseI32ArrayAttr:$shifts), QNN_Rounding, QNN_OutputStage);
  let results = (outs QNN_I8Tensor:$y);
}

//===----------------------------------------------------------------------===//
// Pools
//===----------------------------------------------------------------------===//

def QNN_MaxPoolOp : QNN_WindowOp<"max_pool"> {
  let summary = "Max pooling on i8 (scale unchanged)";
  let description = [{
    Maximum over each window of `x` (N x C x D...); padded positions never
    win. `pads`, `strides` and `dilations` are explicit; the output size
    rounds down, or up with `ceil_mode`.
  }];
  let arguments = (ins QNN_I8Tensor:$x, DenseI64ArrayAttr:$kernel_shape,
      DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
      DenseI64ArrayAttr:$pads, DefaultValuedAttr<BoolAttr, "false">:$ceil_mode);
  let results = (outs QNN_I8Tensor:$y);
}

def QNN_AvgPoolOp : QNN_InferredOp<"avg_pool", [
    DeclareOpInterfaceMethods<QNN_OutputStageOpInterface, ["dividesByCount"]>,
    DeclareOpInterfaceMethods<QNN_ConvLikeOpInterface,
                              ["getWindowDilations"]>]> {
  let summary = "Average pooling with rescale";
  let description = [{
    `y = clamp(round(sum_window(x - input_zero_point) * multiplier / (count
    * 2^shift)) + output_zero_point, min, max)`, where `count` is the
    window's size with `count_include_pad`, else the number of positions
    inside the input. Padded positions add 0. The rounding divides by a
    count that need not be a power of two, so `pseudo_stochastic` is not
    allowed here.
  }];
  let arguments = !con((ins QNN_I8Tensor:$x, DenseI64ArrayAttr:$kernel_shape,
      DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
      DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
      DefaultValuedAttr<BoolAttr, "false">:$count_include_pad,
      DefaultValuedAttr<QNN_SignedI32Attr, "0">:$input_zero_point,
      QNN_SignedI32Attr:$multiplier, QNN_SignedI32Attr:$shift), QNN_Rounding,
      QNN_OutputStage);
  let results = (outs QNN_I8Tensor:$y);
}

def QNN_GlobalAvgPoolOp : QNN_RescalingOp<"global_avg_pool",
    ["dividesByCount"]> {
  let summary = "Average over all spatial positions, with rescale";
  let description = [{
    As `qnn.avg_pool` with a window covering every spatial dimension of `x`
    (N x C x D...); the result is N x C x 1 x ... .
  }];
  let arguments = !con((ins QNN_I8Tensor:$x,
      DefaultValuedAttr<QNN_SignedI32Attr, "0">:$input_zero_point,
      QNN_SignedI32Attr:$multiplier, QNN_SignedI32Attr:$shift), QNN_Rounding,
      QNN_OutputStage);
  let results = (outs QNN_I8Tensor:$y);
}

//===----------------------------------------------------------------------===//
// Nonlinearities
//===----------------------------------------------------------------------===//

def QNN_LookupTableOp : QNN_Op<"lut", [SameOperandsAndResultType,
                                       InferTypeOpInterface]> {
  let summary = "Any i8 -> i8 function, as a 256-entry table";
  let description = [{
    `y = table[x + 128]`. Exact for every elementwise function of one int8
    value (sigmoid, tanh, exp, erf, GELU, hard-swish, leaky ReLU, ...) with
    its input and output scales folded into the entries.
  }];
  let arguments = (ins QNN_I8Tensor:$x, DenseI8ArrayAttr:$table);
  let results = (outs QNN_I8Tensor:$y);
  let hasFolder = 1;
}

def QNN_SoftmaxOp : QNN_RescalingOp<"softmax", ["dividesByCount"]> {
  let summary = "Integer softmax along one axis";
  let description = [{
    With `mx` the maximum along `axis` and `e(x) = exp_table[mx - x]` (256
    non-negative entries, the first the largest, `exp(-d * input scale)` in
    a fixed-point format of the quantizer's choice):
    `y = clamp(round(e(x) * multiplier / (sum_axis e * 2^shift)) +
    output_zero_point, min, max)`. `pseudo_stochastic` is not allowed (the
    divisor is not a power of two).
  }];
  let arguments = !con((ins QNN_I8Tensor:$x,
      DefaultValuedAttr<QNN_SignedI64Attr, "-1">:$axis,
      DenseI32ArrayAttr:$exp_table,
      QNN_SignedI32Attr:$multiplier, QNN_SignedI32Attr:$shift), QNN_Rounding,
      QNN_OutputStage);
  let results = (outs QNN_I8Tensor:$y);
}

def QNN_ResizeOp : QNN_Op<"resize"> {
  let summary = "Spatial resize of i8 (scale unchanged)";
  let description = [{
    ONNX Resize over the spatial dimensions of `x` (N x C x D...) to the
    result's shape, with `coordinate_transformation_mode` and, for
    `mode = "nearest"`, `nearest_mode` as in ONNX; `scales` (one per
    dimension) when the model gave scales rather than sizes. `mode =
    "linear"` interpolates with integer weights of `fraction_bits`
    fractional bits per dimension (ONNX's weights rounded to nearest, the
    last tap taking the rest, so the weights of each output position sum to
    one and the zero point is kept), summing every combination of one tap
    per spatial dimension exactly and rounding once by `rounding`.
  }];
  let arguments = !con((ins QNN_I8Tensor:$x,
      DefaultValuedAttr<StrAttr, "\"nearest\"">:$mode,
      DefaultValuedAttr<StrAttr, "\"half_pixel\"">:
          $coordinate_transformation_mode,
      DefaultValuedAttr<StrAttr, "\"round_prefer_floor\"">:$nearest_mode,
      OptionalAttr<DenseF32ArrayAttr>:$scales,
      DefaultValuedAttr<QNN_SignedI64Attr, "10">:$fraction_bits), QNN_Rounding);
  let results = (outs QNN_I8Tensor:$y);
}

#endif // WHITTLE_DIALECT_QNN_QNNOPS_TD
