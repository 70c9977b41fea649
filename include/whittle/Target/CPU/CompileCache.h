//===- CompileCache.h - compiled models on disk -----------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// A cache of compiled models on disk, so that calibration, evaluation and a
// second run of the same model start without compiling. An entry is keyed
// by a hash of the module before lowering (weights included), the entry
// function, the target machine and the whittle binary that compiled it; it
// holds the object files and the weights the objects read.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_CPU_COMPILECACHE_H
#define WHITTLE_TARGET_CPU_COMPILECACHE_H

#include "whittle/Target/CPU/ExternalConstants.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace llvm {
class TargetMachine;
} // namespace llvm

namespace whittle {

/// A compiled model as the cache holds it.
struct CachedModel {
  std::vector<std::unique_ptr<llvm::MemoryBuffer>> objects;
  /// The weights' bytes (mapped from the cache file) ...
  std::unique_ptr<llvm::MemoryBuffer> constantBytes;
  /// ... and the symbols the objects read them by.
  llvm::SmallVector<ExternalConstant> constants;
};

/// The cache's folder: $WHITTLE_CACHE, else $XDG_CACHE_HOME/whittle, else
/// $HOME/.cache/whittle; empty (no cache) when WHITTLE_CACHE is set but
/// empty or none of them is set.
std::string getCompileCacheDirectory();

/// The key of `module`'s function `entry` compiled for `machine`. Call it
/// before lowering, which changes the module.
std::string getCompileCacheKey(mlir::ModuleOp module, llvm::StringRef entry,
                               const llvm::TargetMachine &machine);

/// The entry `key` of the cache in `directory`, if there is a complete one.
std::optional<CachedModel> loadCachedModel(llvm::StringRef directory,
                                           llvm::StringRef key);

/// Adds an entry (atomically: a reader sees all of it or nothing) and
/// removes the least recently used entries beyond the cache's size limit
/// ($WHITTLE_CACHE_MAX_MB, default 2048). Failures leave the cache as it
/// was: a cache is never a reason for a compile to fail.
void storeCachedModel(
    llvm::StringRef directory, llvm::StringRef key,
    llvm::ArrayRef<std::unique_ptr<llvm::MemoryBuffer>> objects,
    llvm::ArrayRef<ExternalConstant> constants);

/// Removes the entry `key` (one that failed to load).
void removeCachedModel(llvm::StringRef directory, llvm::StringRef key);

} // namespace whittle

#endif // WHITTLE_TARGET_CPU_COMPILECACHE_H
