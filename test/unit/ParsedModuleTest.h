//===- ParsedModuleTest.h - a test fixture over a parsed module -*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The unit tests that read IR written in the test itself: a context with
// every whittle dialect loaded and the module parsed from the test's source.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TEST_UNIT_PARSEDMODULETEST_H
#define WHITTLE_TEST_UNIT_PARSEDMODULETEST_H

#include "whittle/InitAllDialects.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

class ParsedModuleTest : public ::testing::Test {
protected:
  ParsedModuleTest() {
    mlir::DialectRegistry registry;
    whittle::registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// Parses `source` into `module`; a fatal failure when it does not parse
  /// (call it under ASSERT_NO_FATAL_FAILURE).
  void parse(llvm::StringRef source) {
    module = mlir::parseSourceString<mlir::ModuleOp>(source, &context);
    ASSERT_TRUE(module);
  }

  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
};

#endif // WHITTLE_TEST_UNIT_PARSEDMODULETEST_H
