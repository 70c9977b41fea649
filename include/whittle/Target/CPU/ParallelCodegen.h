//===- ParallelCodegen.h - optimize and compile on every core ---*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Splits an LLVM module into parts and optimizes and compiles each part into
// an object file on its own thread (the way LTO's parallel code generation
// does). The model's layers are separate functions (whittle-outline-layers),
// so the parts are independent and the time is the slowest part's.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_CPU_PARALLELCODEGEN_H
#define WHITTLE_TARGET_CPU_PARALLELCODEGEN_H

#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <functional>
#include <memory>
#include <vector>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace whittle {

/// Makes a target machine for one thread (LLVM's are not thread-safe).
using TargetMachineFactory =
    std::function<llvm::Expected<std::unique_ptr<llvm::TargetMachine>>()>;

/// Optimizes (O3) and compiles `module` into at most `parts` object files,
/// on as many threads; `parts` of 0 means one per hardware thread. The
/// module is consumed: its contents move into the parts.
llvm::Expected<std::vector<std::unique_ptr<llvm::MemoryBuffer>>>
compileInParallel(std::unique_ptr<llvm::Module> module,
                  const TargetMachineFactory &createMachine, unsigned parts);

/// The number of threads `parts` = 0 stands for.
unsigned getDefaultThreadCount();

} // namespace whittle

#endif // WHITTLE_TARGET_CPU_PARALLELCODEGEN_H
