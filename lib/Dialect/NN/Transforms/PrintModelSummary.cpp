//===- PrintModelSummary.cpp - ops, parameters and MACs of a model --------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/ModelSummary.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/Format.h"

namespace whittle::nn {
#define GEN_PASS_DEF_NNPRINTMODELSUMMARY
#include "whittle/Dialect/NN/Passes.h.inc"
} // namespace whittle::nn

using namespace mlir;
using namespace whittle::nn;

static int64_t numElements(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  return shaped && shaped.hasStaticShape() ? shaped.getNumElements() : 0;
}

int64_t whittle::nn::countMACs(Operation *op) {
  if (op->getNumOperands() < 2 || op->getNumResults() < 1)
    return 0;
  auto weight = dyn_cast<RankedTensorType>(op->getOperand(1).getType());
  int64_t outputs = numElements(op->getResult(0).getType());
  if (!weight || !weight.hasStaticShape())
    return 0;
  StringRef name = op->getName().stripDialect();
  // Convolutions: every output element reads C/group x kernel weights, the
  // weight's elements per output channel.
  if (name == "conv" || name == "conv_integer")
    return outputs * (weight.getNumElements() / weight.getDimSize(0));
  // ConvTranspose scatters every input element over M/group x kernel.
  if (name == "conv_transpose")
    return numElements(op->getOperand(0).getType()) *
           (weight.getNumElements() / weight.getDimSize(0));
  // Matrix products: every output element is a dot product of length K.
  if (name == "gemm" || name == "matmul" || name == "matmul_integer") {
    auto lhs = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
    if (!lhs || lhs.getRank() == 0)
      return 0;
    int64_t k = lhs.getShape().back();
    if (name == "gemm" && op->getAttrOfType<IntegerAttr>("transA") &&
        op->getAttrOfType<IntegerAttr>("transA").getInt())
      k = lhs.getDimSize(0);
    return outputs * k;
  }
  return 0;
}

ModelSummary whittle::nn::summarizeModel(ModuleOp module) {
  ModelSummary summary;
  llvm::MapVector<StringRef, ModelSummary::OpTypeStats> byType;
  module.walk([&](Operation *op) {
    if (op->getDialect() && op->getDialect()->getNamespace() != "nn")
      return;
    if (auto constant = dyn_cast<ConstantOp>(op)) {
      // Parameters are the float or quantized weights; i64 shapes and axes
      // are not.
      Type element = cast<ShapedType>(constant.getType()).getElementType();
      if (!element.isInteger(64) && !element.isInteger(1))
        summary.parameters += numElements(constant.getType());
      return;
    }
    if (isa<NoneOp>(op))
      return;
    ModelSummary::OpTypeStats &stats = byType[op->getName().stripDialect()];
    ++stats.count;
    stats.macs += countMACs(op);
  });
  for (auto &[name, stats] : byType) {
    summary.macs += stats.macs;
    summary.opTypes.push_back({name.str(), stats});
  }
  llvm::sort(summary.opTypes, [](const auto &a, const auto &b) {
    return a.second.macs != b.second.macs ? a.second.macs > b.second.macs
                                          : a.first < b.first;
  });
  return summary;
}

void whittle::nn::printModelSummary(const ModelSummary &summary,
                                    llvm::raw_ostream &os) {
  os << llvm::format("%-24s %8s %16s\n", "op", "count", "MACs");
  for (const auto &[name, stats] : summary.opTypes)
    os << llvm::format("%-24s %8lld %16lld\n", name.c_str(),
                       (long long)stats.count, (long long)stats.macs);
  os << llvm::format("%-24s %8s %16lld\n", "total MACs", "",
                     (long long)summary.macs);
  os << llvm::format("%-24s %8s %16lld\n", "parameters", "",
                     (long long)summary.parameters);
}

namespace {
struct PrintModelSummaryPass
    : whittle::nn::impl::NNPrintModelSummaryBase<PrintModelSummaryPass> {
  void runOnOperation() override {
    printModelSummary(summarizeModel(getOperation()), llvm::outs());
    markAllAnalysesPreserved();
  }
};
} // namespace
