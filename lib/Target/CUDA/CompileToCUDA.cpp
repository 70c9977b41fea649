//===- CompileToCUDA.cpp - a qnn model to a CUDA project ------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/CUDA/CompileToCUDA.h"

#include "whittle/Support/ProjectDirectory.h"
#include "whittle/Target/CUDA/EmitCUDA.h"
#include "whittle/Target/CUDA/Passes.h"

#include "mlir/Pass/PassManager.h"

using namespace mlir;
using namespace whittle;
using namespace whittle::cuda;

LogicalResult whittle::cuda::compileToCUDA(ModuleOp module, StringRef gpu,
                                           StringRef name, StringRef outDir) {
  PassManager pm(module.getContext());
  CUDAPlanKernelsOptions plan;
  plan.gpu = gpu.str();
  pm.addPass(createCUDAPlanKernels(plan));
  if (failed(pm.run(module)))
    return failure();
  // Emitted before the folder is made, so that an op the emitter refuses
  // leaves nothing behind.
  EmittedModel model;
  if (failed(emitCUDA(module, name, model)))
    return failure();
  return writeProjectDirectory(module, outDir, "CUDA", [&](StringRef dir) {
    return writeCUDAProject(module, model, dir);
  });
}
