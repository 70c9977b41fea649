//===- HLSCppDialect.cpp - FPGA dataflow configuration --------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/HLSCpp/HLSCppDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace whittle::hlscpp;

#include "whittle/Dialect/HLSCpp/HLSCppDialect.cpp.inc"
#include "whittle/Dialect/HLSCpp/HLSCppEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "whittle/Dialect/HLSCpp/HLSCppAttrs.cpp.inc"

void HLSCppDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "whittle/Dialect/HLSCpp/HLSCppAttrs.cpp.inc"
      >();
}

/// Checks that every named count is non-negative.
static LogicalResult
verifyNonNegative(function_ref<InFlightDiagnostic()> emitError,
                  ArrayRef<std::pair<StringRef, int64_t>> counts) {
  for (auto [name, value] : counts)
    if (value < 0)
      return emitError() << name << " must be non-negative, got " << value;
  return success();
}

LogicalResult DeviceAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 StringRef name, StringRef part,
                                 int64_t clockMhz, int64_t dsp, int64_t bram18,
                                 int64_t uram, int64_t lut, int64_t ff,
                                 int64_t ddrMbps, int64_t capDsp,
                                 int64_t capBram, int64_t capUram,
                                 int64_t capLut, int64_t capFf) {
  if (name.empty() || part.empty())
    return emitError() << "a device needs a name and a part";
  if (clockMhz < 1)
    return emitError() << "clock_mhz must be at least 1, got " << clockMhz;
  if (failed(verifyNonNegative(emitError, {{"dsp", dsp},
                                           {"bram18", bram18},
                                           {"uram", uram},
                                           {"lut", lut},
                                           {"ff", ff},
                                           {"ddr_mbps", ddrMbps}})))
    return failure();
  std::pair<StringRef, int64_t> caps[] = {{"cap_dsp", capDsp},
                                          {"cap_bram", capBram},
                                          {"cap_uram", capUram},
                                          {"cap_lut", capLut},
                                          {"cap_ff", capFf}};
  for (auto [capName, cap] : caps)
    if (cap < 1 || cap > 100)
      return emitError() << capName << " is a percentage in 1..100, got "
                         << cap;
  return success();
}

LogicalResult PlanAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               Objective objective, PlanStatus status,
                               APFloat gap, APFloat seconds, int64_t variables,
                               int64_t constraints, int64_t cyclesPerFrame,
                               int64_t latencyCycles) {
  // The gap is relative to the best bound: infinite when no bound was found,
  // never negative or NaN.
  if (gap.isNaN() || gap.isNegative())
    return emitError() << "gap must be a non-negative number";
  if (seconds.isNaN() || seconds.isNegative() || seconds.isInfinity())
    return emitError() << "seconds must be a finite non-negative number";
  return verifyNonNegative(emitError, {{"variables", variables},
                                       {"constraints", constraints},
                                       {"cycles_per_frame", cyclesPerFrame},
                                       {"latency_cycles", latencyCycles}});
}

LogicalResult StageAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                int64_t simd, int64_t pe, Multiplier multiplier,
                                WeightPlacement weights, WeightMemory memory,
                                int64_t rowTile, WeightMemory rows,
                                int64_t cycles, int64_t dsp, int64_t bram18,
                                int64_t uram, int64_t lut, int64_t ff,
                                int64_t ddrBytes,
                                ArrayRef<int64_t> fifoDepths) {
  if (simd < 1 || pe < 1)
    return emitError() << "simd and pe must be at least 1, got simd = " << simd
                       << ", pe = " << pe;
  // Only weights kept on chip occupy a memory; a stage without weights or
  // with streamed weights names none.
  bool onChip = weights == WeightPlacement::onchip;
  if (onChip != (memory != WeightMemory::none))
    return emitError() << "weights = " << stringifyWeightPlacement(weights)
                       << " cannot be held in memory = "
                       << stringifyWeightMemory(memory);
  // Row tiles say how often streamed weights pass; nothing else has them.
  bool streamed = weights == WeightPlacement::streamed;
  if (streamed && rowTile < 1)
    return emitError() << "weights = streamed needs row_tile >= 1 (output "
                          "rows per pass over the weights), got "
                       << rowTile;
  if (!streamed && rowTile != 0)
    return emitError() << "row_tile = " << rowTile
                       << " is for streamed weights, not weights = "
                       << stringifyWeightPlacement(weights);
  if (rows != WeightMemory::bram && rows != WeightMemory::lutram)
    return emitError() << "rows = " << stringifyWeightMemory(rows)
                       << ": input rows are kept in bram or lutram";
  if (failed(verifyNonNegative(emitError, {{"cycles", cycles},
                                           {"dsp", dsp},
                                           {"bram18", bram18},
                                           {"uram", uram},
                                           {"lut", lut},
                                           {"ff", ff},
                                           {"ddr_bytes", ddrBytes}})))
    return failure();
  for (int64_t depth : fifoDepths)
    if (depth < 1)
      return emitError() << "fifo depths must be at least 1, got " << depth;
  return success();
}

/// `hlscpp.device` and `hlscpp.plan` belong on the module, `hlscpp.stage` on
/// the ops of a function; each holds its own attribute kind.
LogicalResult HLSCppDialect::verifyOperationAttribute(Operation *op,
                                                      NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  auto expectModule = [&](bool isRightKind, StringRef kind) -> LogicalResult {
    if (!isa<ModuleOp>(op))
      return op->emitOpError() << "'" << name << "' belongs on the module";
    if (!isRightKind)
      return op->emitOpError() << "'" << name << "' must be a " << kind;
    return success();
  };
  if (name == kDeviceAttrName)
    return expectModule(isa<DeviceAttr>(attr.getValue()), "#hlscpp.device");
  if (name == kPlanAttrName)
    return expectModule(isa<PlanAttr>(attr.getValue()), "#hlscpp.plan");
  if (name == kStageAttrName) {
    if (!isa<StageAttr>(attr.getValue()))
      return op->emitOpError() << "'" << name << "' must be a #hlscpp.stage";
    return success();
  }
  return op->emitOpError() << "unknown hlscpp attribute '" << name << "'";
}
