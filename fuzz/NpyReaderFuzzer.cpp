//===- NpyReaderFuzzer.cpp - fuzzes the NumPy .npy reader -----------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "FuzzUtils.h"
#include "whittle/Support/HostTensor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static whittle::fuzz::MemoryFile file;
  whittle::fuzz::checkTensor(whittle::readNpyFile(file.set(data, size)));
  return 0;
}
