//===- QuantizeReport.cpp - what quantization chose for each layer --------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Transforms/QuantizeReport.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace whittle {

static std::string formatRange(ArrayRef<int32_t> values) {
  if (values.empty())
    return "-";
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  if (*lo == *hi)
    return std::to_string(*lo);
  return std::to_string(*lo) + ".." + std::to_string(*hi);
}

void printQuantizeReportTable(ArrayRef<LayerReport> layers, raw_ostream &os) {
  os << format("%-28s %-16s %-20s %-20s %-23s %-9s %-11s %s\n", "layer", "kind",
               "input scale:zp", "output scale:zp", "multiplier", "shift",
               "acc bound", "SQNR dB");
  for (const LayerReport &layer : layers) {
    std::string name = layer.name.size() > 28
                           ? "..." + layer.name.substr(layer.name.size() - 25)
                           : layer.name;
    std::string in =
        formatv("{0:e3}:{1}", layer.input.scale, layer.input.zeroPoint).str();
    std::string out =
        formatv("{0:e3}:{1}", layer.output.scale, layer.output.zeroPoint).str();
    std::string sqnr =
        layer.sqnr ? formatv("{0:f1}", *layer.sqnr).str() : std::string("-");
    std::string bound = layer.accumulatorBound
                            ? std::to_string(layer.accumulatorBound)
                            : std::string("-");
    os << format("%-28s %-16s %-20s %-20s %-23s %-9s %-11s %s\n", name.c_str(),
                 layer.kind.c_str(), in.c_str(), out.c_str(),
                 formatRange(layer.multipliers).c_str(),
                 formatRange(layer.shifts).c_str(), bound.c_str(),
                 sqnr.c_str());
  }
}

Error writeQuantizeReport(ArrayRef<LayerReport> layers, StringRef scheme,
                          StringRef path) {
  json::Array array;
  for (const LayerReport &layer : layers) {
    json::Object object{
        {"name", layer.name},
        {"kind", layer.kind},
        {"input_scale", layer.input.scale},
        {"input_zero_point", layer.input.zeroPoint},
        {"output_scale", layer.output.scale},
        {"output_zero_point", layer.output.zeroPoint},
        {"weight_scales", json::Array(layer.weightScales)},
        {"multipliers", json::Array(layer.multipliers)},
        {"shifts", json::Array(layer.shifts)},
    };
    if (layer.input2) {
      object["input2_scale"] = layer.input2->scale;
      object["input2_zero_point"] = layer.input2->zeroPoint;
    }
    if (layer.accumulatorBound)
      object["accumulator_bound"] = layer.accumulatorBound;
    // JSON has no infinity: an exact layer's SQNR is null.
    if (layer.sqnr)
      object["sqnr_db"] = std::isfinite(*layer.sqnr) ? json::Value(*layer.sqnr)
                                                     : json::Value(nullptr);
    array.push_back(std::move(object));
  }
  json::Object root{{"scheme", scheme}, {"layers", std::move(array)}};
  std::error_code ec;
  raw_fd_ostream os(path, ec, sys::fs::OF_Text);
  if (ec)
    return createStringError(ec, "cannot write the quantization report '" +
                                     path + "': " + ec.message());
  os << formatv("{0:2}", json::Value(std::move(root))) << "\n";
  return Error::success();
}

} // namespace whittle
