//===- ONNXImportFuzzer.cpp - fuzzes the ONNX importer --------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Built twice: for binary models, and with WHITTLE_FUZZ_TEXTUAL_ONNX for the
// ONNX text syntax (.onnxtext). Each input is imported into a fresh context,
// so that nothing an input interns (types, attributes, weight blobs) grows
// across the run and hides leaks.
//
//===----------------------------------------------------------------------===//

#include "whittle/Import/ONNX/ImportONNX.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <cstdio>
#include <cstdlib>

using namespace mlir;

#ifdef WHITTLE_FUZZ_TEXTUAL_ONNX
static constexpr bool kTextual = true;
#else
static constexpr bool kTextual = false;
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MLIRContext context(MLIRContext::Threading::DISABLED);
  // Rejecting the input is the expected outcome; it must be reported,
  // though, and without printing per input.
  bool reportedError = false;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diagnostic) {
    if (diagnostic.getSeverity() == DiagnosticSeverity::Error)
      reportedError = true;
    return success();
  });
  // A folder that does not exist: external data must fail to load instead
  // of reading whatever files lie around.
  llvm::StringRef path = kTextual ? "/nonexistent/whittle-fuzz/model.onnxtext"
                                  : "/nonexistent/whittle-fuzz/model.onnx";
  whittle::ImportONNXOptions options;
  OwningOpRef<ModuleOp> module = whittle::importONNX(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), path,
      kTextual, &context, options);
  if (!module && !reportedError) {
    fprintf(stderr, "import failed without an error\n");
    abort();
  }
  if (module && failed(verify(*module))) {
    fprintf(stderr, "import returned a module that does not verify\n");
    abort();
  }
  return 0;
}
