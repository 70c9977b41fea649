//===- Pipeline.h - from nn to the LLVM dialect -----------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_CPU_PIPELINE_H
#define WHITTLE_TARGET_CPU_PIPELINE_H

#include "mlir/Pass/PassManager.h"

namespace whittle {

/// nn on tensors -> linalg -> bufferized loops and vectors -> LLVM dialect.
/// The entry function ends up taking one bare pointer per input, then one
/// per output (results become caller-allocated out-parameters), and
/// returning nothing: `void f(const T0 *in0, ..., U0 *out0, ...)`.
/// `int8Kernel` is the instruction int8 products use (an `int8-kernel`
/// value of whittle-vectorize-contractions; getInt8Kernel() gives the one
/// for a target machine); "auto" is the host's best.
void buildLowerToLLVMPipeline(mlir::OpPassManager &pm,
                              llvm::StringRef int8Kernel = "auto");

/// Registers `--whittle-lower-to-llvm` for whittle-opt.
void registerLowerToLLVMPipeline();

} // namespace whittle

#endif // WHITTLE_TARGET_CPU_PIPELINE_H
