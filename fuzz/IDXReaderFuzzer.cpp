//===- IDXReaderFuzzer.cpp - fuzzes the IDX (MNIST) reader ----------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Raw and gzip-compressed inputs take the same path (zlib passes raw files
// through), so the corpus holds both.
//
//===----------------------------------------------------------------------===//

#include "FuzzUtils.h"
#include "whittle/Support/Dataset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static whittle::fuzz::MemoryFile file;
  whittle::fuzz::checkTensor(whittle::readIDXFile(file.set(data, size)));
  return 0;
}
