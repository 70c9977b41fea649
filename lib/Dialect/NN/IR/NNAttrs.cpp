//===- NNAttrs.cpp - nn dialect attributes --------------------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNAttrs.h"
#include "whittle/Dialect/NN/NNDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;
using namespace whittle::nn;

#include "whittle/Dialect/NN/NNEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "whittle/Dialect/NN/NNAttrs.cpp.inc"

void NNDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "whittle/Dialect/NN/NNAttrs.cpp.inc"
      >();
}

/// Shortest form of a number for messages (0.5, not 5.000000e-01).
static std::string formatNumber(double value) {
  return llvm::formatv("{0}", llvm::format("%g", value)).str();
}

/// Sparsity is a fraction of the weights: NaN is not one.
static bool isFraction(double value) { return value >= 0.0 && value <= 1.0; }

LogicalResult
SparsityPatternAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                            SparsityGranularity granularity, int64_t n,
                            int64_t m, ArrayRef<int64_t> block,
                            APFloat sparsityValue, int64_t weightOperand,
                            int64_t outAxis, int64_t inAxis) {
  double sparsity = sparsityValue.convertToDouble();
  bool isNM = granularity == SparsityGranularity::NM;
  if (isNM && (n < 1 || m < 1 || n > m))
    return emitError() << n << ":" << m
                       << " is not a valid N:M pattern (need 1 <= N <= M)";
  if (!isNM && (n != 0 || m != 0))
    return emitError() << "n and m belong to \"n:m\" patterns only, not '"
                       << stringifySparsityGranularity(granularity) << "'";
  bool isBlock = granularity == SparsityGranularity::Block;
  if (isBlock && (block.size() != 2 || block[0] < 1 || block[1] < 1))
    return emitError() << "block must be two positive sizes";
  if (!isBlock && !block.empty())
    return emitError() << "block belongs to block patterns only, not '"
                       << stringifySparsityGranularity(granularity) << "'";
  if (!isFraction(sparsity))
    return emitError() << "sparsity " << formatNumber(sparsity)
                       << " is not in [0, 1]";
  if (weightOperand < 0)
    return emitError() << "weight_operand " << weightOperand << " is negative";
  if (outAxis < 0 || inAxis < 0 || outAxis == inAxis)
    return emitError() << "out_axis " << outAxis << " and in_axis " << inAxis
                       << " are not two distinct axes";
  return success();
}

/// The forms factorize and sparsify write (CompressionRecord.h).
static bool isKnownForm(StringRef form) {
  return llvm::is_contained({"tucker2", "channel-svd", "svd",
                             "mask-unstructured", "mask-n:m", "mask-block",
                             "mask-channel"},
                            form);
}

LogicalResult CompressionRecordAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, StringRef layer,
    StringRef form, ArrayRef<int64_t> ranks, APFloat sparsityValue,
    int64_t paramsBefore, int64_t paramsAfter, int64_t macsBefore,
    int64_t macsAfter, APFloat relativeErrorValue) {
  double sparsity = sparsityValue.convertToDouble();
  double relativeError = relativeErrorValue.convertToDouble();
  if (layer.empty())
    return emitError() << "layer must name the original layer";
  SmallVector<StringRef> forms;
  form.split(forms, '+');
  for (StringRef part : forms)
    if (!isKnownForm(part))
      return emitError() << "unknown form '" << part << "' in '" << form
                         << "'; expected tucker2, channel-svd, svd, "
                            "mask-unstructured, mask-n:m, mask-block or "
                            "mask-channel, joined by '+'";
  if (llvm::any_of(ranks, [](int64_t rank) { return rank < 1; }))
    return emitError() << "ranks must be positive";
  if (!isFraction(sparsity))
    return emitError() << "sparsity " << formatNumber(sparsity)
                       << " is not in [0, 1]";
  if (paramsBefore < 0 || paramsAfter < 0 || macsBefore < 0 || macsAfter < 0)
    return emitError() << "parameter and MAC counts must not be negative";
  // NaN is accepted: the error of an all-zero weight is 0 / 0.
  if (relativeError < 0)
    return emitError() << "relative_error " << formatNumber(relativeError)
                       << " is negative";
  return success();
}
