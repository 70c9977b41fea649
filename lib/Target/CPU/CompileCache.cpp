//===- CompileCache.cpp - compiled models on disk -------------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// An entry is a folder named by the key's hex digits:
//   objects       the number of object files
//   part<i>.o     the object files
//   constants     one line per weight: symbol, offset, size, alignment
//   weights.bin   the weights' bytes, each at its offset
// It is written under a temporary name and renamed into place, so a folder
// with the key's name is always complete.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/CPU/CompileCache.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/BLAKE3.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <algorithm>
#include <dlfcn.h>
#include <sys/time.h>
#include <unistd.h>

using namespace mlir;

namespace whittle {

/// The alignment of every weight in an entry's weights.bin.
static constexpr uint64_t kWeightAlignment = 64;

namespace {
/// A stream that hashes what is written to it.
class HashingStream : public llvm::raw_ostream {
public:
  HashingStream() { SetUnbuffered(); }
  llvm::BLAKE3 hasher;

private:
  void write_impl(const char *bytes, size_t size) override {
    hasher.update(llvm::ArrayRef<uint8_t>(
        reinterpret_cast<const uint8_t *>(bytes), size));
    position += size;
  }
  uint64_t current_pos() const override { return position; }
  uint64_t position = 0;
};
} // namespace

std::string getCompileCacheDirectory() {
  if (std::optional<std::string> path =
          llvm::sys::Process::GetEnv("WHITTLE_CACHE"))
    return *path;
  llvm::SmallString<256> path;
  if (std::optional<std::string> xdg =
          llvm::sys::Process::GetEnv("XDG_CACHE_HOME");
      xdg && !xdg->empty())
    path = *xdg;
  else if (std::optional<std::string> home = llvm::sys::Process::GetEnv("HOME");
           home && !home->empty())
    llvm::sys::path::append(path, *home, ".cache");
  else
    return "";
  llvm::sys::path::append(path, "whittle");
  return std::string(path);
}

/// What identifies the compiler: the file this code was loaded from, its
/// size and modification time (a rebuilt whittle never reads what an older
/// one wrote), and LLVM's version.
static std::string getCompilerIdentity() {
  std::string identity = "whittle-cache-1 LLVM " LLVM_VERSION_STRING;
  Dl_info info;
  if (dladdr(reinterpret_cast<void *>(&getCompilerIdentity), &info) &&
      info.dli_fname) {
    llvm::sys::fs::file_status status;
    if (!llvm::sys::fs::status(info.dli_fname, status))
      identity +=
          (llvm::Twine(" ") + info.dli_fname + " " +
           llvm::Twine(status.getSize()) + " " +
           llvm::Twine(
               status.getLastModificationTime().time_since_epoch().count()))
              .str();
  }
  return identity;
}

std::string getCompileCacheKey(ModuleOp module, llvm::StringRef entry,
                               const llvm::TargetMachine &machine) {
  HashingStream stream;
  // The environment's say in code generation (tests and benchmarks force
  // an int8 kernel) is part of the key.
  std::optional<std::string> int8Kernel =
      llvm::sys::Process::GetEnv("WHITTLE_INT8_KERNEL");
  stream << getCompilerIdentity() << '\0' << int8Kernel.value_or("") << '\0'
         << entry << '\0' << machine.getTargetTriple().str() << '\0'
         << machine.getTargetCPU() << '\0' << machine.getTargetFeatureString()
         << '\0';
  // The bytecode holds the weights' bytes as they are, without printing.
  if (failed(writeBytecodeToFile(module, stream)))
    return "";
  std::array<uint8_t, 16> digest = stream.hasher.final<16>();
  return llvm::toHex(digest, /*LowerCase=*/true);
}

std::optional<CachedModel> loadCachedModel(llvm::StringRef directory,
                                           llvm::StringRef key) {
  if (directory.empty() || key.empty())
    return std::nullopt;
  llvm::SmallString<256> folder(directory);
  llvm::sys::path::append(folder, key);
  auto file = [&](llvm::StringRef name) {
    llvm::SmallString<256> path(folder);
    llvm::sys::path::append(path, name);
    // Mapped (at a page) or read into a buffer this aligned.
    return llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                       /*RequiresNullTerminator=*/false,
                                       /*IsVolatile=*/false,
                                       llvm::Align(kWeightAlignment));
  };
  auto count = file("objects");
  if (!count)
    return std::nullopt;
  unsigned objects = 0;
  if (count.get()->getBuffer().trim().getAsInteger(10, objects))
    return std::nullopt;
  CachedModel model;
  for (unsigned i = 0; i < objects; ++i) {
    auto object = file(("part" + llvm::Twine(i) + ".o").str());
    if (!object)
      return std::nullopt;
    model.objects.push_back(std::move(*object));
  }
  auto index = file("constants");
  auto weights = file("weights.bin");
  if (!index || !weights)
    return std::nullopt;
  model.constantBytes = std::move(*weights);
  llvm::StringRef bytes = model.constantBytes->getBuffer();
  llvm::SmallVector<llvm::StringRef> lines;
  index.get()->getBuffer().split(lines, '\n', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef line : lines) {
    llvm::SmallVector<llvm::StringRef, 4> fields;
    line.split(fields, ' ');
    uint64_t offset, size, alignment;
    if (fields.size() != 4 || fields[1].getAsInteger(10, offset) ||
        fields[2].getAsInteger(10, size) ||
        fields[3].getAsInteger(10, alignment) || offset > bytes.size() ||
        size > bytes.size() - offset)
      return std::nullopt;
    const char *data = bytes.data() + offset;
    if (alignment == 0 || reinterpret_cast<uintptr_t>(data) % alignment)
      return std::nullopt;
    model.constants.push_back(
        {fields[0].str(), llvm::ArrayRef<char>(data, size), alignment});
  }
  // Most recently used first when the cache is trimmed.
  (void)::utimes(folder.c_str(), nullptr);
  return model;
}

void removeCachedModel(llvm::StringRef directory, llvm::StringRef key) {
  if (directory.empty() || key.empty())
    return;
  llvm::SmallString<256> folder(directory);
  llvm::sys::path::append(folder, key);
  (void)llvm::sys::fs::remove_directories(folder);
}

/// Removes the least recently used entries until the cache is within its
/// size limit.
static void trimCache(llvm::StringRef directory) {
  uint64_t limit = 2048;
  if (std::optional<std::string> value =
          llvm::sys::Process::GetEnv("WHITTLE_CACHE_MAX_MB"))
    (void)llvm::StringRef(*value).getAsInteger(10, limit);
  limit <<= 20;
  struct Entry {
    std::string path;
    llvm::sys::TimePoint<> used;
    uint64_t bytes = 0;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  std::error_code error;
  for (llvm::sys::fs::directory_iterator it(directory, error), end;
       !error && it != end; it.increment(error)) {
    llvm::sys::fs::file_status status;
    if (llvm::sys::fs::status(it->path(), status) ||
        status.type() != llvm::sys::fs::file_type::directory_file)
      continue;
    Entry entry{it->path(), status.getLastModificationTime()};
    std::error_code inner;
    for (llvm::sys::fs::directory_iterator file(it->path(), inner), last;
         !inner && file != last; file.increment(inner)) {
      llvm::sys::fs::file_status fileStatus;
      if (!llvm::sys::fs::status(file->path(), fileStatus))
        entry.bytes += fileStatus.getSize();
    }
    total += entry.bytes;
    entries.push_back(std::move(entry));
  }
  llvm::sort(entries,
             [](const Entry &a, const Entry &b) { return a.used < b.used; });
  for (const Entry &entry : entries) {
    if (total <= limit)
      break;
    (void)llvm::sys::fs::remove_directories(entry.path);
    total -= entry.bytes;
  }
}

void storeCachedModel(
    llvm::StringRef directory, llvm::StringRef key,
    llvm::ArrayRef<std::unique_ptr<llvm::MemoryBuffer>> objects,
    llvm::ArrayRef<ExternalConstant> constants) {
  if (directory.empty() || key.empty() ||
      llvm::sys::fs::create_directories(directory))
    return;
  llvm::SmallString<256> folder(directory);
  llvm::sys::path::append(folder, key);
  if (llvm::sys::fs::exists(folder))
    return;
  llvm::SmallString<256> temporary(folder);
  temporary += (".tmp" + llvm::Twine(::getpid())).str();
  (void)llvm::sys::fs::remove_directories(temporary);
  if (llvm::sys::fs::create_directory(temporary))
    return;
  bool written = true;
  auto write = [&](llvm::StringRef name,
                   llvm::function_ref<void(llvm::raw_ostream &)> body) {
    llvm::SmallString<256> path(temporary);
    llvm::sys::path::append(path, name);
    std::error_code error;
    llvm::raw_fd_ostream os(path, error);
    if (error) {
      written = false;
      return;
    }
    body(os);
    os.close();
    written &= !os.has_error();
  };
  write("objects",
        [&](llvm::raw_ostream &os) { os << objects.size() << "\n"; });
  for (auto [i, object] : llvm::enumerate(objects))
    write(("part" + llvm::Twine(i) + ".o").str(),
          [&](llvm::raw_ostream &os) { os << object->getBuffer(); });
  std::string index;
  llvm::raw_string_ostream indexStream(index);
  write("weights.bin", [&](llvm::raw_ostream &os) {
    uint64_t offset = 0;
    for (const ExternalConstant &constant : constants) {
      // The file is read to an address aligned as much: each weight keeps
      // the alignment the code assumes.
      uint64_t aligned = llvm::alignTo(
          offset, std::max<uint64_t>(kWeightAlignment, constant.alignment));
      os.write_zeros(aligned - offset);
      os.write(constant.bytes.data(), constant.bytes.size());
      indexStream << constant.symbol << " " << aligned << " "
                  << constant.bytes.size() << " " << constant.alignment << "\n";
      offset = aligned + constant.bytes.size();
    }
  });
  write("constants", [&](llvm::raw_ostream &os) { os << index; });
  if (!written || llvm::sys::fs::rename(temporary, folder)) {
    (void)llvm::sys::fs::remove_directories(temporary);
    return;
  }
  trimCache(directory);
}

} // namespace whittle
