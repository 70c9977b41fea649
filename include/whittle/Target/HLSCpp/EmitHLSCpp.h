//===- EmitHLSCpp.h - the dataflow design as Vitis HLS C++ ------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The FPGA back end's printer. It reads a qnn module whose planning passes
// have put `hlscpp.stage` on every dataflow stage of the entry function (and
// `hlscpp.device` on the module for the project files) and prints what they
// say: one hls::stream between stages, one call of a stage template of
// whittle_hls_stages.h per stage, the top function's AXI interfaces, the
// weights as one binary file. It changes nothing in the IR; an op it cannot
// print, or a stage without its attribute, is an error naming the op.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_HLSCPP_EMITHLSCPP_H
#define WHITTLE_TARGET_HLSCPP_EMITHLSCPP_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace whittle::hlscpp {

/// Prints the design's C++ (OUTDIR/hls/model.cpp) for the entry function
/// `main` of `module`.
mlir::LogicalResult emitHLSCpp(mlir::ModuleOp module, llvm::raw_ostream &os);

/// Writes the HLS project for `module` into `outDir` (created if needed):
///   hls/model.cpp, hls/model.h and the runtime headers they include;
///   weights.bin, the weights as the stages read them;
///   tb/csim_main.cpp and tb/model_io.h, the C-simulation testbench
///   (`OUTDIR/csim --input a.npy ... --output-dir DIR [--integer-io]`, as
///   whittle-run takes the qnn model);
///   Makefile (`make csim`), vitis_hls.tcl and hls_config.cfg (the part and
///   clock of `hlscpp.device`).
/// Nothing is written when the design cannot be emitted.
mlir::LogicalResult writeHLSProject(mlir::ModuleOp module,
                                    llvm::StringRef outDir);

/// Registers `--emit-hls` with whittle-translate: prints model.cpp, and
/// with `--hls-project-dir=DIR` also writes the whole project there.
void registerEmitHLSTranslation();

} // namespace whittle::hlscpp

#endif // WHITTLE_TARGET_HLSCPP_EMITHLSCPP_H
