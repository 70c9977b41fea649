//===- Dataset.cpp - sample inputs for calibration and evaluation ---------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Support/Dataset.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Path.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

using namespace llvm;
using namespace whittle;

static Error datasetError(StringRef path, const Twine &message) {
  return createStringError(inconvertibleErrorCode(),
                           "'" + path + "': " + message);
}

// ONNX TensorProto data types of the IDX element codes.
enum : int32_t {
  kFloat = 1,
  kUInt8 = 2,
  kInt8 = 3,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kDouble = 11
};

namespace {
/// An IDX file read through zlib, which passes uncompressed files through
/// unchanged, so `.gz` and raw IDX files take the same path.
class MaybeCompressedFile {
public:
  explicit MaybeCompressedFile(StringRef path)
      : path(path), file(gzopen(path.str().c_str(), "rb")) {}
  ~MaybeCompressedFile() {
    if (file)
      gzclose(file);
  }
  bool isOpen() const { return file; }

  /// Appends up to `count` more bytes to `bytes`, fewer only where the data
  /// ends. Memory grows with what the file holds, never with `count` alone,
  /// which comes from the file's header.
  Error read(std::vector<char> &bytes, uint64_t count) {
    char chunk[1 << 16];
    while (count > 0) {
      int read = gzread(file, chunk, std::min<uint64_t>(count, sizeof(chunk)));
      int status;
      const char *message = gzerror(file, &status);
      if (read < 0 || status < 0) {
        // zlib names the file itself; datasetError already does.
        StringRef text(message);
        text.consume_front((path + ": ").str());
        return datasetError(path, "cannot decompress: " + text);
      }
      if (read == 0)
        break;
      bytes.insert(bytes.end(), chunk, chunk + read);
      count -= read;
    }
    return Error::success();
  }

private:
  StringRef path;
  gzFile file;
};
} // namespace

Expected<HostTensor> whittle::readIDXFile(StringRef path) {
  MaybeCompressedFile file(path);
  if (!file.isOpen())
    return datasetError(path, "cannot open");
  // Magic: two zero bytes, the element type code, the number of dimensions.
  std::vector<char> header;
  if (Error error = file.read(header, 4))
    return error;
  const auto *data = reinterpret_cast<const uint8_t *>(header.data());
  if (header.size() < 4 || data[0] != 0 || data[1] != 0)
    return datasetError(path, "not an IDX file (bad magic number)");
  // IDX's element type codes and the ONNX data types they hold.
  static constexpr std::pair<uint8_t, int32_t> kIDXTypes[] = {
      {0x08, kUInt8}, {0x09, kInt8},  {0x0B, kInt16},
      {0x0C, kInt32}, {0x0D, kFloat}, {0x0E, kDouble}};
  const auto *idxType = llvm::find_if(
      kIDXTypes, [&](const auto &entry) { return entry.first == data[2]; });
  if (idxType == std::end(kIDXTypes))
    return datasetError(path, "unknown IDX element type code " +
                                  Twine(static_cast<int>(data[2])));
  HostTensor tensor;
  tensor.dataType = idxType->second;
  size_t elementSize = getONNXElementSize(tensor.dataType);
  unsigned rank = data[3];
  if (rank == 0)
    return datasetError(path, "IDX header declares no dimensions");
  if (Error error = file.read(header, 4 * rank))
    return error;
  if (header.size() < 4 + 4 * size_t(rank))
    return datasetError(path, "truncated IDX header: " + Twine(rank) +
                                  " dimensions declared, " +
                                  Twine((header.size() - 4) / 4) + " present");
  data = reinterpret_cast<const uint8_t *>(header.data());
  // The byte count is checked for overflow: a hostile header must not wrap
  // around to the size of the data that comes with it.
  int64_t expected = elementSize;
  for (unsigned i = 0; i < rank; ++i) {
    const uint8_t *p = data + 4 + 4 * i;
    int64_t dim = (uint64_t(p[0]) << 24) | (uint64_t(p[1]) << 16) |
                  (uint64_t(p[2]) << 8) | uint64_t(p[3]);
    tensor.shape.push_back(dim);
    if (MulOverflow(expected, dim, expected))
      return datasetError(path, "IDX header promises too many elements");
  }
  // Read what the header promises, and one byte more to tell whether the
  // data goes on (without reading, or decompressing, all of it).
  if (Error error = file.read(tensor.data, expected + 1))
    return error;
  if (tensor.data.size() > static_cast<uint64_t>(expected))
    return datasetError(path, "IDX data holds more than the " +
                                  Twine(expected) +
                                  " bytes its header promises");
  if (tensor.data.size() < static_cast<uint64_t>(expected))
    return datasetError(path, "IDX data holds " + Twine(tensor.data.size()) +
                                  " bytes; its header promises " +
                                  Twine(expected) + " (truncated file?)");
  // IDX stores multi-byte elements big-endian.
  if (elementSize > 1)
    for (size_t i = 0; i < tensor.data.size(); i += elementSize)
      std::reverse(tensor.data.begin() + i,
                   tensor.data.begin() + i + elementSize);
  return tensor;
}

static bool isIDXPath(StringRef path) {
  StringRef name = sys::path::filename(path);
  return name.contains("idx") || name.ends_with(".gz");
}

/// Unsigned-byte images [N, H, W] as float32 [N, 1, H, W] holding pixel/255.
static HostTensor imagesToFloat(const HostTensor &images) {
  HostTensor result;
  result.dataType = kFloat;
  result.shape = {images.shape[0], 1, images.shape[1], images.shape[2]};
  result.data.resize(images.data.size() * sizeof(float));
  auto *out = reinterpret_cast<float *>(result.data.data());
  for (size_t i = 0; i < images.data.size(); ++i)
    out[i] = static_cast<uint8_t>(images.data[i]) / 255.0f;
  return result;
}

/// Appends `part`'s samples to `all`, which must have the same sample shape
/// and type once it holds any.
static Error appendSamples(HostTensor &all, HostTensor part, StringRef path) {
  if (part.shape.empty())
    return datasetError(path, "a scalar is not a set of samples; dimension 0 "
                              "must index the samples");
  if (all.shape.empty()) {
    all = std::move(part);
    return Error::success();
  }
  if (part.dataType != all.dataType ||
      ArrayRef<int64_t>(part.shape).drop_front() !=
          ArrayRef<int64_t>(all.shape).drop_front())
    return datasetError(
        path, "holds " + getONNXDataTypeName(part.dataType) + " samples of " +
                  formatShape(ArrayRef<int64_t>(part.shape).drop_front()) +
                  "; earlier files hold " + getONNXDataTypeName(all.dataType) +
                  " samples of " +
                  formatShape(ArrayRef<int64_t>(all.shape).drop_front()));
  all.shape[0] += part.shape[0];
  all.data.insert(all.data.end(), part.data.begin(), part.data.end());
  return Error::success();
}

static Expected<HostTensor> readSamples(StringRef path) {
  if (sys::fs::is_directory(path)) {
    std::vector<std::string> files;
    std::error_code ec;
    for (sys::fs::directory_iterator it(path, ec), end; it != end && !ec;
         it.increment(ec)) {
      StringRef extension = sys::path::extension(it->path());
      if (extension == ".pb" || extension == ".npy")
        files.push_back(it->path());
    }
    if (ec)
      return datasetError(path, "cannot list: " + ec.message());
    if (files.empty())
      return datasetError(path, "holds no .pb or .npy files");
    llvm::sort(files);
    HostTensor all;
    for (const std::string &file : files) {
      auto part = readTensorFile(file);
      if (!part)
        return part.takeError();
      if (Error error = appendSamples(all, std::move(*part), file))
        return error;
    }
    return all;
  }
  if (!sys::fs::exists(path))
    return datasetError(path, "no such file or folder");
  if (isIDXPath(path)) {
    auto tensor = readIDXFile(path);
    if (!tensor)
      return tensor.takeError();
    if (tensor->dataType == kUInt8 && tensor->shape.size() == 3)
      return imagesToFloat(*tensor);
    return tensor;
  }
  auto tensor = readTensorFile(path);
  if (tensor && tensor->shape.empty())
    return datasetError(path, "a scalar is not a set of samples; dimension 0 "
                              "must index the samples");
  return tensor;
}

static Expected<std::vector<int64_t>> readLabels(StringRef path) {
  auto tensor = isIDXPath(path) ? readIDXFile(path) : readTensorFile(path);
  if (!tensor)
    return tensor.takeError();
  if (tensor->shape.size() != 1)
    return datasetError(path, "labels must be one-dimensional; found " +
                                  formatShape(tensor->shape));
  std::vector<int64_t> labels(tensor->shape[0]);
  for (int64_t i = 0, e = labels.size(); i < e; ++i) {
    const char *element = tensor->data.data();
    switch (tensor->dataType) {
    case kUInt8:
      labels[i] = reinterpret_cast<const uint8_t *>(element)[i];
      break;
    case kInt8:
      labels[i] = reinterpret_cast<const int8_t *>(element)[i];
      break;
    case kInt16:
      labels[i] = reinterpret_cast<const int16_t *>(element)[i];
      break;
    case kInt32:
      labels[i] = reinterpret_cast<const int32_t *>(element)[i];
      break;
    case kInt64:
      labels[i] = reinterpret_cast<const int64_t *>(element)[i];
      break;
    default:
      return datasetError(path, "labels must be integers; found " +
                                    getONNXDataTypeName(tensor->dataType));
    }
  }
  return labels;
}

HostTensor Dataset::getBatch(int64_t begin, int64_t count) const {
  begin = std::clamp<int64_t>(begin, 0, size());
  count = std::clamp<int64_t>(count, 0, size() - begin);
  HostTensor batch;
  batch.name = samples.name;
  batch.dataType = samples.dataType;
  batch.shape = samples.shape;
  batch.shape[0] = count;
  size_t sampleBytes = size() ? samples.data.size() / size() : 0;
  batch.data.assign(samples.data.begin() + begin * sampleBytes,
                    samples.data.begin() + (begin + count) * sampleBytes);
  return batch;
}

Expected<Dataset> whittle::loadDataset(StringRef path, StringRef labelsPath,
                                       int64_t limit) {
  Dataset dataset;
  auto samples = readSamples(path);
  if (!samples)
    return samples.takeError();
  dataset.samples = std::move(*samples);
  if (!labelsPath.empty()) {
    auto labels = readLabels(labelsPath);
    if (!labels)
      return labels.takeError();
    if (static_cast<int64_t>(labels->size()) != dataset.size())
      return datasetError(
          labelsPath, "holds " + Twine(labels->size()) + " labels for " +
                          Twine(dataset.size()) + " samples in '" + path + "'");
    dataset.labels = std::move(*labels);
  }
  if (limit >= 0 && limit < dataset.size()) {
    dataset.samples = dataset.getBatch(0, limit);
    if (dataset.labels)
      dataset.labels->resize(limit);
  }
  return dataset;
}
