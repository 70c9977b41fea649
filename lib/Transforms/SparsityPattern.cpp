//===- SparsityPattern.cpp - the sparsity contract on weighted ops --------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Transforms/SparsityPattern.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Transforms/SparsifyMath.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;
using namespace whittle;

/// Shortest form of a number for messages (0.5, not 5.000000e-01).
static std::string formatNumber(double value) {
  return llvm::formatv("{0}", llvm::format("%g", value)).str();
}

std::optional<WeightLayout> whittle::getWeightLayout(Operation *op) {
  auto rankOf = [&](unsigned operand) -> int64_t {
    if (op->getNumOperands() <= operand)
      return -1;
    auto type = dyn_cast<RankedTensorType>(op->getOperand(operand).getType());
    return type ? type.getRank() : -1;
  };
  if (isa<nn::ConvOp>(op) && rankOf(1) >= 3)
    return WeightLayout{1, 0, 1};
  if (auto gemm = dyn_cast<nn::GemmOp>(op); gemm && rankOf(1) == 2)
    return gemm.getTransB() ? WeightLayout{1, 0, 1} : WeightLayout{1, 1, 0};
  if (isa<nn::MatMulOp>(op) && rankOf(1) >= 2)
    return WeightLayout{1, rankOf(1) - 1, rankOf(1) - 2};
  return std::nullopt;
}

void whittle::setSparsityPattern(Operation *op,
                                 const SparsityPattern &pattern) {
  bool isNM = pattern.granularity == SparsityGranularity::NM;
  bool isBlock = pattern.granularity == SparsityGranularity::Block;
  op->setAttr(
      kSparsityAttrName,
      nn::SparsityPatternAttr::get(
          op->getContext(), pattern.granularity, isNM ? pattern.n : 0,
          isNM ? pattern.m : 0,
          isBlock ? ArrayRef<int64_t>(pattern.block) : ArrayRef<int64_t>(),
          APFloat(pattern.sparsity), pattern.layout.operand,
          pattern.layout.outAxis, pattern.layout.inAxis));
}

std::optional<SparsityPattern> whittle::getSparsityPattern(Operation *op) {
  auto attr = op->getAttrOfType<nn::SparsityPatternAttr>(kSparsityAttrName);
  if (!attr)
    return std::nullopt;
  SparsityPattern pattern;
  pattern.granularity = attr.getGranularity();
  pattern.n = attr.getN();
  pattern.m = attr.getM();
  pattern.block.assign(attr.getBlock().begin(), attr.getBlock().end());
  pattern.sparsity = attr.getSparsity().convertToDouble();
  pattern.layout.operand = attr.getWeightOperand();
  pattern.layout.outAxis = attr.getOutAxis();
  pattern.layout.inAxis = attr.getInAxis();
  return pattern;
}

void whittle::transferSparsityPattern(Operation *from, Operation *to,
                                      unsigned weightOperand) {
  std::optional<SparsityPattern> pattern = getSparsityPattern(from);
  if (!pattern)
    return;
  pattern->layout.operand = weightOperand;
  setSparsityPattern(to, *pattern);
}

std::optional<std::string>
whittle::checkSparsityPattern(ArrayRef<double> weights, ArrayRef<int64_t> shape,
                              const SparsityPattern &pattern) {
  int64_t rank = shape.size();
  const WeightLayout &layout = pattern.layout;
  if (layout.outAxis < 0 || layout.outAxis >= rank || layout.inAxis < 0 ||
      layout.inAxis >= rank || layout.inAxis == layout.outAxis)
    return llvm::formatv("out_axis {0} and in_axis {1} are not two distinct "
                         "axes of the rank-{2} weight",
                         layout.outAxis, layout.inAxis, rank)
        .str();
  if (!(pattern.sparsity >= 0.0 && pattern.sparsity <= 1.0))
    return llvm::formatv("sparsity {0} is not in [0, 1]",
                         formatNumber(pattern.sparsity))
        .str();
  int64_t numElements = weights.size();
  // The declared sparsity is the zero fraction (rounded through f64).
  auto checkZeroFraction = [&](int64_t zeros) -> std::optional<std::string> {
    if (std::fabs(double(zeros) - pattern.sparsity * numElements) > 0.5)
      return llvm::formatv("declares sparsity {0} but {1} of {2} weights "
                           "({3}) are",
                           formatNumber(pattern.sparsity), zeros, numElements,
                           formatNumber(double(zeros) / numElements))
          .str();
    return std::nullopt;
  };
  switch (pattern.granularity) {
  case SparsityGranularity::Channel:
    // The channels are gone from the graph; nothing to check in the data.
    return std::nullopt;
  case SparsityGranularity::Unstructured:
    return checkZeroFraction(sparsify::countZeros(weights));
  case SparsityGranularity::NM: {
    if (pattern.n < 1 || pattern.m < 1 || pattern.n > pattern.m)
      return llvm::formatv("{0}:{1} is not a valid N:M pattern (need "
                           "1 <= N <= M)",
                           pattern.n, pattern.m)
          .str();
    if (shape[layout.inAxis] % pattern.m != 0)
      return llvm::formatv("the reduction length {0} (weight axis {1}) is "
                           "not a multiple of M = {2}",
                           shape[layout.inAxis], layout.inAxis, pattern.m)
          .str();
    int64_t most =
        sparsify::maxNonZerosPerGroup(weights, shape, layout.inAxis, pattern.m);
    if (most > pattern.n)
      return llvm::formatv("declares {0}:{1} but a group of {1} along weight "
                           "axis {2} has {3} non-zeros",
                           pattern.n, pattern.m, layout.inAxis, most)
          .str();
    return checkZeroFraction(sparsify::countZeros(weights));
  }
  case SparsityGranularity::Block: {
    if (pattern.block.size() != 2 || pattern.block[0] < 1 ||
        pattern.block[1] < 1)
      return std::string("block must be two positive sizes");
    if (shape[layout.outAxis] % pattern.block[0] != 0 ||
        shape[layout.inAxis] % pattern.block[1] != 0)
      return llvm::formatv("the block {0}x{1} does not tile the weight's "
                           "axes {2} and {3} ({4} x {5})",
                           pattern.block[0], pattern.block[1], layout.outAxis,
                           layout.inAxis, shape[layout.outAxis],
                           shape[layout.inAxis])
          .str();
    int64_t inBlocks = sparsify::countElementsInZeroBlocks(
        weights, shape, layout.outAxis, layout.inAxis, pattern.block[0],
        pattern.block[1]);
    if (std::fabs(double(inBlocks) - pattern.sparsity * numElements) > 0.5)
      return llvm::formatv("declares block sparsity {0} but {1} of {2} "
                           "weights lie in all-zero {3}x{4} blocks",
                           formatNumber(pattern.sparsity), inBlocks,
                           numElements, pattern.block[0], pattern.block[1])
          .str();
    return std::nullopt;
  }
  }
  llvm_unreachable("unknown granularity");
}

LogicalResult whittle::verifySparsityPattern(Operation *op) {
  if (!op->hasAttr(kSparsityAttrName))
    return success();
  std::optional<SparsityPattern> pattern = getSparsityPattern(op);
  if (!pattern)
    return op->emitError() << "malformed '" << kSparsityAttrName
                           << "' attribute: not a #nn.sparsity<...> pattern";
  if (pattern->layout.operand >= op->getNumOperands())
    return op->emitError() << "'" << kSparsityAttrName
                           << "' names weight operand "
                           << pattern->layout.operand << " but the op has "
                           << op->getNumOperands();
  Value weight = op->getOperand(pattern->layout.operand);
  auto type = dyn_cast<RankedTensorType>(weight.getType());
  ElementsAttr elements;
  if (!type || !type.hasStaticShape() ||
      !matchPattern(weight, m_Constant(&elements)))
    return op->emitError() << "'" << kSparsityAttrName
                           << "' needs a constant weight of static shape to "
                              "check against";
  std::optional<SmallVector<double>> values = nn::readAsDoubles(elements);
  if (!values)
    return op->emitError() << "cannot read the weight's elements";
  if (std::optional<std::string> problem =
          checkSparsityPattern(*values, type.getShape(), *pattern))
    return op->emitError() << "weight does not obey its '"
                           << stringifyGranularity(pattern->granularity)
                           << "' sparsity pattern: " << *problem;
  return success();
}
