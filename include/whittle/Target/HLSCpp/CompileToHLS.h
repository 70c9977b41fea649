//===- CompileToHLS.h - a qnn model to an HLS project -----------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The FPGA target's flow after quantization: check the model is integer
// only, attach the device, plan the dataflow design with the integer
// program, then write the project (HLS C++, testbench, scripts), the qnn IR
// it implements and the design report into one folder, atomically.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_HLSCPP_COMPILETOHLS_H
#define WHITTLE_TARGET_HLSCPP_COMPILETOHLS_H

#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <string>

namespace whittle::hlscpp {

struct CompileToHLSOptions {
  /// A built-in device name (zu3eg, zu7ev, zu9eg, vu9p, u250) or a JSON file.
  std::string device = "zu3eg";
  /// The clock in MHz; 0 keeps the device's default.
  int64_t clockMhz = 0;
  /// throughput or latency.
  std::string objective = "throughput";
  /// Seconds the solver may take; 0 for no limit.
  double timeLimit = 0;
};

/// Plans `module` (qnn, integer only between its edge quantize and
/// dequantize ops) for the device and writes `outDir`: `model.qnn.mlir`,
/// the project `writeHLSProject` writes, `report.json` and `report.txt`.
/// The folder is built beside `outDir` and renamed into place at the end
/// (replacing an earlier one), so on failure nothing is left. Errors are
/// reported on `module` and its ops.
mlir::LogicalResult compileToHLS(mlir::ModuleOp module,
                                 const CompileToHLSOptions &options,
                                 llvm::StringRef outDir);

} // namespace whittle::hlscpp

#endif // WHITTLE_TARGET_HLSCPP_COMPILETOHLS_H
