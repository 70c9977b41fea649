//===- whittle-opt.cpp - whittle's optimizer driver -----------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "whittle/InitAllDialects.h"
#include "whittle/InitAllPasses.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  whittle::registerAllDialects(registry);
  whittle::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "whittle optimizer driver\n", registry));
}
