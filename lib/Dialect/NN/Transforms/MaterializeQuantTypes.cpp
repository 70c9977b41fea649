//===- MaterializeQuantTypes.cpp - !quant.uniform results -----------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Gives nn.quantize_linear results with constant scale and zero point a
// `!quant.uniform` element type that restates them: per-tensor
// (`UniformQuantizedType`) or per-axis (`UniformQuantizedPerAxisType` with
// the normalized `axis` as quantized dimension), with x's float type as
// expressed type and the full range of the storage type (`ui8` becomes
// `!quant.uniform<u8:...>`, signless `i8` `!quant.uniform<i8:...>`, likewise
// for 16 bits). The scale and zero point operands stay.
//
// The result type only changes when every user takes it: each use must be
// the quantized data operand of an nn op that accepts quant types
// (dequantize_linear's x, qlinear_conv's x and w, conv_integer's x and w,
// qlinear_matmul's a and b, matmul_integer's A and B) and every user must
// still verify with the new type (so a user whose constant parameters
// disagree with the quantization keeps the plain type). Blocked
// quantization, non-constant parameters and non-float inputs are left
// alone.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Dialect/NN/Passes.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

namespace whittle::nn {
#define GEN_PASS_DEF_NNMATERIALIZEQUANTTYPES
#include "whittle/Dialect/NN/Passes.h.inc"
} // namespace whittle::nn

using namespace mlir;
using namespace whittle::nn;

namespace {

/// True if `use` is the quantized data operand of an nn op that accepts a
/// quant-typed operand there.
static bool takesQuantType(OpOperand &use) {
  unsigned index = use.getOperandNumber();
  return TypeSwitch<Operation *, bool>(use.getOwner())
      .Case([&](DequantizeLinearOp op) {
        return index == op.getXMutable().getOperandNumber();
      })
      .Case([&](QLinearConvOp op) {
        return index == op.getXMutable().getOperandNumber() ||
               index == op.getWMutable().getOperandNumber();
      })
      .Case([&](ConvIntegerOp op) {
        return index == op.getXMutable().getOperandNumber() ||
               index == op.getWMutable().getOperandNumber();
      })
      .Case([&](QLinearMatMulOp op) {
        return index == op.getAMutable().getOperandNumber() ||
               index == op.getBMutable().getOperandNumber();
      })
      .Case([&](MatMulIntegerOp op) {
        return index == op.getAMutable().getOperandNumber() ||
               index == op.getBMutable().getOperandNumber();
      })
      .Default([](Operation *) { return false; });
}

/// Verifies `op` (not its regions) and returns the first diagnostic instead
/// of reporting it.
static LogicalResult verifyQuietly(Operation *op, std::string &message) {
  ScopedDiagnosticHandler handler(op->getContext(), [&](Diagnostic &diag) {
    if (message.empty())
      message = diag.str();
    return success();
  });
  return verify(op, /*verifyRecursively=*/false);
}

struct MaterializeQuantizeLinearType : OpRewritePattern<QuantizeLinearOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeLinearOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType yType = op.getY().getType();
    if (isa<quant::QuantizedType>(yType.getElementType()))
      return rewriter.notifyMatchFailure(op, "y already has a quant type");
    if (op.getBlockSize() > 0)
      return rewriter.notifyMatchFailure(
          op, "blocked quantization has no !quant.uniform type");
    auto xType = cast<RankedTensorType>(op.getX().getType());
    auto expressed = dyn_cast<FloatType>(xType.getElementType());
    if (!expressed)
      return rewriter.notifyMatchFailure(op, "x is not floating-point");
    auto storage = dyn_cast<IntegerType>(yType.getElementType());
    if (!storage)
      return rewriter.notifyMatchFailure(op, "y is not an integer tensor");

    // Constant parameters.
    ElementsAttr scaleAttr = getConstantElements(op.getYScale());
    std::optional<SmallVector<double>> scales =
        scaleAttr ? readAsDoubles(scaleAttr) : std::nullopt;
    if (!scales || scales->empty())
      return rewriter.notifyMatchFailure(op, "y_scale is not a constant");
    SmallVector<int64_t> zeroPoints(scales->size(), 0);
    if (!isNone(op.getYZeroPoint())) {
      ElementsAttr zpAttr = getConstantElements(op.getYZeroPoint());
      std::optional<SmallVector<int64_t>> read =
          zpAttr ? readAsInts(zpAttr) : std::nullopt;
      if (!read)
        return rewriter.notifyMatchFailure(op,
                                           "y_zero_point is not a constant");
      if (read->size() != scales->size())
        return rewriter.notifyMatchFailure(
            op, "y_zero_point and y_scale have different sizes");
      zeroPoints = *read;
    }
    for (double scale : *scales)
      if (!(scale > 0) || !std::isfinite(scale))
        return rewriter.notifyMatchFailure(
            op, "a scale is not positive and finite, which !quant.uniform "
                "cannot express");

    // The quant type: ONNX's signless ints are signed, unsigned ints are not;
    // quant keeps a signless storage type and a flag.
    bool isSigned = !storage.isUnsigned();
    unsigned width = storage.getWidth();
    unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
    Type storageType = rewriter.getIntegerType(width);
    int64_t storageMin =
        quant::QuantizedType::getDefaultMinimumForInteger(isSigned, width);
    int64_t storageMax =
        quant::QuantizedType::getDefaultMaximumForInteger(isSigned, width);
    std::string message;
    Type element;
    {
      Location loc = op.getLoc();
      ScopedDiagnosticHandler handler(op->getContext(), [&](Diagnostic &diag) {
        if (message.empty())
          message = diag.str();
        return success();
      });
      auto emitError = [&] { return mlir::emitError(loc); };
      auto scaleType = cast<RankedTensorType>(op.getYScale().getType());
      bool perTensor = scaleType.getRank() == 0 ||
                       (scaleType.getRank() == 1 && scales->size() == 1);
      if (perTensor) {
        element = quant::UniformQuantizedType::getChecked(
            emitError, flags, storageType, expressed, scales->front(),
            zeroPoints.front(), storageMin, storageMax);
      } else {
        int64_t rank = xType.getRank();
        auto axis = static_cast<int64_t>(op.getAxis());
        if (axis < 0)
          axis += rank;
        element = quant::UniformQuantizedPerAxisType::getChecked(
            emitError, flags, storageType, expressed, *scales, zeroPoints,
            static_cast<int32_t>(axis), storageMin, storageMax);
      }
    }
    if (!element)
      return rewriter.notifyMatchFailure(op, [&](Diagnostic &diag) {
        diag << "no quant type for the parameters: " << message;
      });
    auto newType = RankedTensorType::get(yType.getShape(), element);

    // Every user must take the quant type.
    Value y = op.getY();
    for (OpOperand &use : y.getUses())
      if (!takesQuantType(use))
        return rewriter.notifyMatchFailure(op, [&](Diagnostic &diag) {
          diag << "y is used by '" << use.getOwner()->getName()
               << "' as operand #" << use.getOperandNumber()
               << ", which does not take a quant type";
        });
    y.setType(newType);
    LogicalResult verified = verifyQuietly(op, message);
    for (Operation *user : y.getUsers())
      if (succeeded(verified))
        verified = verifyQuietly(user, message);
    y.setType(yType);
    if (failed(verified))
      return rewriter.notifyMatchFailure(op, [&](Diagnostic &diag) {
        diag << "the quant type does not verify: " << message;
      });

    rewriter.modifyOpInPlace(op, [&] { y.setType(newType); });
    for (Operation *user : llvm::make_early_inc_range(y.getUsers()))
      rewriter.modifyOpInPlace(user, [] {});
    return success();
  }
};

struct MaterializeQuantTypesPass
    : whittle::nn::impl::NNMaterializeQuantTypesBase<
          MaterializeQuantTypesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMaterializeQuantTypesPatterns(patterns);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

} // namespace

void whittle::nn::populateMaterializeQuantTypesPatterns(
    RewritePatternSet &patterns) {
  patterns.add<MaterializeQuantizeLinearType>(patterns.getContext());
}
