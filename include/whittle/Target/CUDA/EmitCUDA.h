//===- EmitCUDA.h - print a planned qnn model as CUDA -----------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The CUDA emitter prints what `whittle-cuda-plan` decided: one launch per
// kernel with the planned tile, buffers and epilogue, the C API, and the
// weights file in the layouts the kernels read (OHWI, packed depthwise
// words, folded biases), computed here with the runtime's own host
// functions.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_CUDA_EMITCUDA_H
#define WHITTLE_TARGET_CUDA_EMITCUDA_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace whittle::cuda {

/// A planned model printed: its sources and its weights.
struct EmittedModel {
  /// The C identifier of the model (the API's prefix: whittle_<name>_...).
  std::string name;
  /// cuda/model.cu and include/<name>.h.
  std::string source, header;
  std::vector<char> weights;
};

/// Prints the planned module `module` (see whittle-cuda-plan); `name` is
/// the C identifier of the model.
mlir::LogicalResult emitCUDA(mlir::ModuleOp module, llvm::StringRef name,
                             EmittedModel &model);

/// Writes the whole project into the existing folder `dir`: the emitted
/// model, the runtime headers, run_model, CMakeLists.txt, weights.bin,
/// model.qnn.mlir, report.json and report.txt.
mlir::LogicalResult writeCUDAProject(mlir::ModuleOp module,
                                     const EmittedModel &model,
                                     llvm::StringRef dir);

/// The design report of a planned module as JSON (per op: kernel, tile,
/// predicted time; totals).
void writeCUDAReport(mlir::ModuleOp module, llvm::raw_ostream &os);

/// The same as a table for people (report.txt, which whittlec prints).
void writeCUDAReportText(mlir::ModuleOp module, llvm::raw_ostream &os);

void registerEmitCUDATranslation();

} // namespace whittle::cuda

#endif // WHITTLE_TARGET_CUDA_EMITCUDA_H
