//===- NNElementwiseFolds.cpp - folders of the nn elementwise ops ---------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Constant folding of the elementwise ops through one helper,
// `foldElementwise`, that reads constant operands (up to kMaxFoldElements
// elements each), broadcasts them to the result shape and applies a scalar
// kernel per element. Kernels are generic lambdas over the element type the
// helper computes in: double for floats, int64_t for signed integers and
// bool, uint64_t for unsigned integers, so that integer ops compute in
// integers (wrapping, truncating division) as ONNX does. NaN results and
// integer division by zero are left to run time. Also folds the identities
// `x + 0`, `x - 0`, `x * 1`, `x / 1`, `x ^ 1` and `where(splat, x, y)` when
// the constant is a splat and the op's result has exactly `x`'s type (note
// that `-0.0 + 0.0` is `0.0`, so `x + 0` is exact up to the sign of zero),
// a variadic op of one operand, and Clip without bounds.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNScalarFunctions.h"
#include "whittle/Dialect/NN/NNTensorData.h"

#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <type_traits>

using namespace mlir;
using namespace whittle::nn;

/// Constants with more elements than this are not folded (neither operands
/// nor results), to keep large tensors out of the folder.
static constexpr int64_t kMaxFoldElements = 1024;

namespace {
/// The scalar type a folder computes in.
enum class Domain { Float, Signed, Unsigned };

template <typename T> struct IsOptional : std::false_type {};
template <typename T> struct IsOptional<std::optional<T>> : std::true_type {};

/// The scalar type of the elements a kernel receives.
template <typename Args> using ScalarOf = typename Args::value_type;
} // namespace

static Domain getDomain(Type element) {
  if (isa<FloatType>(element))
    return Domain::Float;
  if (element.isUnsignedInteger())
    return Domain::Unsigned;
  return Domain::Signed;
}

//===----------------------------------------------------------------------===//
// Wrapping integer arithmetic (plain arithmetic on double)
//===----------------------------------------------------------------------===//

template <typename T> static T wrapAdd(T a, T b) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<T>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
  else
    return a + b;
}

template <typename T> static T wrapSub(T a, T b) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<T>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
  else
    return a - b;
}

template <typename T> static T wrapMul(T a, T b) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<T>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
  else
    return a * b;
}

template <typename T> static T wrapNeg(T a) { return wrapSub(T(0), a); }

//===----------------------------------------------------------------------===//
// The generic folder
//===----------------------------------------------------------------------===//

/// Appends one kernel result to the result data; false if it cannot be
/// folded (the kernel gave up, a float result is NaN, or a value computed in
/// floating point does not fit an integer result).
template <typename R>
static bool storeResult(R value, bool floatResult,
                        SmallVectorImpl<double> &doubles,
                        SmallVectorImpl<int64_t> &ints) {
  if constexpr (IsOptional<R>::value) {
    return value && storeResult(*value, floatResult, doubles, ints);
  } else if constexpr (std::is_floating_point_v<R>) {
    double v = value;
    if (std::isnan(v))
      return false;
    if (floatResult) {
      doubles.push_back(v);
      return true;
    }
    v = std::trunc(v);
    if (!(v >= -0x1p63 && v < 0x1p63))
      return false;
    ints.push_back(static_cast<int64_t>(v));
    return true;
  } else {
    if (floatResult)
      doubles.push_back(static_cast<double>(value));
    else
      ints.push_back(static_cast<int64_t>(value));
    return true;
  }
}

/// Reads `attr` as scalars of type T.
template <typename T>
static std::optional<SmallVector<T>> readScalars(ElementsAttr attr) {
  if constexpr (std::is_floating_point_v<T>) {
    return readAsDoubles(attr);
  } else {
    std::optional<SmallVector<int64_t>> ints = readAsInts(attr);
    if (!ints)
      return std::nullopt;
    return SmallVector<T>(
        llvm::map_range(*ints, [](int64_t v) { return static_cast<T>(v); }));
  }
}

/// Applies `kernel` to the broadcast operands in scalar type T and builds the
/// result attribute of `resultType`; null if some element cannot be folded.
template <typename T, typename Kernel>
static Attribute computeElementwise(RankedTensorType resultType,
                                    ArrayRef<ElementsAttr> operands,
                                    Kernel &kernel) {
  ArrayRef<int64_t> shape = resultType.getShape();
  size_t rank = shape.size();
  SmallVector<SmallVector<T>> values;
  // Per operand, the step of its element offset along each result dimension
  // (0 along broadcast dimensions).
  SmallVector<SmallVector<int64_t>> steps;
  for (ElementsAttr operand : operands) {
    std::optional<SmallVector<T>> read = readScalars<T>(operand);
    if (!read)
      return {};
    values.push_back(std::move(*read));
    ArrayRef<int64_t> operandShape =
        cast<ShapedType>(operand.getType()).getShape();
    if (operandShape.size() > rank)
      return {};
    SmallVector<int64_t> step(rank, 0);
    int64_t stride = 1;
    for (size_t i = 0; i < operandShape.size(); ++i) {
      int64_t dim = operandShape[operandShape.size() - 1 - i];
      size_t resultDim = rank - 1 - i;
      if (dim != 1) {
        if (dim != shape[resultDim])
          return {};
        step[resultDim] = stride;
      }
      stride *= dim;
    }
    steps.push_back(std::move(step));
  }

  bool floatResult = isa<FloatType>(resultType.getElementType());
  SmallVector<double> doubles;
  SmallVector<int64_t> ints;
  SmallVector<int64_t> index(rank, 0);
  SmallVector<int64_t> offsets(operands.size(), 0);
  SmallVector<T> args(operands.size());
  for (int64_t n = 0, e = resultType.getNumElements(); n < e; ++n) {
    for (size_t k = 0; k < operands.size(); ++k)
      args[k] = values[k][offsets[k]];
    if (!storeResult(kernel(ArrayRef<T>(args)), floatResult, doubles, ints))
      return {};
    // Advance the row-major result index and the operand offsets.
    for (size_t dim = rank; dim-- > 0;) {
      ++index[dim];
      for (size_t k = 0; k < operands.size(); ++k)
        offsets[k] += steps[k][dim];
      if (index[dim] < shape[dim])
        break;
      for (size_t k = 0; k < operands.size(); ++k)
        offsets[k] -= steps[k][dim] * shape[dim];
      index[dim] = 0;
    }
  }
  if (floatResult)
    return createElementsFromDoubles(resultType, doubles);
  return createElementsFromInts(resultType, ints);
}

/// Folds `op`, whose single result is computed elementwise from `operands`
/// (constant attributes, broadcast to the result shape), by applying
/// `kernel` to each element's operand scalars (an ArrayRef<T>). T is chosen
/// by `domain`, by default from the first operand's element type. The
/// kernel returns the result scalar (any arithmetic type or bool, converted
/// to the result element type) or std::optional of it, nullopt to give up.
template <typename Kernel>
static OpFoldResult foldElementwise(Operation *op, ArrayRef<Attribute> operands,
                                    Kernel kernel,
                                    std::optional<Domain> domain = {}) {
  auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!resultType || !resultType.hasStaticShape() ||
      resultType.getNumElements() > kMaxFoldElements || operands.empty())
    return {};
  SmallVector<ElementsAttr> elements;
  for (Attribute operand : operands) {
    auto attr = dyn_cast_or_null<ElementsAttr>(operand);
    if (!attr || attr.getNumElements() > kMaxFoldElements)
      return {};
    elements.push_back(attr);
  }
  switch (domain ? *domain : getDomain(elements.front().getElementType())) {
  case Domain::Float:
    return computeElementwise<double>(resultType, elements, kernel);
  case Domain::Signed:
    return computeElementwise<int64_t>(resultType, elements, kernel);
  case Domain::Unsigned:
    return computeElementwise<uint64_t>(resultType, elements, kernel);
  }
  return {};
}

/// Adapts a scalar function of one or two arguments to a kernel.
template <typename Fn> static auto unary(Fn fn) {
  return [fn](auto args) { return fn(args[0]); };
}
template <typename Fn> static auto binary(Fn fn) {
  return [fn](auto args) { return fn(args[0], args[1]); };
}

/// `x` if `constant` is a splat equal to `identity` and `op`'s result has
/// exactly `x`'s type (so that removing `op` changes no shape or type).
static OpFoldResult foldIdentity(Operation *op, Value x, Attribute constant,
                                 int64_t identity) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(constant);
  if (!dense || !dense.isSplat() || x.getType() != op->getResult(0).getType())
    return {};
  Attribute splat = dense.getSplatValue<Attribute>();
  if (auto f = dyn_cast<FloatAttr>(splat))
    return f.getValueAsDouble() == static_cast<double>(identity) ? x : Value();
  if (auto i = dyn_cast<IntegerAttr>(splat))
    return i.getValue() == identity ? x : Value();
  return {};
}

/// The operand of a variadic op applied to a single operand of the result's
/// type.
static OpFoldResult foldSingleOperand(Operation *op) {
  if (op->getNumOperands() == 1 &&
      op->getOperand(0).getType() == op->getResult(0).getType())
    return op->getOperand(0);
  return {};
}

/// The folder of an op that computes `expr` of each element `x` (unary) or
/// of each broadcast pair `a`, `b` (binary), and nothing else.
#define NN_UNARY_FOLDER(OpT, expr)                                             \
  OpFoldResult OpT::fold(FoldAdaptor adaptor) {                                \
    return foldElementwise(*this, adaptor.getOperands(),                       \
                           unary([](auto x) { return expr; }));                \
  }
#define NN_BINARY_FOLDER(OpT, expr)                                            \
  OpFoldResult OpT::fold(FoldAdaptor adaptor) {                                \
    return foldElementwise(*this, adaptor.getOperands(),                       \
                           binary([](auto a, auto b) { return expr; }));       \
  }

//===----------------------------------------------------------------------===//
// Binary arithmetic
//===----------------------------------------------------------------------===//

/// Folds a binary arithmetic op: `fn` on constant operands, else the
/// identity `x op identity` (and `identity op x` if `commutative`).
template <typename Fn>
static OpFoldResult foldArithmetic(Operation *op, ArrayRef<Attribute> operands,
                                   Fn fn, int64_t identity, bool commutative,
                                   std::optional<Domain> domain = {}) {
  if (OpFoldResult r = foldElementwise(op, operands, binary(fn), domain))
    return r;
  if (OpFoldResult r =
          foldIdentity(op, op->getOperand(0), operands[1], identity))
    return r;
  if (!commutative)
    return {};
  return foldIdentity(op, op->getOperand(1), operands[0], identity);
}

/// The folder of a binary arithmetic op that computes `expr` of each
/// broadcast pair `a`, `b`; see foldArithmetic.
#define NN_ARITHMETIC_FOLDER(OpT, expr, identity, commutative)                 \
  OpFoldResult OpT::fold(FoldAdaptor adaptor) {                                \
    return foldArithmetic(                                                     \
        *this, adaptor.getOperands(), [](auto a, auto b) { return expr; },     \
        identity, commutative);                                                \
  }
NN_ARITHMETIC_FOLDER(AddOp, wrapAdd(a, b), 0, /*commutative=*/true)
NN_ARITHMETIC_FOLDER(SubOp, wrapSub(a, b), 0, /*commutative=*/false)
NN_ARITHMETIC_FOLDER(MulOp, wrapMul(a, b), 1, /*commutative=*/true)
#undef NN_ARITHMETIC_FOLDER

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  auto divide = [](auto a, auto b) -> std::optional<decltype(a)> {
    using T = decltype(a);
    if constexpr (std::is_integral_v<T>) {
      // Integer division truncates; division by zero is left to run time.
      if (b == 0)
        return std::nullopt;
      if constexpr (std::is_signed_v<T>)
        if (b == -1)
          return wrapNeg(a);
    }
    return a / b;
  };
  return foldArithmetic(*this, adaptor.getOperands(), divide, 1,
                        /*commutative=*/false);
}

OpFoldResult PowOp::fold(FoldAdaptor adaptor) {
  // Computed in double whatever the types (the exponent's may differ); an
  // integer result truncates as ONNX Runtime's cast does.
  return foldArithmetic(
      *this, adaptor.getOperands(),
      [](auto a, auto b) { return std::pow(a, b); }, 1, /*commutative=*/false,
      Domain::Float);
}

//===----------------------------------------------------------------------===//
// Unary arithmetic
//===----------------------------------------------------------------------===//

NN_UNARY_FOLDER(NegOp, wrapNeg(x))

OpFoldResult AbsOp::fold(FoldAdaptor adaptor) {
  return foldElementwise(*this, adaptor.getOperands(), unary([](auto x) {
    if constexpr (std::is_floating_point_v<decltype(x)>)
      return std::fabs(x);
    else
      return x < 0 ? wrapNeg(x) : x;
  }));
}

NN_UNARY_FOLDER(SqrtOp, std::sqrt(x))
NN_UNARY_FOLDER(ReciprocalOp, 1.0 / x)
NN_UNARY_FOLDER(ExpOp, std::exp(x))
NN_UNARY_FOLDER(LogOp, std::log(x))
NN_UNARY_FOLDER(ErfOp, std::erf(x))
NN_UNARY_FOLDER(FloorOp, std::floor(x))
NN_UNARY_FOLDER(CeilOp, std::ceil(x))
// Halves to even: the default rounding mode.
NN_UNARY_FOLDER(RoundOp, std::nearbyint(x))

OpFoldResult SignOp::fold(FoldAdaptor adaptor) {
  return foldElementwise(*this, adaptor.getOperands(), unary([](auto x) {
    using T = decltype(x);
    return static_cast<T>(x > 0) - static_cast<T>(x < 0);
  }));
}

//===----------------------------------------------------------------------===//
// Variadic
//===----------------------------------------------------------------------===//

/// The sum of a kernel's scalars, in double (Sum and Mean take floats).
template <typename Args> static double sumOf(Args args) {
  double sum = 0;
  for (auto v : args)
    sum += v;
  return sum;
}

/// The folder of a variadic op that computes `expr` of each element's
/// operand scalars `args` (an ArrayRef); a single operand of the result's
/// type folds to itself.
#define NN_VARIADIC_FOLDER(OpT, expr)                                          \
  OpFoldResult OpT::fold(FoldAdaptor adaptor) {                                \
    if (OpFoldResult r = foldSingleOperand(*this))                             \
      return r;                                                                \
    return foldElementwise(*this, adaptor.getOperands(),                       \
                           [](auto args) { return expr; });                    \
  }
// The first least (greatest) scalar, as std::min (std::max) keeps it.
NN_VARIADIC_FOLDER(MinOp, *llvm::min_element(args))
NN_VARIADIC_FOLDER(MaxOp, *llvm::max_element(args))
NN_VARIADIC_FOLDER(SumOp, sumOf(args))
NN_VARIADIC_FOLDER(MeanOp, sumOf(args) / args.size())
#undef NN_VARIADIC_FOLDER

//===----------------------------------------------------------------------===//
// Comparisons, selection and logic
//===----------------------------------------------------------------------===//

NN_BINARY_FOLDER(EqualOp, a == b)
NN_BINARY_FOLDER(GreaterOp, a > b)
NN_BINARY_FOLDER(GreaterOrEqualOp, a >= b)
NN_BINARY_FOLDER(LessOp, a < b)
NN_BINARY_FOLDER(LessOrEqualOp, a <= b)

OpFoldResult WhereOp::fold(FoldAdaptor adaptor) {
  // Computed in X's element type; the i1 condition reads as 0 or 1.
  if (OpFoldResult r = foldElementwise(
          *this, adaptor.getOperands(),
          [](auto args) { return args[0] != 0 ? args[1] : args[2]; },
          getDomain(getX().getType().getElementType())))
    return r;
  if (OpFoldResult r = foldIdentity(*this, getX(), adaptor.getCondition(), 1))
    return r;
  return foldIdentity(*this, getY(), adaptor.getCondition(), 0);
}

NN_UNARY_FOLDER(NotOp, x == 0)
NN_BINARY_FOLDER(AndOp, a != 0 && b != 0)
NN_BINARY_FOLDER(OrOp, a != 0 || b != 0)
NN_BINARY_FOLDER(XorOp, (a != 0) != (b != 0))

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

OpFoldResult ReluOp::fold(FoldAdaptor adaptor) {
  return foldElementwise(*this, adaptor.getOperands(), unary([](auto x) {
    return x > 0 ? x : decltype(x)(0);
  }));
}

/// Folds a float activation through its scalar function (evaluated in
/// double), the one the quantizers' lookup tables use.
static OpFoldResult foldActivation(Operation *op,
                                   ArrayRef<Attribute> operands) {
  std::optional<ScalarFunction> f = getScalarFunction(op);
  if (!f)
    return {};
  return foldElementwise(op, operands, [f](auto args) {
    return (*f)(static_cast<double>(args[0]));
  });
}

OpFoldResult PReluOp::fold(FoldAdaptor adaptor) {
  return foldElementwise(
      *this, adaptor.getOperands(),
      binary([](auto x, auto slope) { return x < 0 ? wrapMul(slope, x) : x; }));
}

OpFoldResult ClipOp::fold(FoldAdaptor adaptor) {
  bool hasMin = !isNone(getMin()), hasMax = !isNone(getMax());
  if (!hasMin && !hasMax)
    return getInput();
  SmallVector<Attribute> operands = {adaptor.getInput()};
  if (hasMin)
    operands.push_back(adaptor.getMin());
  if (hasMax)
    operands.push_back(adaptor.getMax());
  return foldElementwise(*this, operands, [hasMin, hasMax](auto args) {
    ScalarOf<decltype(args)> v = args[0];
    size_t next = 1;
    if (hasMin)
      v = std::max(v, args[next++]);
    if (hasMax)
      v = std::min(v, args[next]);
    return v;
  });
}

/// The folder of an activation: the scalar function of nn::getScalarFunction
/// on each element.
#define NN_ACTIVATION_FOLDER(OpT)                                              \
  OpFoldResult OpT::fold(FoldAdaptor adaptor) {                                \
    return foldActivation(*this, adaptor.getOperands());                       \
  }
NN_ACTIVATION_FOLDER(LeakyReluOp)
NN_ACTIVATION_FOLDER(EluOp)
NN_ACTIVATION_FOLDER(SeluOp)
NN_ACTIVATION_FOLDER(CeluOp)
NN_ACTIVATION_FOLDER(SigmoidOp)
NN_ACTIVATION_FOLDER(HardSigmoidOp)
NN_ACTIVATION_FOLDER(HardSwishOp)
NN_ACTIVATION_FOLDER(TanhOp)
NN_ACTIVATION_FOLDER(SoftplusOp)
NN_ACTIVATION_FOLDER(SoftsignOp)
NN_ACTIVATION_FOLDER(GeluOp)
NN_ACTIVATION_FOLDER(ThresholdedReluOp)
#undef NN_ACTIVATION_FOLDER
#undef NN_BINARY_FOLDER
#undef NN_UNARY_FOLDER

//===----------------------------------------------------------------------===//
// Scalar functions
//===----------------------------------------------------------------------===//

template <typename T> T ScalarFunction::evaluate(T x) const {
  T a = static_cast<T>(alpha), b = static_cast<T>(beta);
  switch (kind) {
  case Kind::Identity:
    return x;
  case Kind::Relu:
    return x > 0 ? x : T(0);
  case Kind::Clip:
    return std::min(std::max(x, a), b);
  case Kind::LeakyRelu:
    return x < 0 ? a * x : x;
  case Kind::ThresholdedRelu:
    return x > a ? x : T(0);
  case Kind::Elu:
    return x < 0 ? a * (std::exp(x) - 1) : x;
  case Kind::Selu:
    // beta holds gamma.
    return x > 0 ? b * x : b * (a * std::exp(x) - a);
  case Kind::Celu:
    return std::max(T(0), x) + std::min(T(0), a * (std::exp(x / a) - 1));
  case Kind::Sigmoid:
    return 1 / (1 + std::exp(-x));
  case Kind::HardSigmoid:
    return std::clamp(a * x + b, T(0), T(1));
  case Kind::HardSwish:
    return x * std::clamp(x / T(6) + T(0.5), T(0), T(1));
  case Kind::Tanh:
    return std::tanh(x);
  case Kind::Softplus:
    // ln(exp(x) + 1) without overflow for large x.
    return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
  case Kind::Softsign:
    return x / (1 + std::fabs(x));
  case Kind::Exp:
    return std::exp(x);
  case Kind::Erf:
    return std::erf(x);
  case Kind::Gelu:
    return T(0.5) * x *
           (1 + std::erf(x / static_cast<T>(llvm::numbers::sqrt2)));
  case Kind::GeluTanh:
    return T(0.5) * x *
           (1 + std::tanh(static_cast<T>(std::sqrt(2 / llvm::numbers::pi)) *
                          (x + T(0.044715) * x * x * x)));
  }
  llvm_unreachable("unknown scalar function");
}

double ScalarFunction::operator()(double x) const { return evaluate(x); }
float ScalarFunction::operator()(float x) const { return evaluate(x); }

std::optional<ScalarFunction> whittle::nn::getScalarFunction(Operation *op) {
  using Kind = ScalarFunction::Kind;
  auto alphaOf = [](auto op) { return op.getAlpha().convertToDouble(); };
  if (auto clip = dyn_cast<ClipOp>(op)) {
    double lo = -INFINITY, hi = INFINITY;
    for (auto [bound, out] :
         {std::pair{clip.getMin(), &lo}, std::pair{clip.getMax(), &hi}}) {
      if (isNone(bound))
        continue;
      std::optional<double> v = getConstantScalar<double>(bound);
      if (!v)
        return std::nullopt;
      *out = *v;
    }
    return ScalarFunction(Kind::Clip, lo, hi);
  }
  return llvm::TypeSwitch<Operation *, std::optional<ScalarFunction>>(op)
      .Case([](IdentityOp) { return ScalarFunction(Kind::Identity); })
      .Case([](ReluOp) { return ScalarFunction(Kind::Relu); })
      .Case([](SigmoidOp) { return ScalarFunction(Kind::Sigmoid); })
      .Case([](HardSwishOp) { return ScalarFunction(Kind::HardSwish); })
      .Case([](TanhOp) { return ScalarFunction(Kind::Tanh); })
      .Case([](SoftplusOp) { return ScalarFunction(Kind::Softplus); })
      .Case([](SoftsignOp) { return ScalarFunction(Kind::Softsign); })
      .Case([](ExpOp) { return ScalarFunction(Kind::Exp); })
      .Case([](ErfOp) { return ScalarFunction(Kind::Erf); })
      .Case([&](LeakyReluOp op) {
        return ScalarFunction(Kind::LeakyRelu, alphaOf(op));
      })
      .Case([&](ThresholdedReluOp op) {
        return ScalarFunction(Kind::ThresholdedRelu, alphaOf(op));
      })
      .Case([&](EluOp op) { return ScalarFunction(Kind::Elu, alphaOf(op)); })
      .Case([&](SeluOp op) {
        return ScalarFunction(Kind::Selu, alphaOf(op),
                              op.getGamma().convertToDouble());
      })
      .Case([&](CeluOp op) { return ScalarFunction(Kind::Celu, alphaOf(op)); })
      .Case([&](HardSigmoidOp op) {
        return ScalarFunction(Kind::HardSigmoid, alphaOf(op),
                              op.getBeta().convertToDouble());
      })
      .Case([](GeluOp op) {
        return ScalarFunction(op.getApproximate() == "tanh" ? Kind::GeluTanh
                                                            : Kind::Gelu);
      })
      .Default([](Operation *) { return std::nullopt; });
}
