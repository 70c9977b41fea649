//===- QuantToLinalg.cpp - quantization ops to linalg ---------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The quantization ops on plain integer tensors (what the importer produces).
// The arithmetic follows ONNX's reference implementation so that results
// are bit-exact:
// - QuantizeLinear divides in the input's float type, rounds half to even,
//   then adds the zero point and saturates in int32;
// - DequantizeLinear subtracts the zero point exactly and scales in f32;
// - the integer layers subtract the zero points in int32 and accumulate in
//   int32; the QLinear layers then requantize with the multiplier
//   `(scale_a * scale_b) / scale_y` (in the scales' type), multiplying and
//   adding the output zero point in double (numpy's promotion of int32 times
//   float32) before rounding half to even and saturating.
// Unsigned ONNX types arrive as signless integers; ElementKind says when to
// use the unsigned casts.
//
//===----------------------------------------------------------------------===//

#include "StaticResultLowering.h"
#include "whittle/Conversion/NNToLinalg/LoweringUtils.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/NN/NNTensorData.h"

using namespace mlir;
using namespace whittle;
using namespace whittle::nn;

namespace {

/// A scalar or one-element 1-D tensor: per-tensor parameters.
bool isPerTensor(Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  return type.getRank() == 0 || type.getNumElements() == 1;
}

/// The map reading a parameter of `rank`-dimensional data that is indexed
/// along dimension `dim` (per-axis, per-channel) or per-tensor.
AffineMap paramMap(MLIRContext *context, int64_t rank, Value param,
                   int64_t dim) {
  auto type = cast<RankedTensorType>(param.getType());
  if (type.getRank() == 0)
    return AffineMap::get(rank, 0, {}, context);
  if (type.getNumElements() == 1)
    return AffineMap::get(rank, 0, getAffineConstantExpr(0, context));
  return AffineMap::get(rank, 0, getAffineDimExpr(dim, context));
}

/// The map of a QuantizeLinear / DequantizeLinear parameter: per-tensor,
/// per-axis along `axis`, or blocked (same rank as the data, `axis` divided
/// by `blockSize`). ONNX reads a one-element parameter as per-tensor first.
AffineMap linearParamMap(MLIRContext *context, int64_t rank, Value param,
                         int64_t axis, int64_t blockSize) {
  if (blockSize <= 0 || isPerTensor(param))
    return paramMap(context, rank, param, axis);
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < rank; ++i) {
    AffineExpr d = getAffineDimExpr(i, context);
    exprs.push_back(i == axis ? d.floorDiv(blockSize) : d);
  }
  return AffineMap::get(rank, 0, exprs, context);
}

ElementKind i32Kind(OpBuilder &b) { return {b.getI32Type(), false}; }

/// The integer range of `kind` (at most 32 bits), as int64.
std::pair<int64_t, int64_t> integerRange(const ElementKind &kind) {
  unsigned width = kind.type.getIntOrFloatBitWidth();
  if (kind.isUnsigned)
    return {0, (int64_t(1) << width) - 1};
  return {-(int64_t(1) << (width - 1)), (int64_t(1) << (width - 1)) - 1};
}

/// `rounded` (an integer-valued float, already rounded half to even) plus
/// the int32 zero point `zp` (null: 0), saturated to `out`'s range. The
/// float is clamped first so that the conversion is always defined: beyond
/// +-2^17 the result saturates whatever the (16-bit at most) zero point,
/// and NaN goes to the low end, where numpy's conversion sends it too.
Value buildSaturate(OpBuilder &b, Location loc, Value rounded, Value zp,
                    const ElementKind &out) {
  if (rounded.getType().getIntOrFloatBitWidth() < 32)
    rounded = arith::ExtFOp::create(b, loc, b.getF32Type(), rounded);
  Type floatType = rounded.getType();
  Value clamped = arith::MaxNumFOp::create(
      b, loc, rounded, buildScalar(b, loc, floatType, -131072.0));
  clamped = arith::MinNumFOp::create(b, loc, clamped,
                                     buildScalar(b, loc, floatType, 131072.0));
  Type i32 = b.getI32Type();
  Value value = arith::FPToSIOp::create(b, loc, i32, clamped);
  if (zp)
    value = arith::AddIOp::create(b, loc, value, zp);
  auto [lowest, highest] = integerRange(out);
  value = arith::MaxSIOp::create(b, loc, value,
                                 buildScalar(b, loc, i32, double(lowest)));
  value = arith::MinSIOp::create(b, loc, value,
                                 buildScalar(b, loc, i32, double(highest)));
  if (out.type.getIntOrFloatBitWidth() < 32)
    value = arith::TruncIOp::create(b, loc, out.type, value);
  return value;
}

/// `data - zp` in int32 over `data`'s shape; `zp` (null: none) is read
/// through `zpMap`. Both have the kind `kind`.
Value buildShiftedI32(OpBuilder &b, Location loc, Value data, Value zp,
                      AffineMap zpMap, const ElementKind &kind) {
  auto type = cast<RankedTensorType>(data.getType());
  auto resultType = RankedTensorType::get(type.getShape(), b.getI32Type());
  SmallVector<Value> inputs = {data};
  SmallVector<AffineMap> maps = {
      AffineMap::getMultiDimIdentityMap(type.getRank(), b.getContext())};
  if (zp) {
    inputs.push_back(zp);
    maps.push_back(zpMap);
  }
  return buildMappedGeneric(
      b, loc, inputs, maps, resultType,
      [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        Value value = buildScalarCast(nb, nl, args[0], kind, i32Kind(nb));
        if (args.size() == 1)
          return value;
        Value shift = buildScalarCast(nb, nl, args[1], kind, i32Kind(nb));
        return arith::SubIOp::create(nb, nl, value, shift);
      });
}

/// The zero point operand, or null when it is missing.
Value presentOrNull(Value original, Value converted) {
  return isNone(original) ? Value() : converted;
}

//===----------------------------------------------------------------------===//
// QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear
//===----------------------------------------------------------------------===//

/// QuantizeLinear or DequantizeLinear `op` as one generic over `resultType`
/// yielding `body(x, scale[, zp])` per element; `zp` may be null. The
/// parameters are read per tensor, per axis or per block after `op`'s axis
/// and block size.
template <typename OpT>
Value buildLinearQuantization(OpBuilder &b, OpT op, Value x, Value scale,
                              Value zp, RankedTensorType resultType,
                              ScalarBuilder body) {
  MLIRContext *context = b.getContext();
  int64_t rank = resultType.getRank();
  // The getter returns the attribute's bits unsigned.
  auto axis = static_cast<int64_t>(op.getAxis());
  if (axis < 0)
    axis += rank;
  SmallVector<Value> inputs = {x, scale};
  SmallVector<AffineMap> maps = {
      AffineMap::getMultiDimIdentityMap(rank, context),
      linearParamMap(context, rank, scale, axis, op.getBlockSize())};
  if (zp) {
    inputs.push_back(zp);
    maps.push_back(linearParamMap(context, rank, zp, axis, op.getBlockSize()));
  }
  return buildMappedGeneric(b, op.getLoc(), inputs, maps, resultType, body);
}

FailureOr<Value> lowerQuantizeLinear(nn::QuantizeLinearOp op,
                                     nn::QuantizeLinearOp::Adaptor adaptor,
                                     RankedTensorType resultType,
                                     ConversionPatternRewriter &rewriter) {
  ElementKind in = getElementKind(op.getX().getType());
  ElementKind out = getElementKind(op.getY().getType());
  // The reference divides in x's type; int32 x divides as numpy does,
  // in double.
  ElementKind compute = in.isFloat() ? in : ElementKind{rewriter.getF64Type()};
  Value zp = presentOrNull(op.getYZeroPoint(), adaptor.getYZeroPoint());
  return buildLinearQuantization(
      rewriter, op, adaptor.getX(), adaptor.getYScale(), zp, resultType,
      [&](OpBuilder &b, Location l, ValueRange args) {
        Value x = buildScalarCast(b, l, args[0], in, compute);
        Value scale = buildScalarCast(b, l, args[1], in, compute);
        Value rounded = math::RoundEvenOp::create(
            b, l, arith::DivFOp::create(b, l, x, scale));
        Value shift = args.size() > 2
                          ? buildScalarCast(b, l, args[2], out, i32Kind(b))
                          : Value();
        return buildSaturate(b, l, rounded, shift, out);
      });
}

FailureOr<Value> lowerDequantizeLinear(nn::DequantizeLinearOp op,
                                       nn::DequantizeLinearOp::Adaptor adaptor,
                                       RankedTensorType resultType,
                                       ConversionPatternRewriter &rewriter) {
  ElementKind in = getElementKind(op.getX().getType());
  ElementKind scaleKind = getElementKind(op.getXScale().getType());
  Value zp = presentOrNull(op.getXZeroPoint(), adaptor.getXZeroPoint());
  // The reference computes `float32(x) - zp` and multiplies by the scale
  // in f32, which is exact up to the final rounding for 8- and 16-bit
  // data. An int32 zero point makes numpy go through double instead.
  bool viaDouble = zp && in.type.getIntOrFloatBitWidth() == 32;
  ElementKind f32{rewriter.getF32Type()};
  ElementKind compute = viaDouble ? ElementKind{rewriter.getF64Type()} : f32;
  return buildLinearQuantization(
      rewriter, op, adaptor.getX(), adaptor.getXScale(), zp, resultType,
      [&](OpBuilder &b, Location l, ValueRange args) {
        Value x = buildScalarCast(b, l, buildScalarCast(b, l, args[0], in, f32),
                                  f32, compute);
        if (args.size() > 2) {
          Value shift = buildScalarCast(b, l, args[2], in, compute);
          x = arith::SubFOp::create(b, l, x, shift);
        }
        Value scale = buildScalarCast(b, l, args[1], scaleKind, compute);
        Value product = arith::MulFOp::create(b, l, x, scale);
        return buildScalarCast(b, l, product, compute, scaleKind);
      });
}

/// uint8 quantization with the scale and zero point of x's range extended
/// to 0, computed as the reference does (all in f32).
FailureOr<SmallVector<Value>>
lowerDynamicQuantizeLinear(nn::DynamicQuantizeLinearOp op,
                           nn::DynamicQuantizeLinearOp::Adaptor adaptor,
                           RankedTensorType yType,
                           ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  MLIRContext *context = rewriter.getContext();
  Value x = adaptor.getX();
  int64_t rank = yType.getRank();
  Type f32 = rewriter.getF32Type();

  // max(0, max(x)) and min(0, min(x)) in one pass: starting both
  // accumulators at 0 includes 0 in the range.
  auto scalarType = RankedTensorType::get({}, f32);
  Value zero = buildScalar(rewriter, loc, f32, 0);
  Value maxInit = buildFilled(rewriter, loc, scalarType, zero);
  Value minInit = buildFilled(rewriter, loc, scalarType, zero);
  AffineMap toScalar = AffineMap::get(rank, 0, {}, context);
  auto reduce = linalg::GenericOp::create(
      rewriter, loc, TypeRange{scalarType, scalarType}, x,
      ValueRange{maxInit, minInit},
      {AffineMap::getMultiDimIdentityMap(rank, context), toScalar, toScalar},
      getIteratorTypes(0, rank),
      [&](OpBuilder &b, Location l, ValueRange args) {
        linalg::YieldOp::create(
            b, l,
            ValueRange{arith::MaximumFOp::create(b, l, args[1], args[0]),
                       arith::MinimumFOp::create(b, l, args[2], args[0])});
      });
  Value maxX = tensor::ExtractOp::create(rewriter, loc, reduce.getResult(0),
                                         ValueRange{});
  Value minX = tensor::ExtractOp::create(rewriter, loc, reduce.getResult(1),
                                         ValueRange{});

  // scale = (max == min ? 1 : max - min) / 255.
  Value same = arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::OEQ,
                                     maxX, minX);
  Value range = arith::SelectOp::create(
      rewriter, loc, same, buildScalar(rewriter, loc, f32, 1),
      arith::SubFOp::create(rewriter, loc, maxX, minX));
  Value scale = arith::DivFOp::create(rewriter, loc, range,
                                      buildScalar(rewriter, loc, f32, 255));
  // zero point = round(clamp(0 - min / scale, 0, 255)).
  Value initialZp = arith::SubFOp::create(
      rewriter, loc, zero, arith::DivFOp::create(rewriter, loc, minX, scale));
  Value zpFloat = math::RoundEvenOp::create(
      rewriter, loc,
      arith::MaximumFOp::create(
          rewriter, loc, zero,
          arith::MinimumFOp::create(
              rewriter, loc, buildScalar(rewriter, loc, f32, 255), initialZp)));

  // y = clamp(round(x / scale) + zp, 0, 255), exact in f32 while it
  // matters (beyond 2^24 it saturates anyway).
  Type i8 = rewriter.getI8Type();
  Value y = buildMappedGeneric(
      rewriter, loc, x, AffineMap::getMultiDimIdentityMap(rank, context), yType,
      [&](OpBuilder &b, Location l, ValueRange args) -> Value {
        Value rounded = math::RoundEvenOp::create(
            b, l, arith::DivFOp::create(b, l, args[0], scale));
        Value value = arith::AddFOp::create(b, l, rounded, zpFloat);
        value =
            arith::MaxNumFOp::create(b, l, value, buildScalar(b, l, f32, 0));
        value =
            arith::MinNumFOp::create(b, l, value, buildScalar(b, l, f32, 255));
        return arith::FPToUIOp::create(b, l, i8, value);
      });
  Value scaleTensor =
      tensor::FromElementsOp::create(rewriter, loc, scalarType, scale);
  Value zpTensor = tensor::FromElementsOp::create(
      rewriter, loc, RankedTensorType::get({}, i8),
      ValueRange{arith::FPToUIOp::create(rewriter, loc, i8, zpFloat)});
  return SmallVector<Value>{y, scaleTensor, zpTensor};
}

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

/// The int32 accumulator of an integer convolution:
/// `bias + conv(x - xZp, w - wZp)` with `x` padded by zeros after the shift
/// (so padding counts as the zero point, as in the reference). `xZp`, `wZp`
/// and `bias` may be null.
template <typename OpT>
FailureOr<Value> buildIntegerConv(OpBuilder &b, OpT op, Value x, Value xZp,
                                  Value w, Value wZp, Value bias,
                                  ArrayRef<int64_t> accShape) {
  Location loc = op.getLoc();
  MLIRContext *context = b.getContext();
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  int64_t rank = xType.getRank();
  int64_t spatial = rank - 2;
  FailureOr<WindowGeometry> window = resolveWindow(
      loc, xType.getShape().drop_front(2), wType.getShape().drop_front(2),
      op.getStrides(), op.getDilations(), op.getPads(), op.getAutoPad());
  if (failed(window))
    return failure();

  Value x32 = buildShiftedI32(
      b, loc, x, xZp, xZp ? paramMap(context, rank, xZp, 0) : AffineMap(),
      getElementKind(op.getX().getType()));
  Value w32 = buildShiftedI32(
      b, loc, w, wZp, wZp ? paramMap(context, rank, wZp, 0) : AffineMap(),
      getElementKind(op.getW().getType()));
  SmallVector<int64_t> low(2, 0), high(2, 0);
  for (int64_t i = 0; i < spatial; ++i) {
    low.push_back(window->pads[i]);
    high.push_back(window->pads[spatial + i]);
  }
  Type i32 = b.getI32Type();
  Value zero = buildScalar(b, loc, i32, 0);
  x32 = buildPad(b, loc, x32, low, high, zero);

  auto accType = RankedTensorType::get(accShape, i32);
  Value init;
  if (bias)
    init = buildMappedCopy(
        b, loc, bias, AffineMap::get(rank, 0, getAffineDimExpr(1, context)),
        accType);
  else
    init = buildFilled(b, loc, accType, zero);
  return buildConvolution(b, loc, x32, w32, init, window->strides,
                          window->dilations, op.getGroup());
}

FailureOr<Value> lowerConvInteger(nn::ConvIntegerOp op,
                                  nn::ConvIntegerOp::Adaptor adaptor,
                                  RankedTensorType resultType,
                                  ConversionPatternRewriter &rewriter) {
  return buildIntegerConv(
      rewriter, op, adaptor.getX(),
      presentOrNull(op.getXZeroPoint(), adaptor.getXZeroPoint()),
      adaptor.getW(),
      presentOrNull(op.getWZeroPoint(), adaptor.getWZeroPoint()), Value(),
      resultType.getShape());
}

/// The requantization of an int32 accumulator `acc`:
/// `saturate(round(acc * ((aScale * bScale) / yScale) + yZp))`, the
/// multiplier in the scales' type as in the reference. The reference then
/// multiplies an int32 array by a float32 one, which numpy promotes to
/// double; f32 would round products such as `5 * 0.1f` onto a tie and
/// round them the other way. Each parameter is read through its map over
/// `acc`'s iteration space.
Value buildRequantize(OpBuilder &b, Location loc, Value acc, Value aScale,
                      AffineMap aMap, Value bScale, AffineMap bMap,
                      Value yScale, Value yZp, AffineMap yMap,
                      RankedTensorType resultType, const ElementKind &out) {
  int64_t rank = resultType.getRank();
  SmallVector<AffineMap> maps = {
      AffineMap::getMultiDimIdentityMap(rank, b.getContext()), aMap, bMap, yMap,
      yMap};
  return buildMappedGeneric(
      b, loc, ValueRange{acc, aScale, bScale, yScale, yZp}, maps, resultType,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        ElementKind f64{nb.getF64Type()};
        Value multiplier = arith::DivFOp::create(
            nb, nl, arith::MulFOp::create(nb, nl, args[1], args[2]), args[3]);
        multiplier = buildScalarCast(nb, nl, multiplier,
                                     getElementKind(multiplier.getType()), f64);
        Value value = arith::MulFOp::create(
            nb, nl, buildScalarCast(nb, nl, args[0], i32Kind(nb), f64),
            multiplier);
        value = arith::AddFOp::create(
            nb, nl, value, buildScalarCast(nb, nl, args[4], out, f64));
        Value rounded = math::RoundEvenOp::create(nb, nl, value);
        return buildSaturate(nb, nl, rounded, Value(), out);
      });
}

FailureOr<Value> lowerQLinearConv(nn::QLinearConvOp op,
                                  nn::QLinearConvOp::Adaptor adaptor,
                                  RankedTensorType resultType,
                                  ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  FailureOr<Value> acc = buildIntegerConv(
      rewriter, op, adaptor.getX(), adaptor.getXZeroPoint(), adaptor.getW(),
      adaptor.getWZeroPoint(), presentOrNull(op.getB(), adaptor.getB()),
      resultType.getShape());
  if (failed(acc))
    return failure();
  MLIRContext *context = rewriter.getContext();
  int64_t rank = resultType.getRank();
  // w_scale is per-tensor or per output channel (dimension 1 of y).
  return buildRequantize(
      rewriter, loc, *acc, adaptor.getXScale(),
      paramMap(context, rank, adaptor.getXScale(), 0), adaptor.getWScale(),
      paramMap(context, rank, adaptor.getWScale(), 1), adaptor.getYScale(),
      adaptor.getYZeroPoint(), paramMap(context, rank, adaptor.getYScale(), 0),
      resultType, getElementKind(op.getY().getType()));
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

/// A per-row parameter of A (1-D of M elements) reshaped to M x 1 so that
/// it broadcasts NumPy-style against A or the product. The other forms
/// (per-tensor, A's rank with a last dimension of 1, per column of B)
/// already broadcast.
Value normalizeMatMulParam(OpBuilder &b, Location loc, Value param,
                           bool perRow) {
  auto type = cast<RankedTensorType>(param.getType());
  if (perRow && type.getRank() == 1 && type.getDimSize(0) != 1)
    return buildReshape(b, loc, param, {type.getDimSize(0), 1});
  return param;
}

/// `value - zp` in int32, with `zp` a matmul parameter (per-tensor, per row
/// of A or per column of B; null: none).
Value buildShiftedMatMulOperand(OpBuilder &b, Location loc, Value value,
                                Value zp, bool perRow,
                                const ElementKind &kind) {
  auto type = cast<RankedTensorType>(value.getType());
  auto resultType = RankedTensorType::get(type.getShape(), b.getI32Type());
  SmallVector<Value> inputs = {value};
  if (zp)
    inputs.push_back(normalizeMatMulParam(b, loc, zp, perRow));
  return buildBroadcastGeneric(
      b, loc, inputs, resultType,
      [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        Value result = buildScalarCast(nb, nl, args[0], kind, i32Kind(nb));
        if (args.size() == 1)
          return result;
        return arith::SubIOp::create(
            nb, nl, result,
            buildScalarCast(nb, nl, args[1], kind, i32Kind(nb)));
      });
}

/// NumPy matmul of the int32 tensors `a` and `b` in the promoted shape:
/// broadcast batch dimensions, then M x N, with the dimension of a 1-D
/// operand kept as 1 (the caller reshapes to the result type).
FailureOr<Value> buildIntegerMatMul(OpBuilder &b, Location loc, Value a,
                                    Value bValue) {
  FailureOr<PromotedMatMul> operands = promoteMatMulOperands(b, loc, a, bValue);
  if (failed(operands))
    return failure();
  return buildPromotedMatMul(b, loc, *operands, b.getI32Type(),
                             operands->promoted);
}

FailureOr<Value> lowerMatMulInteger(nn::MatMulIntegerOp op,
                                    nn::MatMulIntegerOp::Adaptor adaptor,
                                    RankedTensorType resultType,
                                    ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  Value a = buildShiftedMatMulOperand(
      rewriter, loc, adaptor.getA(),
      presentOrNull(op.getAZeroPoint(), adaptor.getAZeroPoint()),
      /*perRow=*/true, getElementKind(op.getA().getType()));
  Value b = buildShiftedMatMulOperand(
      rewriter, loc, adaptor.getB(),
      presentOrNull(op.getBZeroPoint(), adaptor.getBZeroPoint()),
      /*perRow=*/false, getElementKind(op.getB().getType()));
  FailureOr<Value> y = buildIntegerMatMul(rewriter, loc, a, b);
  if (failed(y))
    return failure();
  return buildReshape(rewriter, loc, *y, resultType.getShape());
}

FailureOr<Value> lowerQLinearMatMul(nn::QLinearMatMulOp op,
                                    nn::QLinearMatMulOp::Adaptor adaptor,
                                    RankedTensorType resultType,
                                    ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  Value a = buildShiftedMatMulOperand(
      rewriter, loc, adaptor.getA(), adaptor.getAZeroPoint(),
      /*perRow=*/true, getElementKind(op.getA().getType()));
  Value b = buildShiftedMatMulOperand(
      rewriter, loc, adaptor.getB(), adaptor.getBZeroPoint(),
      /*perRow=*/false, getElementKind(op.getB().getType()));
  FailureOr<Value> acc = buildIntegerMatMul(rewriter, loc, a, b);
  if (failed(acc))
    return failure();
  auto accType = cast<RankedTensorType>(acc->getType());
  ArrayRef<int64_t> shape = accType.getShape();
  Value aScale = normalizeMatMulParam(rewriter, loc, adaptor.getAScale(), true);
  Value bScale =
      normalizeMatMulParam(rewriter, loc, adaptor.getBScale(), false);
  // y's parameters are per-tensor.
  Value yScale = adaptor.getYScale(), yZp = adaptor.getYZeroPoint();
  // Each parameter is read over the promoted product shape.
  auto map = [&](Value param) {
    return getBroadcastMap(cast<RankedTensorType>(param.getType()), shape);
  };
  Value y =
      buildRequantize(rewriter, loc, *acc, aScale, map(aScale), bScale,
                      map(bScale), yScale, yZp, map(yScale),
                      RankedTensorType::get(shape, resultType.getElementType()),
                      getElementKind(op.getY().getType()));
  return buildReshape(rewriter, loc, y, resultType.getShape());
}

} // namespace

void whittle::populateNNQuantToLinalgPatterns(const TypeConverter &converter,
                                              RewritePatternSet &patterns) {
  addStaticResultLowerings<lowerQuantizeLinear, lowerDequantizeLinear,
                           lowerDynamicQuantizeLinear, lowerConvInteger,
                           lowerQLinearConv, lowerMatMulInteger,
                           lowerQLinearMatMul>(converter, patterns);
}
