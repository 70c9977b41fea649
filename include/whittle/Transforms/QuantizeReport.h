//===- QuantizeReport.h - what quantization chose for each layer -*- C++
//-*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The per-layer record `whittle-quantize` produces: the scales and zero
// points of each rescaling layer, its multipliers and shifts, the bound on
// its i32 accumulator, and (filled in by whoever can run both models) the
// signal-to-quantization-noise ratio of its output.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TRANSFORMS_QUANTIZEREPORT_H
#define WHITTLE_TRANSFORMS_QUANTIZEREPORT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>

namespace whittle {

struct ScaleAndZeroPoint {
  double scale = 1.0;
  int32_t zeroPoint = 0;
};

struct LayerReport {
  /// The ONNX node name (or the op and its location).
  std::string name;
  /// conv, matmul, add, sub, mul, avg_pool, global_avg_pool.
  std::string kind;
  ScaleAndZeroPoint input;
  /// The second operand of add, sub and mul.
  std::optional<ScaleAndZeroPoint> input2;
  ScaleAndZeroPoint output;
  /// Weight scales per output channel (one when per tensor); empty without
  /// weights.
  llvm::SmallVector<double> weightScales;
  llvm::SmallVector<int32_t> multipliers;
  llvm::SmallVector<int32_t> shifts;
  /// The largest |accumulator| any int8 input could produce (products).
  int64_t accumulatorBound = 0;
  /// 10 log10(sum y^2 / sum (y - y_q)^2) of the output over sample data.
  std::optional<double> sqnr;
};

void printQuantizeReportTable(llvm::ArrayRef<LayerReport> layers,
                              llvm::raw_ostream &os);
llvm::Error writeQuantizeReport(llvm::ArrayRef<LayerReport> layers,
                                llvm::StringRef scheme, llvm::StringRef path);

} // namespace whittle

#endif // WHITTLE_TRANSFORMS_QUANTIZEREPORT_H
