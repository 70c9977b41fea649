//===- HostTensor.cpp - tensors in host memory and their files ------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Support/HostTensor.h"
#include "whittle/Import/ONNX/ImportONNX.h"

#include "onnx/onnx_pb.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace llvm;

namespace whittle {

namespace {
/// An ONNX data type with its size and its NumPy `descr`.
struct DataTypeInfo {
  int32_t code;
  size_t bytes;
  const char *name;
  const char *numpy;
};
} // namespace

static const DataTypeInfo kDataTypes[] = {
    {onnx::TensorProto::FLOAT, 4, "float32", "<f4"},
    {onnx::TensorProto::UINT8, 1, "uint8", "|u1"},
    {onnx::TensorProto::INT8, 1, "int8", "|i1"},
    {onnx::TensorProto::UINT16, 2, "uint16", "<u2"},
    {onnx::TensorProto::INT16, 2, "int16", "<i2"},
    {onnx::TensorProto::INT32, 4, "int32", "<i4"},
    {onnx::TensorProto::INT64, 8, "int64", "<i8"},
    {onnx::TensorProto::BOOL, 1, "bool", "|b1"},
    {onnx::TensorProto::FLOAT16, 2, "float16", "<f2"},
    {onnx::TensorProto::DOUBLE, 8, "float64", "<f8"},
    {onnx::TensorProto::UINT32, 4, "uint32", "<u4"},
    {onnx::TensorProto::UINT64, 8, "uint64", "<u8"},
    {onnx::TensorProto::BFLOAT16, 2, "bfloat16", nullptr},
};

static const DataTypeInfo *lookup(int32_t code) {
  for (const DataTypeInfo &info : kDataTypes)
    if (info.code == code)
      return &info;
  return nullptr;
}

int64_t HostTensor::getNumElements() const {
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  return count;
}

size_t getONNXElementSize(int32_t dataType) {
  const DataTypeInfo *info = lookup(dataType);
  return info ? info->bytes : 0;
}

std::string getONNXDataTypeName(int32_t dataType) {
  if (const DataTypeInfo *info = lookup(dataType))
    return info->name;
  if (onnx::TensorProto_DataType_IsValid(dataType))
    return onnx::TensorProto_DataType_Name(
        static_cast<onnx::TensorProto_DataType>(dataType));
  return "unknown type " + std::to_string(dataType);
}

std::string formatShape(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string text;
  raw_string_ostream os(text);
  interleave(shape, os, "x");
  return text;
}

/// The bytes a tensor of `shape` with `elementBytes`-byte elements takes, or
/// nullopt when that overflows int64_t: a hostile header must not wrap
/// around to the size of the data that comes with it.
static std::optional<int64_t> getByteSize(ArrayRef<int64_t> shape,
                                          size_t elementBytes) {
  int64_t bytes = elementBytes;
  for (int64_t d : shape)
    if (MulOverflow(bytes, d, bytes))
      return std::nullopt;
  return bytes;
}

static Error fileError(StringRef path, const Twine &message) {
  return createStringError(inconvertibleErrorCode(),
                           "'" + path + "': " + message);
}

Expected<HostTensor> readTensorFile(StringRef path) {
  StringRef extension = sys::path::extension(path);
  if (extension == ".pb")
    return readTensorProtoFile(path);
  if (extension == ".npy")
    return readNpyFile(path);
  return fileError(path, "unknown tensor file extension '" + extension +
                             "'; expected .pb (ONNX TensorProto) or .npy");
}

static Expected<std::unique_ptr<MemoryBuffer>> readFile(StringRef path) {
  auto buffer = MemoryBuffer::getFile(path, /*IsText=*/false,
                                      /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fileError(path, "cannot read: " + buffer.getError().message());
  return std::move(*buffer);
}

Expected<HostTensor> readTensorProtoFile(StringRef path) {
  auto buffer = readFile(path);
  if (!buffer)
    return buffer.takeError();
  onnx::TensorProto proto;
  if (!proto.ParseFromArray((*buffer)->getBufferStart(),
                            (*buffer)->getBufferSize()))
    return fileError(path, "not a valid ONNX TensorProto");
  HostTensor tensor;
  tensor.name = proto.name();
  tensor.dataType = proto.data_type();
  size_t bytes = getONNXElementSize(tensor.dataType);
  if (!bytes)
    return fileError(path, "element type " +
                               getONNXDataTypeName(tensor.dataType) +
                               " is not supported");
  if (proto.data_location() == onnx::TensorProto::EXTERNAL)
    return fileError(path, "tensors with external data are not supported "
                           "as inputs");
  // Checked against the data the file holds before anything is allocated
  // (overflow-checked sizes; raw_data or the type's typed field, not both).
  if (Expected<int64_t> size =
          checkTensorData(proto, bytes, getONNXDataTypeName(tensor.dataType));
      !size)
    return fileError(path, toString(size.takeError()));
  tensor.shape.assign(proto.dims().begin(), proto.dims().end());
  std::unique_ptr<std::string> payload = releaseTensorBytes(proto, bytes);
  tensor.data.assign(payload->begin(), payload->end());
  return tensor;
}

/// The value of `key` in a NumPy header dict: `'key': value,`.
static std::optional<StringRef> npyField(StringRef header, StringRef key) {
  std::string quoted = ("'" + key + "'").str();
  size_t at = header.find(quoted);
  if (at == StringRef::npos)
    return std::nullopt;
  StringRef rest = header.drop_front(at + quoted.size()).ltrim();
  if (!rest.consume_front(":"))
    return std::nullopt;
  rest = rest.ltrim();
  if (rest.starts_with("(")) {
    size_t close = rest.find(')');
    if (close == StringRef::npos)
      return std::nullopt;
    return rest.take_front(close + 1);
  }
  size_t end = rest.find_first_of(",}");
  return rest.take_front(end).trim();
}

Expected<HostTensor> readNpyFile(StringRef path) {
  auto buffer = readFile(path);
  if (!buffer)
    return buffer.takeError();
  StringRef contents = (*buffer)->getBuffer();
  if (!contents.starts_with("\x93NUMPY") || contents.size() < 10)
    return fileError(path, "not a NumPy .npy file (bad magic)");
  unsigned major = static_cast<unsigned char>(contents[6]);
  size_t headerLength, headerStart;
  if (major == 1) {
    headerLength = static_cast<unsigned char>(contents[8]) |
                   static_cast<unsigned char>(contents[9]) << 8;
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (contents.size() < 12)
      return fileError(path, "truncated .npy header");
    headerLength = 0;
    for (int i = 0; i < 4; ++i)
      headerLength |= size_t(static_cast<unsigned char>(contents[8 + i]))
                      << (8 * i);
    headerStart = 12;
  } else {
    return fileError(path, "unsupported .npy version " + Twine(major));
  }
  if (contents.size() < headerStart + headerLength)
    return fileError(path, "truncated .npy header");
  StringRef header = contents.substr(headerStart, headerLength);
  auto descr = npyField(header, "descr");
  auto fortran = npyField(header, "fortran_order");
  auto shapeText = npyField(header, "shape");
  if (!descr || !fortran || !shapeText)
    return fileError(path, "malformed .npy header");
  if (*fortran != "False")
    return fileError(path, "Fortran-ordered arrays are not supported; save "
                           "numpy.ascontiguousarray(a) instead");
  StringRef type = descr->trim("'\"");
  HostTensor tensor;
  tensor.name = sys::path::stem(path).str();
  for (const DataTypeInfo &info : kDataTypes) {
    if (!info.numpy)
      continue;
    StringRef numpy(info.numpy);
    // '|' (not applicable) and '<' (little-endian) are both fine; a
    // one-byte type may also be written with '<' or '>'.
    if (type == numpy ||
        (info.bytes == 1 && type.drop_front() == numpy.drop_front()))
      tensor.dataType = info.code;
  }
  if (!tensor.dataType)
    return fileError(path, "NumPy dtype '" + type +
                               "' is not supported (big-endian, object and "
                               "string arrays are not)");
  StringRef dims = shapeText->trim("() ");
  SmallVector<StringRef> parts;
  dims.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (StringRef part : parts) {
    int64_t d;
    if (part.trim().getAsInteger(10, d) || d < 0)
      return fileError(path, "malformed shape " + *shapeText);
    tensor.shape.push_back(d);
  }
  std::optional<int64_t> expected =
      getByteSize(tensor.shape, getONNXElementSize(tensor.dataType));
  if (!expected)
    return fileError(path, "shape " + *shapeText + " has too many elements");
  StringRef payload = contents.drop_front(headerStart + headerLength);
  if (payload.size() != static_cast<uint64_t>(*expected))
    return fileError(path, "holds " + Twine(payload.size()) +
                               " bytes of data but shape " +
                               formatShape(tensor.shape) + " of " +
                               getONNXDataTypeName(tensor.dataType) +
                               " needs " + Twine(*expected));
  tensor.data.assign(payload.begin(), payload.end());
  return tensor;
}

static Error writeFile(StringRef path, StringRef contents) {
  std::error_code error;
  raw_fd_ostream os(path, error, sys::fs::OF_None);
  if (error)
    return fileError(path, "cannot write: " + error.message());
  os << contents;
  os.close();
  if (os.has_error())
    return fileError(path, "cannot write: " + os.error().message());
  return Error::success();
}

Error writeTensorProtoFile(const HostTensor &tensor, StringRef path) {
  onnx::TensorProto proto;
  proto.set_name(tensor.name);
  proto.set_data_type(tensor.dataType);
  for (int64_t d : tensor.shape)
    proto.add_dims(d);
  proto.set_raw_data(tensor.data.data(), tensor.data.size());
  std::string bytes;
  if (!proto.SerializeToString(&bytes))
    return fileError(path, "cannot serialize the tensor");
  return writeFile(path, bytes);
}

Error writeNpyFile(const HostTensor &tensor, StringRef path) {
  const DataTypeInfo *info = lookup(tensor.dataType);
  if (!info || !info->numpy)
    return fileError(path, getONNXDataTypeName(tensor.dataType) +
                               " has no NumPy equivalent");
  std::string header;
  raw_string_ostream os(header);
  os << "{'descr': '" << info->numpy << "', 'fortran_order': False, "
     << "'shape': (";
  for (int64_t d : tensor.shape)
    os << d << ", ";
  if (!tensor.shape.empty())
    header.resize(header.size() - (tensor.shape.size() == 1 ? 1 : 2));
  os << "), }";
  // Pad with spaces so that the data starts 64-byte aligned.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  std::string contents = "\x93NUMPY";
  contents.push_back(1);
  contents.push_back(0);
  contents.push_back(static_cast<char>(header.size() & 0xff));
  contents.push_back(static_cast<char>(header.size() >> 8));
  contents += header;
  contents.append(tensor.data.begin(), tensor.data.end());
  return writeFile(path, contents);
}

HostTensor sliceLeading(const HostTensor &tensor, int64_t begin,
                        int64_t count) {
  HostTensor slice;
  slice.name = tensor.name;
  slice.dataType = tensor.dataType;
  slice.shape = tensor.shape;
  slice.shape[0] = count;
  size_t rowBytes = tensor.shape[0] ? tensor.data.size() / tensor.shape[0] : 0;
  auto first = tensor.data.begin() + begin * rowBytes;
  slice.data.assign(first, first + count * rowBytes);
  return slice;
}

HostTensor concatLeading(llvm::ArrayRef<HostTensor> tensors) {
  HostTensor result;
  result.name = tensors.front().name;
  result.dataType = tensors.front().dataType;
  result.shape = tensors.front().shape;
  result.shape[0] = 0;
  for (const HostTensor &tensor : tensors) {
    result.shape[0] += tensor.shape[0];
    result.data.insert(result.data.end(), tensor.data.begin(),
                       tensor.data.end());
  }
  return result;
}

} // namespace whittle
