//===- NNElementwiseOps.td - nn elementwise ops ------------*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Arithmetic, comparison, logic and activation ops that act elementwise,
// with ONNX multidirectional broadcasting where ONNX has it. Operand types
// follow the ONNX opset 21 type constraints (Gelu: opset 20): ONNX's signed
// integers are signless MLIR integers, its unsigned integers are unsigned
// MLIR integers and bool is i1.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_NNELEMENTWISEOPS_TD
#define WHITTLE_DIALECT_NN_NNELEMENTWISEOPS_TD

//===----------------------------------------------------------------------===//
// Element type constraints (ONNX type constraint lists)
//===----------------------------------------------------------------------===//

defvar NN_EW_Floats = [F16, F32, F64, BF16];
defvar NN_EW_FloatsNoBF16 = [F16, F32, F64];
defvar NN_EW_SignedInts = [I8, I16, I32, I64];
defvar NN_EW_UnsignedInts = [UI8, UI16, UI32, UI64];
defvar NN_EW_Numerics =
    !listconcat(NN_EW_Floats, NN_EW_SignedInts, NN_EW_UnsignedInts);

// float16, float, double, bfloat16.
def NN_EW_FloatTensor : RankedTensorOf<NN_EW_Floats>;
// float16, float, double (older schemas without bfloat16).
def NN_EW_FloatNoBF16Tensor : RankedTensorOf<NN_EW_FloatsNoBF16>;
// All ONNX numeric types (floats, signed and unsigned integers).
def NN_EW_NumericTensor : RankedTensorOf<NN_EW_Numerics>;
// Numeric types and bool.
def NN_EW_NumericOrBoolTensor : RankedTensorOf<!listconcat(NN_EW_Numerics,
                                                           [I1])>;
// Floats and signed integers (Neg, Relu).
def NN_EW_SignedNumericTensor
    : RankedTensorOf<!listconcat(NN_EW_Floats, NN_EW_SignedInts)>;
// Pow's base: int32, int64 and floats.
def NN_EW_PowBaseTensor : RankedTensorOf<!listconcat([I32, I64],
                                                     NN_EW_Floats)>;
// PRelu: floats, (u)int32 and (u)int64.
def NN_EW_PReluTensor
    : RankedTensorOf<!listconcat(NN_EW_Floats, [I32, I64, UI32, UI64])>;
def NN_EW_OptNumericTensor : AnyTypeOf<[NN_EW_NumericTensor, NoneType],
    "ranked tensor of a numeric type or none">;

// Gelu's `approximate`: "none" or "tanh".
def NN_EW_GeluApproximateAttr : ConfinedAttr<StrAttr, [AttrConstraint<
    CPred<"::llvm::is_contained({::llvm::StringRef(\"none\"), "
          "::llvm::StringRef(\"tanh\")}, "
          "::llvm::cast<::mlir::StringAttr>($_self).getValue())">,
    "whose value is \"none\" or \"tanh\"">]>;

//===----------------------------------------------------------------------===//
// Op classes
//===----------------------------------------------------------------------===//

// Unary op whose result has the operand's type; `inName`/`outName` are the
// ONNX operand and result names (`X`/`Y` or `input`/`output`).
class NN_EW_UnaryOp<string mnemonic, Type type, string inName = "X",
                    string outName = "Y", list<Trait> traits = []>
    : NN_UnaryElementwiseOp<mnemonic, traits, type> {
  let arguments = !dag(ins, [type], [inName]);
  let results = !dag(outs, [type], [outName]);
  let hasFolder = 1;
}

// Unary float activation with the ONNX FLOAT attributes in `attrs`.
class NN_EW_UnaryAttrOp<string mnemonic, Type type, dag attrs>
    : NN_EW_UnaryOp<mnemonic, type> {
  let arguments = !con((ins type:$X), attrs);
}

// Binary op with multidirectional broadcasting; the operands share one
// element type (checked by the verifier) and the result has that element
// type, or i1 for comparisons and logic.
class NN_EW_BinaryOp<string mnemonic, Type operandType, Type resultType,
                     list<Trait> traits = []>
    : NN_BinaryBroadcastOp<mnemonic, traits> {
  let arguments = (ins operandType:$A, operandType:$B);
  let results = (outs resultType:$C);
  let hasFolder = 1;
}

// Variadic op with multidirectional broadcasting of all its operands, which
// share one element type; `outName` is the ONNX result name.
class NN_EW_VariadicOp<string mnemonic, Type type, string outName>
    : NN_SingleResultInferredOp<mnemonic,
                                [ParamNativeOpTrait<"AtLeastNOperands", "1">]> {
  let arguments = (ins Variadic<type>:$data_0);
  let results = !dag(outs, [type], [outName]);
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Binary arithmetic
//===----------------------------------------------------------------------===//

def NN_AddOp : NN_EW_BinaryOp<"add", NN_EW_NumericTensor, NN_EW_NumericTensor,
                              [Commutative]> {
  let summary = "Elementwise addition with broadcasting (ONNX Add)";
  let description = [{
    `C = A + B` with ONNX multidirectional broadcasting. Integer addition
    wraps around.
  }];
}

def NN_SubOp : NN_EW_BinaryOp<"sub", NN_EW_NumericTensor,
                              NN_EW_NumericTensor> {
  let summary = "Elementwise subtraction with broadcasting (ONNX Sub)";
  let description = [{
    `C = A - B` with ONNX multidirectional broadcasting. Integer subtraction
    wraps around.
  }];
}

def NN_MulOp : NN_EW_BinaryOp<"mul", NN_EW_NumericTensor, NN_EW_NumericTensor,
                              [Commutative]> {
  let summary = "Elementwise multiplication with broadcasting (ONNX Mul)";
  let description = [{
    `C = A * B` with ONNX multidirectional broadcasting. Integer
    multiplication wraps around.
  }];
}

def NN_DivOp : NN_EW_BinaryOp<"div", NN_EW_NumericTensor,
                              NN_EW_NumericTensor> {
  let summary = "Elementwise division with broadcasting (ONNX Div)";
  let description = [{
    `C = A / B` with ONNX multidirectional broadcasting. Integer division
    truncates toward zero; integer division by zero is undefined.
  }];
}

def NN_PowOp : NN_SingleResultInferredOp<"pow"> {
  let summary = "Elementwise power with broadcasting (ONNX Pow)";
  let description = [{
    `Z = X ^ Y` with ONNX multidirectional broadcasting. The exponent `Y`
    may have a different element type than the base `X`; the result has the
    base's element type.
  }];
  let arguments = (ins NN_EW_PowBaseTensor:$X, NN_EW_NumericTensor:$Y);
  let results = (outs NN_EW_PowBaseTensor:$Z);
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Unary arithmetic
//===----------------------------------------------------------------------===//

def NN_NegOp : NN_EW_UnaryOp<"neg", NN_EW_SignedNumericTensor> {
  let summary = "Elementwise negation (ONNX Neg)";
  let description = [{ `Y = -X`; integer negation wraps around. }];
}

def NN_AbsOp : NN_EW_UnaryOp<"abs", NN_EW_NumericTensor> {
  let summary = "Elementwise absolute value (ONNX Abs)";
  let description = [{ `Y = |X|`; the identity on unsigned integers. }];
}

def NN_SqrtOp : NN_EW_UnaryOp<"sqrt", NN_EW_FloatTensor> {
  let summary = "Elementwise square root (ONNX Sqrt)";
  let description = [{ `Y = sqrt(X)`; NaN for negative inputs. }];
}

def NN_ReciprocalOp : NN_EW_UnaryOp<"reciprocal", NN_EW_FloatTensor> {
  let summary = "Elementwise reciprocal (ONNX Reciprocal)";
  let description = [{ `Y = 1 / X`. }];
}

def NN_ExpOp : NN_EW_UnaryOp<"exp", NN_EW_FloatTensor, "input", "output"> {
  let summary = "Elementwise exponential (ONNX Exp)";
  let description = [{ `output = e ^ input`. }];
}

def NN_LogOp : NN_EW_UnaryOp<"log", NN_EW_FloatTensor, "input", "output"> {
  let summary = "Elementwise natural logarithm (ONNX Log)";
  let description = [{ `output = ln(input)`. }];
}

def NN_ErfOp : NN_EW_UnaryOp<"erf", NN_EW_FloatTensor, "input", "output"> {
  let summary = "Elementwise error function (ONNX Erf)";
  let description = [{ `output = erf(input)`. }];
}

def NN_FloorOp : NN_EW_UnaryOp<"floor", NN_EW_FloatTensor> {
  let summary = "Elementwise floor (ONNX Floor)";
  let description = [{ The largest integer not greater than `X`. }];
}

def NN_CeilOp : NN_EW_UnaryOp<"ceil", NN_EW_FloatTensor> {
  let summary = "Elementwise ceiling (ONNX Ceil)";
  let description = [{ The smallest integer not less than `X`. }];
}

def NN_RoundOp : NN_EW_UnaryOp<"round", NN_EW_FloatNoBF16Tensor> {
  let summary = "Elementwise rounding half to even (ONNX Round)";
  let description = [{
    Rounds to the nearest integer; halves round to the even integer.
  }];
}

def NN_SignOp : NN_EW_UnaryOp<"sign", NN_EW_NumericTensor, "input",
                              "output"> {
  let summary = "Elementwise sign (ONNX Sign)";
  let description = [{ -1, 0 or 1 as `input` is negative, zero or positive. }];
}

//===----------------------------------------------------------------------===//
// Variadic
//===----------------------------------------------------------------------===//

def NN_MinOp : NN_EW_VariadicOp<"min", NN_EW_NumericTensor, "min"> {
  let summary = "Elementwise minimum of its operands (ONNX Min)";
  let description = [{
    The elementwise minimum of one or more tensors with ONNX
    multidirectional broadcasting.
  }];
}

def NN_MaxOp : NN_EW_VariadicOp<"max", NN_EW_NumericTensor, "max"> {
  let summary = "Elementwise maximum of its operands (ONNX Max)";
  let description = [{
    The elementwise maximum of one or more tensors with ONNX
    multidirectional broadcasting.
  }];
}

def NN_SumOp : NN_EW_VariadicOp<"sum", NN_EW_FloatTensor, "sum"> {
  let summary = "Elementwise sum of its operands (ONNX Sum)";
  let description = [{
    The elementwise sum of one or more float tensors with ONNX
    multidirectional broadcasting.
  }];
}

def NN_MeanOp : NN_EW_VariadicOp<"mean", NN_EW_FloatTensor, "mean"> {
  let summary = "Elementwise mean of its operands (ONNX Mean)";
  let description = [{
    The elementwise arithmetic mean of one or more float tensors with ONNX
    multidirectional broadcasting.
  }];
}

//===----------------------------------------------------------------------===//
// Comparisons
//===----------------------------------------------------------------------===//

def NN_EqualOp : NN_EW_BinaryOp<"equal", NN_EW_NumericOrBoolTensor,
                                NN_BoolTensor, [Commutative]> {
  let summary = "Elementwise equality with broadcasting (ONNX Equal)";
  let description = [{ `C = (A == B)` as i1, with broadcasting. }];
}

def NN_GreaterOp : NN_EW_BinaryOp<"greater", NN_EW_NumericTensor,
                                  NN_BoolTensor> {
  let summary = "Elementwise greater-than with broadcasting (ONNX Greater)";
  let description = [{ `C = (A > B)` as i1, with broadcasting. }];
}

def NN_GreaterOrEqualOp : NN_EW_BinaryOp<"greater_or_equal",
                                         NN_EW_NumericTensor, NN_BoolTensor> {
  let summary = "Elementwise greater-or-equal with broadcasting "
                "(ONNX GreaterOrEqual)";
  let description = [{ `C = (A >= B)` as i1, with broadcasting. }];
}

def NN_LessOp : NN_EW_BinaryOp<"less", NN_EW_NumericTensor, NN_BoolTensor> {
  let summary = "Elementwise less-than with broadcasting (ONNX Less)";
  let description = [{ `C = (A < B)` as i1, with broadcasting. }];
}

def NN_LessOrEqualOp : NN_EW_BinaryOp<"less_or_equal", NN_EW_NumericTensor,
                                      NN_BoolTensor> {
  let summary = "Elementwise less-or-equal with broadcasting "
                "(ONNX LessOrEqual)";
  let description = [{ `C = (A <= B)` as i1, with broadcasting. }];
}

//===----------------------------------------------------------------------===//
// Selection and logic
//===----------------------------------------------------------------------===//

def NN_WhereOp : NN_SingleResultInferredOp<"where"> {
  let summary = "Elementwise selection with broadcasting (ONNX Where)";
  let description = [{
    `output = condition ? X : Y`, with ONNX multidirectional broadcasting of
    all three operands. `X` and `Y` share one element type.
  }];
  let arguments = (ins NN_BoolTensor:$condition, NN_EW_NumericOrBoolTensor:$X,
                       NN_EW_NumericOrBoolTensor:$Y);
  let results = (outs NN_EW_NumericOrBoolTensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def NN_NotOp : NN_EW_UnaryOp<"not", NN_BoolTensor> {
  let summary = "Elementwise logical negation (ONNX Not)";
  let description = [{ `Y = !X` on i1 tensors. }];
}

def NN_AndOp : NN_EW_BinaryOp<"and", NN_BoolTensor, NN_BoolTensor,
                              [Commutative]> {
  let summary = "Elementwise logical and with broadcasting (ONNX And)";
  let description = [{ `C = A && B` on i1 tensors, with broadcasting. }];
}

def NN_OrOp : NN_EW_BinaryOp<"or", NN_BoolTensor, NN_BoolTensor,
                             [Commutative]> {
  let summary = "Elementwise logical or with broadcasting (ONNX Or)";
  let description = [{ `C = A || B` on i1 tensors, with broadcasting. }];
}

def NN_XorOp : NN_EW_BinaryOp<"xor", NN_BoolTensor, NN_BoolTensor,
                              [Commutative]> {
  let summary = "Elementwise logical xor with broadcasting (ONNX Xor)";
  let description = [{ `C = A != B` on i1 tensors, with broadcasting. }];
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

def NN_ReluOp : NN_EW_UnaryOp<"relu", NN_EW_SignedNumericTensor> {
  let summary = "Rectified linear unit (ONNX Relu)";
  let description = [{ `Y = max(0, X)`. }];
}

def NN_LeakyReluOp : NN_EW_UnaryAttrOp<"leaky_relu", NN_EW_FloatTensor,
    (ins DefaultValuedAttr<F32Attr, "0.01f">:$alpha)> {
  let summary = "Leaky rectified linear unit (ONNX LeakyRelu)";
  let description = [{ `Y = X < 0 ? alpha * X : X`. }];
}

def NN_PReluOp : NN_SingleResultInferredOp<"prelu"> {
  let summary = "Parametric rectified linear unit (ONNX PRelu)";
  let description = [{
    `Y = X < 0 ? slope * X : X`, where `slope` broadcasts unidirectionally to
    `X` (every dimension of `slope`, aligned to the right, is 1 or `X`'s).
    The result has `X`'s type.
  }];
  let arguments = (ins NN_EW_PReluTensor:$X, NN_EW_PReluTensor:$slope);
  let results = (outs NN_EW_PReluTensor:$Y);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def NN_EluOp : NN_EW_UnaryAttrOp<"elu", NN_EW_FloatNoBF16Tensor,
    (ins DefaultValuedAttr<F32Attr, "1.0f">:$alpha)> {
  let summary = "Exponential linear unit (ONNX Elu)";
  let description = [{ `Y = X < 0 ? alpha * (exp(X) - 1) : X`. }];
}

def NN_SeluOp : NN_EW_UnaryAttrOp<"selu", NN_EW_FloatNoBF16Tensor,
    (ins DefaultValuedAttr<F32Attr, "1.67326319217681884765625f">:$alpha,
         DefaultValuedAttr<F32Attr, "1.05070102214813232421875f">:$gamma)> {
  let summary = "Scaled exponential linear unit (ONNX Selu)";
  let description = [{
    `Y = X > 0 ? gamma * X : gamma * (alpha * exp(X) - alpha)`.
  }];
}

def NN_CeluOp : NN_EW_UnaryAttrOp<"celu", RankedTensorOf<[F32]>,
    (ins DefaultValuedAttr<F32Attr, "1.0f">:$alpha)> {
  let summary = "Continuously differentiable exponential linear unit "
                "(ONNX Celu)";
  let description = [{
    `Y = max(0, X) + min(0, alpha * (exp(X / alpha) - 1))`; f32 only, as in
    ONNX.
  }];
}

def NN_SigmoidOp : NN_EW_UnaryOp<"sigmoid", NN_EW_FloatTensor> {
  let summary = "Logistic sigmoid (ONNX Sigmoid)";
  let description = [{ `Y = 1 / (1 + exp(-X))`. }];
}

def NN_HardSigmoidOp : NN_EW_UnaryAttrOp<"hard_sigmoid",
    NN_EW_FloatNoBF16Tensor,
    (ins DefaultValuedAttr<F32Attr, "0.2f">:$alpha,
         DefaultValuedAttr<F32Attr, "0.5f">:$beta)> {
  let summary = "Piecewise linear sigmoid (ONNX HardSigmoid)";
  let description = [{ `Y = max(0, min(1, alpha * X + beta))`. }];
}

def NN_HardSwishOp : NN_EW_UnaryOp<"hard_swish", NN_EW_FloatNoBF16Tensor> {
  let summary = "Hard swish (ONNX HardSwish)";
  let description = [{ `Y = X * max(0, min(1, X / 6 + 0.5))`. }];
}

def NN_TanhOp : NN_EW_UnaryOp<"tanh", NN_EW_FloatTensor, "input", "output"> {
  let summary = "Hyperbolic tangent (ONNX Tanh)";
  let description = [{ `output = tanh(input)`. }];
}

def NN_SoftplusOp : NN_EW_UnaryOp<"softplus", NN_EW_FloatNoBF16Tensor> {
  let summary = "Softplus (ONNX Softplus)";
  let description = [{ `Y = ln(exp(X) + 1)`. }];
}

def NN_SoftsignOp : NN_EW_UnaryOp<"softsign", NN_EW_FloatNoBF16Tensor,
                                  "input", "output"> {
  let summary = "Softsign (ONNX Softsign)";
  let description = [{ `output = input / (1 + |input|)`. }];
}

def NN_ClipOp : NN_SingleResultInferredOp<"clip"> {
  let summary = "Elementwise clamp to [min, max] (ONNX Clip)";
  let description = [{
    `output = min(max(input, min), max)`. `min` and `max` are optional
    scalars (`none` when absent, meaning no bound) of `input`'s element type;
    when `min > max` every element becomes `max`.
  }];
  let arguments = (ins NN_EW_NumericTensor:$input, NN_EW_OptNumericTensor:$min,
                       NN_EW_OptNumericTensor:$max);
  let results = (outs NN_EW_NumericTensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def NN_GeluOp : NN_EW_UnaryAttrOp<"gelu", NN_EW_FloatTensor,
    (ins DefaultValuedAttr<NN_EW_GeluApproximateAttr, "\"none\"">:
         $approximate)> {
  let summary = "Gaussian error linear unit (ONNX Gelu, opset 20)";
  let description = [{
    `Y = 0.5 * X * (1 + erf(X / sqrt(2)))` with `approximate = "none"`, or
    `Y = 0.5 * X * (1 + tanh(sqrt(2 / pi) * (X + 0.044715 * X^3)))` with
    `approximate = "tanh"`.
  }];
}

def NN_ThresholdedReluOp : NN_EW_UnaryAttrOp<"thresholded_relu",
    NN_EW_FloatNoBF16Tensor,
    (ins DefaultValuedAttr<F32Attr, "1.0f">:$alpha)> {
  let summary = "Thresholded rectified linear unit (ONNX ThresholdedRelu)";
  let description = [{ `Y = X > alpha ? X : 0`. }];
}

#endif // WHITTLE_DIALECT_NN_NNELEMENTWISEOPS_TD
