//===- NativeOutputs.cpp - whittlec's object and library files ------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "NativeOutputs.h"
#include "whittle/Support/CHeader.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <list>

using namespace llvm;

namespace whittle {

std::string getHeaderPath(StringRef outputPath) {
  SmallString<128> path(outputPath);
  sys::path::replace_extension(path, "h");
  return path.str().str();
}

static Error cannotWrite(StringRef path, Error error) {
  return createStringError("cannot write '" + path +
                           "': " + toString(std::move(error)));
}

namespace {
/// Files written under temporary names next to their final ones, which
/// they take together in commit(); destroying the set first removes them.
class PendingFiles {
public:
  ~PendingFiles() {
    for (Entry &entry : entries)
      consumeError(entry.file.discard());
  }

  /// A new empty file that commit() will rename to `path`.
  Expected<sys::fs::TempFile *> create(StringRef path) {
    auto file = sys::fs::TempFile::create(path + "-%%%%%%.tmp");
    if (!file)
      return cannotWrite(path, file.takeError());
    entries.push_back({std::move(*file), path.str()});
    return &entries.back().file;
  }

  /// A new file holding `bytes` that commit() will rename to `path`.
  Expected<sys::fs::TempFile *> write(StringRef path, StringRef bytes) {
    auto file = create(path);
    if (!file)
      return file.takeError();
    raw_fd_ostream os((*file)->FD, /*shouldClose=*/false);
    os << bytes;
    os.flush();
    if (os.has_error())
      return cannotWrite(path, errorCodeToError(os.error()));
    return file;
  }

  /// Gives every file its final name, or none of them.
  Error commit() {
    SmallVector<StringRef> committed;
    for (Entry &entry : entries) {
      if (Error error = entry.file.keep(entry.path)) {
        for (StringRef path : committed)
          sys::fs::remove(path);
        return cannotWrite(entry.path, std::move(error));
      }
      committed.push_back(entry.path);
    }
    return Error::success();
  }

private:
  struct Entry {
    sys::fs::TempFile file;
    std::string path;
  };
  // Stable addresses for the pointers create() returns.
  std::list<Entry> entries;
};
} // namespace

/// Links `objectPath` into the shared library `libraryPath`, which will be
/// renamed to `finalPath`, with the system's C compiler; the library brings
/// in LLVM's OpenMP runtime and libm for the model.
static Error linkSharedLibrary(StringRef objectPath, StringRef libraryPath,
                               StringRef finalPath) {
  ErrorOr<std::string> compiler = sys::findProgramByName("cc");
  if (!compiler)
    return createStringError("cannot link '" + finalPath +
                             "': no C compiler 'cc' on PATH");
  // Programs linked against the library look for it by its file name.
  std::string soname = ("-Wl,-soname," + sys::path::filename(finalPath)).str();
  StringRef arguments[] = {"cc",        "-shared",  soname,  "-o",
                           libraryPath, objectPath, "-lomp", "-lm"};
  std::string message;
  int status = sys::ExecuteAndWait(*compiler, arguments, std::nullopt, {}, 0, 0,
                                   &message);
  if (status != 0)
    return createStringError(
        "cannot link '" + finalPath + "': " +
        (message.empty() ? "cc exited with status " + std::to_string(status)
                         : message));
  return Error::success();
}

Error writeNativeOutputs(const NativeObject &object, StringRef symbol,
                         StringRef modelPath, StringRef outputPath,
                         bool shared) {
  std::string headerPath = getHeaderPath(outputPath);
  if (headerPath == outputPath)
    return createStringError("the output '" + outputPath +
                             "' would be overwritten by its C header");
  std::string header;
  raw_string_ostream headerStream(header);
  writeCHeader(headerStream, symbol, object.inputs, object.outputs,
               sys::path::filename(modelPath));

  PendingFiles files;
  StringRef bytes(object.bytes.data(), object.bytes.size());
  if (!shared) {
    if (auto file = files.write(outputPath, bytes); !file)
      return file.takeError();
  } else {
    auto library = files.create(outputPath);
    if (!library)
      return library.takeError();
    // The object only feeds the linker: never committed, always removed.
    PendingFiles scratch;
    auto objectFile = scratch.write((outputPath + ".o").str(), bytes);
    if (!objectFile)
      return objectFile.takeError();
    if (Error error = linkSharedLibrary((*objectFile)->TmpName,
                                        (*library)->TmpName, outputPath))
      return error;
  }
  if (auto file = files.write(headerPath, header); !file)
    return file.takeError();
  return files.commit();
}

} // namespace whittle
