//===- QNNToLinalg.cpp - the convert-qnn-to-linalg pass -------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Lowers every qnn op with a partial conversion: the nn data-movement ops
// around them (reshape, transpose, pad, ... on i8) stay for
// convert-nn-to-linalg, which runs after this pass in the CPU pipeline.
//
//===----------------------------------------------------------------------===//

#include "RescaleUtils.h"
#include "whittle/Conversion/Passes.h"

#include "mlir/IR/BuiltinDialect.h"

namespace whittle {
#define GEN_PASS_DEF_CONVERTQNNTOLINALG
#include "whittle/Conversion/Passes.h.inc"
} // namespace whittle

using namespace mlir;
using namespace whittle;

void whittle::populateQNNToLinalgPatterns(RewritePatternSet &patterns) {
  populateQNNBoundaryToLinalgPatterns(patterns);
  populateQNNProductToLinalgPatterns(patterns);
  populateQNNRescaleToLinalgPatterns(patterns);
  populateQNNPoolingToLinalgPatterns(patterns);
  populateQNNNonlinearToLinalgPatterns(patterns);
}

namespace {

/// The lowering needs static shapes; this names the first qnn op without
/// them, or that it cannot lower.
LogicalResult checkLowerable(ModuleOp module) {
  WalkResult result = module.walk([](Operation *op) {
    if (!isa<qnn::QNNDialect>(op->getDialect()))
      return WalkResult::advance();
    auto isDynamic = [](Type type) {
      auto shaped = dyn_cast<ShapedType>(type);
      return shaped && !shaped.hasStaticShape();
    };
    auto types =
        llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes());
    auto it = llvm::find_if(types, isDynamic);
    if (it == types.end())
      return WalkResult::advance();
    op->emitError() << "cannot lower '" << op->getName()
                    << "' with the dynamic type " << *it
                    << "; give the model's inputs static shapes "
                       "(--input-shape NAME=D0xD1x... or --batch-size)";
    return WalkResult::interrupt();
  });
  return failure(result.wasInterrupted());
}

struct ConvertQNNToLinalgPass
    : whittle::impl::ConvertQNNToLinalgBase<ConvertQNNToLinalgPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(checkLowerable(module)))
      return signalPassFailure();
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    populateQNNToLinalgPatterns(patterns);
    ConversionTarget target(*context);
    target.addIllegalDialect<qnn::QNNDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
