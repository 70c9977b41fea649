//===- FuzzUtils.h - shared helpers of whittle's fuzz harnesses -*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The readers under test take file paths. The harnesses must not write
// files (libFuzzer runs them millions of times, possibly in parallel), so
// each input is handed over in an anonymous in-memory file (memfd) named by
// its /proc/self/fd path.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_FUZZ_FUZZUTILS_H
#define WHITTLE_FUZZ_FUZZUTILS_H

#include "whittle/Support/HostTensor.h"
#include "llvm/Support/Error.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace whittle::fuzz {

/// An in-memory file whose contents are replaced by each input.
class MemoryFile {
public:
  MemoryFile() {
    fd = memfd_create("whittle-fuzz", 0);
    if (fd < 0) {
      perror("memfd_create");
      abort();
    }
    path = "/proc/self/fd/" + std::to_string(fd);
  }
  ~MemoryFile() { close(fd); }

  /// Replaces the file's contents with `size` bytes at `data` and returns
  /// its path.
  const std::string &set(const uint8_t *data, size_t size) {
    if (ftruncate(fd, 0) != 0) {
      perror("ftruncate");
      abort();
    }
    for (size_t done = 0; done < size;) {
      ssize_t written = pwrite(fd, data + done, size - done, done);
      if (written <= 0) {
        perror("pwrite");
        abort();
      }
      done += written;
    }
    return path;
  }

private:
  int fd;
  std::string path;
};

/// Checks what a tensor reader returned: a rejected input's error is
/// dropped (errors are the expected outcome of most inputs, and harnesses
/// must not print per input); an accepted tensor must hold exactly the bytes
/// its type and shape need.
inline void checkTensor(llvm::Expected<HostTensor> tensor) {
  if (!tensor) {
    llvm::consumeError(tensor.takeError());
    return;
  }
  size_t elementBytes = getONNXElementSize(tensor->dataType);
  if (!elementBytes ||
      tensor->data.size() != tensor->getNumElements() * elementBytes) {
    fprintf(stderr, "accepted tensor of %zu bytes has type %d, shape %s\n",
            tensor->data.size(), tensor->dataType,
            formatShape(tensor->shape).c_str());
    abort();
  }
}

} // namespace whittle::fuzz

#endif // WHITTLE_FUZZ_FUZZUTILS_H
