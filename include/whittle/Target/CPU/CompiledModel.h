//===- CompiledModel.h - a model compiled for this CPU ----------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Lowers an nn module with static shapes through the CPU pipeline and JITs
// it with MLIR's ExecutionEngine (ObjectEmitter.h compiles it ahead of
// time instead).
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_CPU_COMPILEDMODEL_H
#define WHITTLE_TARGET_CPU_COMPILEDMODEL_H

#include "whittle/Support/HostTensor.h"
#include "whittle/Support/ModelSignature.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"

#include <memory>

namespace whittle {

class CompiledModel {
public:
  /// Lowers `module` (nn on tensors) in place and JITs its function
  /// `entry`. Errors are emitted as diagnostics. The model reads the
  /// weights in place: `module`'s context must outlive it.
  static std::unique_ptr<CompiledModel> compile(mlir::ModuleOp module,
                                                llvm::StringRef entry = "main");

  llvm::ArrayRef<TensorSpec> getInputs() const { return inputs; }
  llvm::ArrayRef<TensorSpec> getOutputs() const { return outputs; }

  /// Runs the model on `inputs` (in order, already checked against
  /// getInputs()) and fills `outputs` (resized and allocated here).
  llvm::Error run(llvm::ArrayRef<HostTensor> inputs,
                  std::vector<HostTensor> &outputs);

  /// Runs on raw buffers: `buffers` holds one pointer per input then one
  /// per output, each sized by its spec.
  llvm::Error runRaw(llvm::ArrayRef<void *> buffers);

private:
  CompiledModel() = default;

  std::unique_ptr<mlir::ExecutionEngine> engine;
  std::string entry;
  llvm::SmallVector<TensorSpec> inputs, outputs;
};

} // namespace whittle

#endif // WHITTLE_TARGET_CPU_COMPILEDMODEL_H
