//===- NNElementwiseOps.cpp - nn elementwise op verification and types ----===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Result type inference and verifiers of the elementwise ops that are not
// fully described by their ODS traits: broadcasting binary, variadic and
// ternary ops, PRelu's unidirectional broadcast and Clip's bounds. Element
// type constraints are ODS type constraints; the folders are in
// NNElementwiseFolds.cpp.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNShapes.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace whittle::nn;

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

/// Infers the result of multidirectional broadcasting of `operands`; the
/// result element type is `resultElement` if given, else the first
/// operand's.
static FailureOr<Type> inferBroadcast(std::optional<Location> location,
                                      TypeRange operands, Type resultElement) {
  if (operands.empty())
    return emitOptionalError(location, "requires at least one operand");
  SmallVector<ArrayRef<int64_t>> shapes;
  for (auto [i, type] : llvm::enumerate(operands)) {
    auto ranked = dyn_cast<RankedTensorType>(type);
    if (!ranked)
      return emitOptionalError(location, "operand #", i,
                               " must be a ranked tensor, got ", type);
    shapes.push_back(ranked.getShape());
  }
  FailureOr<SmallVector<int64_t>> shape = broadcastShapes(location, shapes);
  if (failed(shape))
    return failure();
  if (!resultElement)
    resultElement = cast<RankedTensorType>(operands.front()).getElementType();
  return RankedTensorType::get(*shape, resultElement);
}

/// i1 in `value`'s context: the element type of comparisons and logic.
static Type i1Like(Value value) {
  return IntegerType::get(value.getContext(), 1);
}

/// Checks that all `types` have the element type of the first.
static LogicalResult verifySameElementTypes(Operation *op, TypeRange types) {
  for (Type type : types.drop_front())
    if (failed(verifySameElementType(op, types.front(), type)))
      return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// Binary broadcasting ops
//===----------------------------------------------------------------------===//

/// Type inference and verifier of a binary broadcasting op (operands `A`
/// and `B` of one element type) whose result element type is
/// `RESULT_ELEMENT` (null: the operands').
#define NN_BINARY_BROADCAST_OP(OP, RESULT_ELEMENT)                             \
  FailureOr<Type> OP::inferResultType(std::optional<Location> location,        \
                                      Adaptor adaptor) {                       \
    return inferBroadcast(                                                     \
        location, {adaptor.getA().getType(), adaptor.getB().getType()},        \
        RESULT_ELEMENT);                                                       \
  }                                                                            \
  LogicalResult OP::verify() {                                                 \
    return verifySameElementType(getOperation(), getA().getType(),             \
                                 getB().getType());                            \
  }

NN_BINARY_BROADCAST_OP(AddOp, Type())
NN_BINARY_BROADCAST_OP(SubOp, Type())
NN_BINARY_BROADCAST_OP(MulOp, Type())
NN_BINARY_BROADCAST_OP(DivOp, Type())
NN_BINARY_BROADCAST_OP(EqualOp, i1Like(adaptor.getA()))
NN_BINARY_BROADCAST_OP(GreaterOp, i1Like(adaptor.getA()))
NN_BINARY_BROADCAST_OP(GreaterOrEqualOp, i1Like(adaptor.getA()))
NN_BINARY_BROADCAST_OP(LessOp, i1Like(adaptor.getA()))
NN_BINARY_BROADCAST_OP(LessOrEqualOp, i1Like(adaptor.getA()))
NN_BINARY_BROADCAST_OP(AndOp, i1Like(adaptor.getA()))
NN_BINARY_BROADCAST_OP(OrOp, i1Like(adaptor.getA()))
NN_BINARY_BROADCAST_OP(XorOp, i1Like(adaptor.getA()))

#undef NN_BINARY_BROADCAST_OP

FailureOr<Type> PowOp::inferResultType(std::optional<Location> location,
                                       Adaptor adaptor) {
  // The exponent's element type may differ; the result has the base's.
  return inferBroadcast(
      location, {adaptor.getX().getType(), adaptor.getY().getType()}, Type());
}

//===----------------------------------------------------------------------===//
// Variadic ops
//===----------------------------------------------------------------------===//

#define NN_VARIADIC_OP(OP)                                                     \
  FailureOr<Type> OP::inferResultType(std::optional<Location> location,        \
                                      Adaptor adaptor) {                       \
    return inferBroadcast(location, adaptor.getData_0().getTypes(), Type());   \
  }                                                                            \
  LogicalResult OP::verify() {                                                 \
    return verifySameElementTypes(getOperation(), getData_0().getTypes());     \
  }

NN_VARIADIC_OP(MinOp)
NN_VARIADIC_OP(MaxOp)
NN_VARIADIC_OP(SumOp)
NN_VARIADIC_OP(MeanOp)

#undef NN_VARIADIC_OP

//===----------------------------------------------------------------------===//
// WhereOp
//===----------------------------------------------------------------------===//

FailureOr<Type> WhereOp::inferResultType(std::optional<Location> location,
                                         Adaptor adaptor) {
  Type x = adaptor.getX().getType();
  auto rankedX = dyn_cast<RankedTensorType>(x);
  if (!rankedX)
    return emitOptionalError(location, "'X' must be a ranked tensor, got ", x);
  return inferBroadcast(
      location, {adaptor.getCondition().getType(), x, adaptor.getY().getType()},
      rankedX.getElementType());
}

LogicalResult WhereOp::verify() {
  return verifySameElementType(getOperation(), getX().getType(),
                               getY().getType());
}

//===----------------------------------------------------------------------===//
// PReluOp
//===----------------------------------------------------------------------===//

FailureOr<Type> PReluOp::inferResultType(std::optional<Location> location,
                                         Adaptor adaptor) {
  auto x = dyn_cast<RankedTensorType>(adaptor.getX().getType());
  auto slope = dyn_cast<RankedTensorType>(adaptor.getSlope().getType());
  if (!x || !slope)
    return emitOptionalError(location, "'X' and 'slope' must be ranked "
                                       "tensors");
  if (!isUnidirectionallyBroadcastable(slope.getShape(), x.getShape()))
    return emitOptionalError(location, "'slope' of type ", slope,
                             " does not broadcast unidirectionally to 'X' of "
                             "type ",
                             x);
  return x;
}

LogicalResult PReluOp::verify() {
  return verifySameElementType(getOperation(), getX().getType(),
                               getSlope().getType());
}

//===----------------------------------------------------------------------===//
// ClipOp
//===----------------------------------------------------------------------===//

FailureOr<Type> ClipOp::inferResultType(std::optional<Location> location,
                                        Adaptor adaptor) {
  Type input = adaptor.getInput().getType();
  if (!isa<RankedTensorType>(input))
    return emitOptionalError(location, "'input' must be a ranked tensor, got ",
                             input);
  return input;
}

LogicalResult ClipOp::verify() {
  Type element = getInput().getType().getElementType();
  for (auto [name, bound] : {std::pair<StringRef, Value>{"min", getMin()},
                             std::pair<StringRef, Value>{"max", getMax()}}) {
    auto type = dyn_cast<RankedTensorType>(bound.getType());
    if (!type)
      continue; // none: no bound.
    if (type.getElementType() != element)
      return emitOpError("'")
             << name << "' must have the element type of 'input' (" << element
             << "), got " << type.getElementType();
    // ONNX requires a scalar; a one-element 1-D tensor is accepted as
    // ONNX Runtime does.
    bool scalar =
        type.getRank() == 0 || (type.getRank() == 1 && type.getDimSize(0) == 1);
    if (!scalar)
      return emitOpError("'") << name << "' must be a scalar, got " << type;
  }
  return success();
}
