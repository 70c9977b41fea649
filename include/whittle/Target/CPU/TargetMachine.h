//===- TargetMachine.h - the CPU compiled code is for -----------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// LLVM's vectorizers size vectors from the target: without a TargetMachine
// for the CPU the code will run on they see no vector registers and emit
// scalar code. The JIT and the object emitter create theirs here.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_CPU_TARGETMACHINE_H
#define WHITTLE_TARGET_CPU_TARGETMACHINE_H

#include "llvm/IR/Module.h"
#include "llvm/Support/CodeGen.h"
#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace whittle {

/// The CPU to compile for. All empty: this machine's CPU, with the
/// features it has.
struct TargetSpec {
  /// An LLVM target triple ("x86_64-pc-linux-gnu", "aarch64-linux-gnu").
  std::string triple;
  /// An LLVM CPU name ("skylake-avx512", "neoverse-v1"); empty: the host's
  /// CPU for the host triple, "generic" for another.
  std::string cpu;
  /// LLVM feature string ("+avx2,-avx512f"), added to the CPU's own.
  std::string features;
};

/// Where the generated code will live, which decides how it addresses its
/// functions and data.
enum class CodeUse {
  /// In this process, wherever the JIT maps it: ORC's choices (the large
  /// code model on x86-64).
  JIT,
  /// In an object file for any executable or shared library: position
  /// independent, with the target's default (small) code model.
  Object,
};

/// A TargetMachine for `target` that optimizes aggressively.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const TargetSpec &target, CodeUse use);

/// Runs LLVM's O3 pipeline, with loop and SLP vectorization, on `module`
/// for `machine`. (MLIR's makeOptimizingTransformer, given the JIT's
/// module, returned it unchanged: no vectorization at all.)
void optimizeModule(llvm::Module &module, llvm::TargetMachine &machine);

/// Optimizes `module` (optimizeModule) and writes it to `os` as an object
/// file of `machine`.
llvm::Error compileToObject(llvm::Module &module, llvm::TargetMachine &machine,
                            llvm::raw_pwrite_stream &os);

/// The int8 dot-product instruction code for `machine` may use (the
/// `int8-kernel` option of whittle-vectorize-contractions): "vnni" where it
/// has AVX-512 VNNI, "vpmaddwd" where it has AVX2, else "none".
std::string getInt8Kernel(const llvm::TargetMachine &machine);

} // namespace whittle

#endif // WHITTLE_TARGET_CPU_TARGETMACHINE_H
