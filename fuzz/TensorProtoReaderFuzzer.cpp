//===- TensorProtoReaderFuzzer.cpp - fuzzes the .pb TensorProto reader ----===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "FuzzUtils.h"
#include "whittle/Support/HostTensor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static whittle::fuzz::MemoryFile file;
  whittle::fuzz::checkTensor(
      whittle::readTensorProtoFile(file.set(data, size)));
  return 0;
}
