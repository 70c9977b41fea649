//===- CompiledModel.h - a model compiled for this CPU ----------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Lowers an nn module with static shapes through the CPU pipeline, compiles
// it on every core (ParallelCodegen.h) and links the objects into this
// process with ORC; compiled models are kept in a cache on disk
// (CompileCache.h). ObjectEmitter.h compiles a model ahead of time instead.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_CPU_COMPILEDMODEL_H
#define WHITTLE_TARGET_CPU_COMPILEDMODEL_H

#include "whittle/Support/HostTensor.h"
#include "whittle/Support/ModelSignature.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>

namespace llvm::orc {
class LLJIT;
} // namespace llvm::orc

namespace whittle {

class CompiledModel {
public:
  /// Lowers `module` (nn on tensors) in place and compiles its function
  /// `entry`, or takes it from the compile cache (getCompileCacheDirectory();
  /// then `module` is left as it is). Errors are emitted as diagnostics. A
  /// model compiled here reads the weights in place: `module`'s context must
  /// outlive it.
  static std::unique_ptr<CompiledModel> compile(mlir::ModuleOp module,
                                                llvm::StringRef entry = "main");

  ~CompiledModel();

  /// Whether compile() found the model in the cache.
  bool isFromCache() const { return fromCache; }

  llvm::ArrayRef<TensorSpec> getInputs() const { return inputs; }
  llvm::ArrayRef<TensorSpec> getOutputs() const { return outputs; }

  /// Runs the model on `inputs` (in order, already checked against
  /// getInputs()) and fills `outputs` (resized and allocated here).
  llvm::Error run(llvm::ArrayRef<HostTensor> inputs,
                  std::vector<HostTensor> &outputs);

  /// The number of threads the model's parallel loops run on; 0 (the
  /// default) leaves it to the OpenMP runtime: OMP_NUM_THREADS if set,
  /// else every core. The results are the same bits for any number.
  void setThreads(unsigned count) { threads = count; }
  /// What 0 means on this machine.
  static unsigned getDefaultThreads();

  /// Runs on raw buffers: `buffers` holds one pointer per input then one
  /// per output, each sized by its spec.
  llvm::Error runRaw(llvm::ArrayRef<void *> buffers);

private:
  CompiledModel() = default;

  std::unique_ptr<llvm::orc::LLJIT> jit;
  /// The cached weights the code reads, when they came from the cache.
  std::unique_ptr<llvm::MemoryBuffer> cachedWeights;
  void (*invoke)(void **buffers) = nullptr;
  bool fromCache = false;
  unsigned threads = 0;
  llvm::SmallVector<TensorSpec> inputs, outputs;
};

} // namespace whittle

#endif // WHITTLE_TARGET_CPU_COMPILEDMODEL_H
