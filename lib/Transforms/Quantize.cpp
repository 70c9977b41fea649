//===- Quantize.cpp - the --whittle-quantize pass -------------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Parses the options, folds BatchNorm into the convolutions calibration
// saw, runs the quantizer (Quantizer.h) on the entry function, measures
// each layer's SQNR and writes the report.
//
//===----------------------------------------------------------------------===//

#include "Quantizer.h"

#include "whittle/Dialect/NN/Passes.h"
#include "whittle/Transforms/Calibration.h"
#include "whittle/Transforms/EntryFunction.h"
#include "whittle/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringSwitch.h"

namespace whittle {
#define GEN_PASS_DEF_WHITTLEQUANTIZE
#include "whittle/Transforms/Passes.h.inc"
} // namespace whittle

using namespace mlir;
using namespace whittle;
using namespace whittle::quantize;

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

namespace {
struct QuantizePass : whittle::impl::WhittleQuantizeBase<QuantizePass> {
  using Base::Base;
  void runOnOperation() override;
};
} // namespace

void QuantizePass::runOnOperation() {
  ModuleOp module = getOperation();
  auto fail = [&](const Twine &message) {
    module.emitError() << "whittle-quantize: " << message;
    signalPassFailure();
  };
  Scheme parsedScheme;
  if (scheme == "fixed-point")
    parsedScheme = Scheme::FixedPoint;
  else if (scheme == "pow2")
    parsedScheme = Scheme::PowerOfTwo;
  else
    return fail("unknown scheme '" + scheme + "'; use fixed-point or pow2");
  auto mode =
      llvm::StringSwitch<std::optional<qnn::RoundingMode>>(rounding)
          .Case("nearest-even", qnn::RoundingMode::nearest_even)
          .Case("half-away", qnn::RoundingMode::half_away)
          .Case("pseudo-stochastic", qnn::RoundingMode::pseudo_stochastic)
          .Default(std::nullopt);
  if (!mode)
    return fail("unknown rounding '" + rounding +
                "'; use nearest-even, half-away or pseudo-stochastic");
  if (weights != "per-channel" && weights != "per-tensor")
    return fail("unknown weights '" + weights +
                "'; use per-channel or per-tensor");
  if (activations != "symmetric" && activations != "asymmetric")
    return fail("unknown activations '" + activations +
                "'; use symmetric or asymmetric");

  {
    RewritePatternSet patterns(&getContext());
    nn::populatePrepareForQuantizePatterns(patterns);
    if (failed(applyPatternsGreedily(module, std::move(patterns))))
      return signalPassFailure();
  }
  func::FuncOp func = getEntryFunction(module, "whittle-quantize");
  if (!func)
    return signalPassFailure();
  if (func.getBody().getBlocks().size() != 1)
    return fail("needs an entry function with one block");
  Quantizer quantizer(func, parsedScheme, *mode, weights == "per-channel",
                      activations == "symmetric", unsignedAfterRelu);
  if (failed(quantizer.run()))
    return signalPassFailure();
  std::vector<LayerReport> layers = quantizer.takeReport();
  if (!report.empty() && sqnr) {
    // By default, the samples calibration ran on.
    std::string data = sqnrData;
    int64_t limit = sqnrLimit;
    auto calibration =
        module->getAttrOfType<DictionaryAttr>(kCalibrationAttrName);
    if (data.empty() && calibration)
      if (auto path = calibration.getAs<StringAttr>("data")) {
        data = path.str();
        if (auto samples = calibration.getAs<IntegerAttr>("samples");
            samples && limit < 0)
          limit = samples.getInt();
      }
    if (!data.empty()) {
      SmallVector<std::optional<double>> sqnrs(layers.size());
      if (failed(measureLayerSQNR(module, func.getSymName(),
                                  quantizer.getLayerOutputs(), data, limit,
                                  sqnrs)))
        return signalPassFailure();
      for (auto [layer, value] : llvm::zip(layers, sqnrs))
        layer.sqnr = value;
    }
  }
  quantizer.eraseFloatModel();
  for (Operation &op : func.getBody().front())
    op.removeAttr(kRangeAttrName);
  if (!report.empty()) {
    printQuantizeReportTable(layers, llvm::outs());
    if (report != "-")
      if (auto error = writeQuantizeReport(layers, scheme, report))
        return fail(llvm::toString(std::move(error)));
  }
}
