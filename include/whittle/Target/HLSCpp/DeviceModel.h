//===- DeviceModel.h - FPGA parts the planner knows -------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The budgets of an FPGA part and its board: the resources the planner may
// spend (within a utilisation cap), the clock it plans for and the off-chip
// bandwidth it may use. Five parts are built in; any other is described by
// a JSON file with the same fields as `#hlscpp.device`.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_HLSCPP_DEVICEMODEL_H
#define WHITTLE_TARGET_HLSCPP_DEVICEMODEL_H

#include "whittle/Dialect/HLSCpp/HLSCppDialect.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace whittle::hlscpp {

/// One FPGA part on one board, with the share of each resource a design may
/// use (percent).
struct DeviceModel {
  std::string name;
  std::string part;
  int64_t clockMhz = 0;
  int64_t dsp = 0;
  int64_t bram18 = 0;
  int64_t uram = 0;
  int64_t lut = 0;
  int64_t ff = 0;
  /// Peak off-chip bandwidth in MB/s (10^6 bytes per second).
  int64_t ddrMbps = 0;
  int64_t capDsp = 80;
  int64_t capBram = 80;
  int64_t capUram = 80;
  int64_t capLut = 70;
  int64_t capFf = 50;

  DeviceAttr toAttr(mlir::MLIRContext *context) const;
  static DeviceModel fromAttr(DeviceAttr attr);
};

/// The built-in parts: zu3eg, zu7ev, zu9eg, vu9p, u250.
const std::vector<DeviceModel> &builtinDevices();

/// A built-in part by name, or the part a JSON file describes when `device`
/// names a file (ends in `.json`). The error says which names are known or
/// what the file lacks.
llvm::Expected<DeviceModel> resolveDevice(llvm::StringRef device);

/// Reads a part from JSON text: an object with `name`, `part`, `clock_mhz`,
/// `dsp`, `bram18`, `uram`, `lut`, `ff`, `ddr_mbps` and optionally the caps
/// `cap_dsp`, `cap_bram`, `cap_uram`, `cap_lut`, `cap_ff` (percent).
llvm::Expected<DeviceModel> parseDeviceJSON(llvm::StringRef text);

} // namespace whittle::hlscpp

#endif // WHITTLE_TARGET_HLSCPP_DEVICEMODEL_H
