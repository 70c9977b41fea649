//===- whittle-translate.cpp - whittle's translation driver ---------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "whittle/InitAllTranslations.h"

int main(int argc, char **argv) {
  whittle::registerAllTranslations();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "whittle translation driver\n"));
}
