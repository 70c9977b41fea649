//===- MLIRParseFuzzer.cpp - fuzzes parsing and verifying nn and qnn IR ---===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Parses `.mlir` text with the nn and qnn dialects (and the upstream ones
// their IR uses) loaded, verifies it, and prints what verified, which runs
// the custom parsers, verifiers, type inference and printers of whittle's
// ops. Each input gets a fresh context so that interned state does not grow.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNDialect.h"
#include "whittle/Dialect/QNN/QNNDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

static const DialectRegistry &getRegistry() {
  static const DialectRegistry registry = [] {
    DialectRegistry registry;
    registry.insert<whittle::nn::NNDialect, whittle::qnn::QNNDialect,
                    arith::ArithDialect, func::FuncDialect, quant::QuantDialect,
                    tensor::TensorDialect>();
    return registry;
  }();
  return registry;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MLIRContext context(getRegistry(), MLIRContext::Threading::DISABLED);
  // Diagnostics of rejected inputs are expected and must not be printed.
  ScopedDiagnosticHandler handler(&context,
                                  [](Diagnostic &) { return success(); });
  // MLIR's lexer stops at the null terminator that files read by the tools
  // always have; libFuzzer's data has none.
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size),
          "fuzz.mlir"),
      llvm::SMLoc());
  ParserConfig config(&context, /*verifyAfterParse=*/true);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, config);
  if (!module)
    return 0;
  llvm::raw_null_ostream os;
  module->print(os);
  module->print(os, OpPrintingFlags().printGenericOpForm());
  return 0;
}
