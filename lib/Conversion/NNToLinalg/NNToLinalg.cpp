//===- NNToLinalg.cpp - the convert-nn-to-linalg pass ---------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Drives the per-family patterns with a dialect conversion: every nn op must
// go. The function signature changes with the element types (unsigned to
// signless); everything else is the patterns' business.
//
//===----------------------------------------------------------------------===//

#include "StaticResultLowering.h"
#include "whittle/Conversion/NNToLinalg/LoweringUtils.h"
#include "whittle/Conversion/Passes.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNTensorData.h"

#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Transforms/DialectConversion.h"

namespace whittle {
#define GEN_PASS_DEF_CONVERTNNTOLINALG
#include "whittle/Conversion/Passes.h.inc"
} // namespace whittle

using namespace mlir;
using namespace whittle;

NNTypeConverter::NNTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](IntegerType type) -> Type {
    if (type.isSignless())
      return type;
    return IntegerType::get(type.getContext(), type.getWidth());
  });
  addConversion([this](RankedTensorType type) -> Type {
    Type element = convertType(type.getElementType());
    if (!element)
      return nullptr;
    return type.clone(element);
  });
  auto materialize = [](OpBuilder &builder, Type type, ValueRange inputs,
                        Location loc) -> Value {
    return UnrealizedConversionCastOp::create(builder, loc, type, inputs)
        .getResult(0);
  };
  addSourceMaterialization(materialize);
  addTargetMaterialization(materialize);
}

namespace {

/// `nn.constant` becomes `arith.constant`; unsigned payloads are
/// reinterpreted as signless of the same width (same bytes).
FailureOr<Value> lowerConstant(nn::ConstantOp op,
                               nn::ConstantOp::Adaptor adaptor,
                               RankedTensorType type,
                               ConversionPatternRewriter &rewriter) {
  ElementsAttr value = op.getValue();
  if (value.getType() != type) {
    if (auto dense = dyn_cast<DenseIntOrFPElementsAttr>(value))
      value = dense.bitcast(type.getElementType());
    else if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
      value = DenseResourceElementsAttr::get(type, resource.getRawHandle());
    else
      return rewriter.notifyMatchFailure(op, "unsupported constant");
  }
  return arith::ConstantOp::create(rewriter, op.getLoc(), type,
                                   cast<TypedAttr>(value))
      .getResult();
}

/// `nn.identity` forwards its operand.
struct IdentityLowering : OpConversionPattern<nn::IdentityOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::IdentityOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

/// Inference-mode `nn.dropout` forwards its data; the mask is all true.
struct DropoutLowering : OpConversionPattern<nn::DropoutOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::DropoutOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // Only inference is compiled: training_mode must be absent or a
    // constant false (the op's verifier rejects a constant true).
    if (!nn::isNone(op.getTrainingMode())) {
      auto mode = nn::getConstantInts(op.getTrainingMode());
      if (!mode || llvm::any_of(*mode, [](int64_t v) { return v != 0; }))
        return op.emitError(
            "cannot lower Dropout whose training_mode is not a constant "
            "false; whittle compiles inference only (make training_mode an "
            "initializer set to false, or remove it)");
    }
    if (!op.getMask().use_empty()) {
      auto maskType =
          convertTensorType(*getTypeConverter(), op.getMask().getType());
      if (!maskType)
        return rewriter.notifyMatchFailure(op, "dynamic shape");
      Value mask = buildFilled(
          rewriter, op.getLoc(), maskType,
          buildScalar(rewriter, op.getLoc(), rewriter.getI1Type(), 1));
      rewriter.replaceOp(op, {adaptor.getData(), mask});
      return success();
    }
    rewriter.replaceOp(op, {adaptor.getData(), Value()});
    return success();
  }
};

struct ConvertNNToLinalgPass
    : whittle::impl::ConvertNNToLinalgBase<ConvertNNToLinalgPass> {
  void runOnOperation() override;
};

} // namespace

void whittle::populateNNConstantToLinalgPatterns(const TypeConverter &converter,
                                                 RewritePatternSet &patterns) {
  addStaticResultLowerings<lowerConstant>(converter, patterns);
  patterns.add<IdentityLowering, DropoutLowering>(converter,
                                                  patterns.getContext());
}

/// The lowering needs static shapes; this names the first op without them.
static LogicalResult checkStaticShapes(ModuleOp module) {
  WalkResult result = module.walk([](Operation *op) {
    if (!isa<nn::NNDialect>(op->getDialect()))
      return WalkResult::advance();
    for (Type type : op->getResultTypes()) {
      auto shaped = dyn_cast<ShapedType>(type);
      if (shaped && !shaped.hasStaticShape()) {
        op->emitError() << "cannot lower '" << op->getName()
                        << "' with the dynamic type " << type
                        << "; give the model's inputs static shapes "
                           "(--input-shape NAME=D0xD1x... or --batch-size)";
        return WalkResult::interrupt();
      }
    }
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

void ConvertNNToLinalgPass::runOnOperation() {
  ModuleOp module = getOperation();
  if (failed(checkStaticShapes(module)))
    return signalPassFailure();

  MLIRContext *context = &getContext();
  NNTypeConverter converter;
  RewritePatternSet patterns(context);
  populateNNConstantToLinalgPatterns(converter, patterns);
  populateNNElementwiseToLinalgPatterns(converter, patterns);
  populateNNContractionToLinalgPatterns(converter, patterns);
  populateNNConvTransposeToLinalgPatterns(converter, patterns);
  populateNNPoolingToLinalgPatterns(converter, patterns);
  populateNNNormalizationToLinalgPatterns(converter, patterns);
  populateNNReductionToLinalgPatterns(converter, patterns);
  populateNNTensorToLinalgPatterns(converter, patterns);
  populateNNQuantToLinalgPatterns(converter, patterns);
  populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                 converter);
  populateReturnOpTypeConversionPattern(patterns, converter);
  populateCallOpTypeConversionPattern(patterns, converter);

  ConversionTarget target(*context);
  target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                         math::MathDialect, scf::SCFDialect,
                         tensor::TensorDialect>();
  target.addLegalOp<ModuleOp>();
  target.addIllegalDialect<nn::NNDialect>();
  // `nn.none` marks a missing optional operand; the patterns ignore it and
  // it is erased once its users are gone.
  target.addLegalOp<nn::NoneOp>();
  target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
    return converter.isSignatureLegal(op.getFunctionType()) &&
           converter.isLegal(&op.getBody());
  });
  target.addDynamicallyLegalOp<func::ReturnOp, func::CallOp>(
      [&](Operation *op) { return converter.isLegal(op); });

  if (failed(applyFullConversion(module, target, std::move(patterns))))
    return signalPassFailure();
  module.walk([](nn::NoneOp op) {
    if (op->use_empty())
      op->erase();
  });
}
