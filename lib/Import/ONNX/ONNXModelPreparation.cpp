//===- ONNXModelPreparation.cpp - ready a ModelProto for import ----------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// What the importer does to the ModelProto before it maps any node: reads
// external data into the tensors, checks the opset, runs the ONNX library's
// checker, version converter and shape inference (ONNXModelLoader.cpp) where
// it knows the opset, and shapes the graph inputs from the options
// (--input-shape, --batch-size, observed shapes, bound input values).
//
//===----------------------------------------------------------------------===//

#include "ONNXGraphImporter.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Import/ONNX/ONNXModelLoader.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace whittle;
using namespace whittle::onnx_import;

//===----------------------------------------------------------------------===//
// External data
//===----------------------------------------------------------------------===//

FailureOr<std::string *>
GraphImporter::readExternalData(const onnx::TensorProto &tensor,
                                StringRef what) {
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    if (entry.key() == "location") {
      location = entry.value();
      continue;
    }
    if (entry.key() != "offset" && entry.key() != "length")
      continue;
    uint64_t value;
    if (!llvm::to_integer(entry.value(), value, 10)) {
      emitFileError() << what << " has external data " << entry.key() << " '"
                      << entry.value()
                      << "', which is not a byte count; re-export the model";
      return failure();
    }
    if (entry.key() == "offset")
      offset = value;
    else
      length = value;
  }
  auto badLocation = [&](StringRef why) {
    std::string escaped;
    llvm::raw_string_ostream os(escaped);
    llvm::printEscapedString(location, os);
    emitFileError() << what << " has external data location '" << escaped
                    << "', " << why
                    << "; it must be a relative path to a file in the "
                       "model's directory";
    return failure();
  };
  if (location.empty())
    return badLocation("which is empty");
  if (StringRef(location).contains('\0'))
    return badLocation("which contains a NUL byte");
  if (llvm::sys::path::is_absolute(location))
    return badLocation("which is absolute");
  if (llvm::is_contained(llvm::make_range(llvm::sys::path::begin(location),
                                          llvm::sys::path::end(location)),
                         ".."))
    return badLocation("which goes up out of the model's directory");
  SmallString<256> directory = llvm::sys::path::parent_path(path);
  if (directory.empty())
    directory = ".";
  SmallString<256> file = directory;
  llvm::sys::path::append(file, location);
  auto fail = [&](const std::error_code &error) {
    emitFileError() << "cannot read external data of " << what << " from '"
                    << file << "': " << error.message();
    return failure();
  };
  // A symbolic link in the directory must not lead out of it: compare the
  // resolved paths.
  SmallString<256> realDirectory, realFile;
  if (std::error_code error =
          llvm::sys::fs::real_path(directory, realDirectory))
    return fail(error);
  if (std::error_code error = llvm::sys::fs::real_path(file, realFile))
    return fail(error);
  if (!llvm::sys::fs::is_regular_file(realFile))
    return badLocation("which is not a regular file");
  if (!StringRef(realFile).starts_with(
          (realDirectory + llvm::sys::path::get_separator()).str()))
    return badLocation(("which resolves to '" + realFile +
                        "' outside it (through a symbolic link)")
                           .str());

  // The tensor's own shape says how many bytes to read; the file's length
  // fields and its size must agree with it before anything is allocated.
  FailureOr<Type> elementType = convertElementType(tensor.data_type(), what);
  if (failed(elementType))
    return failure();
  size_t elementBytes = nn::getStorageBytes(*elementType);
  llvm::Expected<int64_t> expected = getTensorByteSize(tensor, elementBytes);
  if (!expected) {
    emitFileError() << what << " " << llvm::toString(expected.takeError())
                    << "; the file is corrupt, re-export the model";
    return failure();
  }
  uint64_t size = *expected;
  if (length && *length != size) {
    emitFileError() << what << " has external data length " << *length
                    << " but its shape and type need " << size
                    << " bytes; re-export the model";
    return failure();
  }
  uint64_t fileSize = 0;
  if (std::error_code error = llvm::sys::fs::file_size(realFile, fileSize))
    return fail(error);
  if (offset > fileSize || size > fileSize - offset) {
    emitFileError() << "external data of " << what << " needs " << size
                    << " bytes at offset " << offset << " of '" << file
                    << "', which has " << fileSize << " (truncated file?)";
    return failure();
  }
  // Read straight into the buffer the resource blob will own.
  llvm::Expected<llvm::sys::fs::file_t> fd =
      llvm::sys::fs::openNativeFileForRead(realFile);
  if (!fd)
    return fail(llvm::errorToErrorCode(fd.takeError()));
  auto data = std::make_unique<std::string>(size, '\0');
  std::error_code readError;
  for (uint64_t done = 0; done < size && !readError;) {
    llvm::Expected<size_t> read = llvm::sys::fs::readNativeFileSlice(
        *fd, llvm::MutableArrayRef<char>(data->data() + done, size - done),
        offset + done);
    if (!read)
      readError = llvm::errorToErrorCode(read.takeError());
    else if (*read == 0)
      readError = std::make_error_code(std::errc::io_error);
    else
      done += *read;
  }
  llvm::sys::fs::closeFile(*fd);
  if (readError)
    return fail(readError);
  return data.release();
}

//===----------------------------------------------------------------------===//
// Model normalisation and input shaping
//===----------------------------------------------------------------------===//

LogicalResult GraphImporter::loadExternalData(onnx::GraphProto &graph) {
  // Read external weights into the protos first, as onnx.load does, so that
  // the checker and everything after see ordinary tensors.
  for (onnx::TensorProto &init : *graph.mutable_initializer()) {
    if (init.data_location() != onnx::TensorProto_DataLocation_EXTERNAL)
      continue;
    FailureOr<std::string *> data =
        readExternalData(init, "initializer '" + printable(init.name()) + "'");
    if (failed(data))
      return failure();
    init.set_allocated_raw_data(*data);
    init.clear_external_data();
    init.set_data_location(onnx::TensorProto_DataLocation_DEFAULT);
  }
  return success();
}

LogicalResult GraphImporter::normalizeModel(onnx::ModelProto &model) {
  if (!model.has_graph()) {
    emitFileError() << "file does not contain an ONNX graph (is it an ONNX "
                       "model?)";
    return failure();
  }
  if (failed(loadExternalData(*model.mutable_graph())))
    return failure();
  opset = -1;
  for (const onnx::OperatorSetIdProto &id : model.opset_import())
    if (isDefaultDomain(id.domain()))
      opset = id.version();
  if (opset < 0) {
    emitFileError() << "model does not import the default ONNX operator set";
    return failure();
  }
  sourceOpset = opset;
  if (opset > kNewestOpset) {
    emitFileError() << "model uses opset " << opset
                    << ", newer than the newest whittle supports ("
                    << kNewestOpset
                    << "); re-export it with opset_version=" << kNewestOpset;
    return failure();
  }
  if (failed(checkSupportedOps(model.graph())) ||
      failed(checkDefinedValues(model.graph())) ||
      failed(applyInputShapes(*model.mutable_graph())))
    return failure();

  // The ONNX library knows schemas up to kLibraryOpset: check, upgrade and
  // infer shapes with it there; newer models rely on whittle's verifiers and
  // type inference alone.
  if (opset <= kLibraryOpset) {
    if (auto error = checkModel(model)) {
      emitFileError() << "invalid ONNX model: " << printable(*error);
      return failure();
    }
    if (auto error = upgradeModel(model, opset, kLibraryOpset)) {
      if (opset < kOldestOpset)
        emitFileError() << "model uses opset " << opset
                        << ", older than the oldest whittle supports ("
                        << kOldestOpset
                        << "), and the ONNX version converter cannot upgrade "
                           "it: "
                        << printable(*error);
      else
        emitFileError() << "cannot upgrade the model from opset " << opset
                        << " to " << kLibraryOpset << ": " << printable(*error);
      return failure();
    }
    opset = std::max<int64_t>(opset, kLibraryOpset);
    if (auto error = inferShapes(model)) {
      emitFileError() << "invalid ONNX model: " << printable(*error);
      return failure();
    }
    libraryChecked = true;
  }
  return success();
}

LogicalResult GraphImporter::applyInputShapes(onnx::GraphProto &graph) {
  llvm::StringSet<> initializers;
  for (const onnx::TensorProto &init : graph.initializer())
    initializers.insert(init.name());
  llvm::StringSet<> inputs;
  for (const onnx::ValueInfoProto &input : graph.input())
    if (!initializers.contains(input.name()))
      inputs.insert(input.name());
  auto checkIsInput = [&](StringRef name, StringRef what) {
    if (inputs.contains(name))
      return success();
    SmallVector<StringRef> names;
    for (const auto &s : inputs)
      names.push_back(s.getKey());
    llvm::sort(names);
    std::string listed;
    for (auto [i, input] : llvm::enumerate(names)) {
      if (i == 20) {
        listed += ", and " + std::to_string(names.size() - i) + " more";
        break;
      }
      listed += (i ? ", " : "") + printable(input);
    }
    emitFileError() << what << " names '" << printable(name)
                    << "', which is not a graph input (inputs: " << listed
                    << ")";
    return failure();
  };
  for (const auto &entry : options.inputShapes)
    if (failed(checkIsInput(entry.getKey(), "--input-shape")))
      return failure();
  for (const auto &entry : options.inputValues)
    if (failed(checkIsInput(entry.getKey(), "an input value")))
      return failure();
  // value_info holds the exporter's shapes of intermediate values, with the
  // symbolic dimensions the inputs had; once the inputs are fixed, ONNX's
  // version converter can carry those symbols back to the inputs. Shape
  // inference recomputes the hints from the fixed inputs.
  if (!options.inputShapes.empty() || options.batchSize ||
      !options.observedInputShapes.empty() || !options.inputValues.empty())
    graph.clear_value_info();
  // A negative size is an unknown one (some exporters write -1 for it);
  // ONNX shape inference would hold it against the size it infers.
  auto clearNegativeDims = [](onnx::ValueInfoProto &info) {
    if (!info.type().tensor_type().has_shape())
      return;
    for (auto &dim : *info.mutable_type()
                          ->mutable_tensor_type()
                          ->mutable_shape()
                          ->mutable_dim())
      if (dim.has_dim_value() && dim.dim_value() < 0)
        dim.clear_dim_value();
  };
  for (onnx::ValueInfoProto &info : *graph.mutable_value_info())
    clearNegativeDims(info);
  for (onnx::ValueInfoProto &info : *graph.mutable_output())
    clearNegativeDims(info);
  size_t position = 0;
  for (onnx::ValueInfoProto &input : *graph.mutable_input()) {
    if (initializers.contains(input.name()))
      continue;
    const SmallVector<int64_t> *observed = nullptr;
    if (position < options.observedInputShapes.size())
      observed = &options.observedInputShapes[position];
    ++position;
    if (!input.type().has_tensor_type()) {
      emitFileError() << "graph input '" << printable(input.name())
                      << "' is not a tensor; whittle does not support "
                         "sequence, map or optional inputs";
      return failure();
    }
    auto bound = options.inputValues.find(input.name());
    if (bound != options.inputValues.end()) {
      if (failed(bindInputValue(input, bound->second, graph)))
        return failure();
      continue;
    }
    onnx::TypeProto_Tensor *tensor =
        input.mutable_type()->mutable_tensor_type();
    auto it = options.inputShapes.find(input.name());
    if (it != options.inputShapes.end()) {
      ArrayRef<int64_t> given = it->second;
      if (tensor->has_shape() &&
          tensor->shape().dim_size() != static_cast<int>(given.size())) {
        emitFileError() << "--input-shape gives input '"
                        << printable(input.name()) << "' rank " << given.size()
                        << " but the model "
                        << "declares rank " << tensor->shape().dim_size();
        return failure();
      }
      for (auto [i, d] : llvm::enumerate(given)) {
        // A negative size is an unknown one, as in the checks below.
        if (tensor->has_shape() && tensor->shape().dim(i).has_dim_value() &&
            tensor->shape().dim(i).dim_value() >= 0 &&
            tensor->shape().dim(i).dim_value() != d) {
          emitFileError() << "--input-shape gives dimension " << i
                          << " of input '" << printable(input.name()) << "' as "
                          << d << " but the model fixes it to "
                          << tensor->shape().dim(i).dim_value();
          return failure();
        }
      }
      tensor->mutable_shape()->clear_dim();
      for (int64_t d : given)
        tensor->mutable_shape()->add_dim()->set_dim_value(d);
    } else if (observed && tensor->has_shape() &&
               tensor->shape().dim_size() ==
                   static_cast<int>(observed->size())) {
      // Only the dynamic dimensions take the observed sizes; a mismatch in
      // a fixed one is the caller's to report.
      for (auto [i, d] : llvm::enumerate(*observed)) {
        auto *dim = tensor->mutable_shape()->mutable_dim(i);
        if (!dim->has_dim_value() || dim->dim_value() < 0)
          dim->set_dim_value(d);
      }
    } else if (options.batchSize && tensor->has_shape() &&
               tensor->shape().dim_size() > 0 &&
               (!tensor->shape().dim(0).has_dim_value() ||
                tensor->shape().dim(0).dim_value() < 0)) {
      tensor->mutable_shape()->mutable_dim(0)->set_dim_value(
          *options.batchSize);
    }
    if (!tensor->has_shape()) {
      emitFileError() << "input '" << printable(input.name())
                      << "' has no shape; pass --input-shape "
                      << printable(input.name())
                      << "=D0xD1x... with its dimensions";
      return failure();
    }
    for (auto [i, dim] : llvm::enumerate(tensor->shape().dim())) {
      if (dim.has_dim_value() && dim.dim_value() >= 0)
        continue;
      // A negative size is an unknown one (some exporters write -1).
      std::string symbol =
          dim.has_dim_param() ? " ('" + dim.dim_param() + "')"
          : dim.has_dim_value()
              ? " (declared as " + std::to_string(dim.dim_value()) + ")"
              : "";
      SmallVector<std::string> example;
      for (const auto &d : tensor->shape().dim())
        example.push_back(d.has_dim_value() && d.dim_value() >= 0
                              ? std::to_string(d.dim_value())
                              : "N");
      emitFileError() << "input '" << printable(input.name())
                      << "' has dynamic dimension " << i << printable(symbol)
                      << "; pass --input-shape " << printable(input.name())
                      << "=" << llvm::join(example, "x")
                      << " with N replaced by its size"
                      << (i == 0 ? ", or --batch-size N" : "");
      return failure();
    }
  }
  return success();
}

/// The elements of `value` packed little-endian, as ONNX's `raw_data` holds
/// them (bools take one byte each).
static std::string packElements(DenseElementsAttr value) {
  Type elementType = value.getElementType();
  size_t bytes = nn::getStorageBytes(elementType);
  std::string packed;
  packed.reserve(value.getNumElements() * bytes);
  auto append = [&](const APInt &bits) {
    uint64_t raw = bits.getZExtValue();
    packed.append(reinterpret_cast<const char *>(&raw), bytes);
  };
  if (isa<FloatType>(elementType))
    for (const APFloat &v : value.getValues<APFloat>())
      append(v.bitcastToAPInt());
  else
    for (const APInt &v : value.getValues<APInt>())
      append(v);
  return packed;
}

LogicalResult GraphImporter::bindInputValue(onnx::ValueInfoProto &input,
                                            DenseElementsAttr value,
                                            onnx::GraphProto &graph) {
  onnx::TypeProto_Tensor *tensor = input.mutable_type()->mutable_tensor_type();
  std::string what = "input '" + printable(input.name()) + "'";
  FailureOr<Type> declared = convertElementType(tensor->elem_type(), what);
  if (failed(declared))
    return failure();
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getElementType() != *declared) {
    emitFileError() << "the value bound to " << what << " has element type "
                    << type.getElementType() << " but the model declares "
                    << *declared;
    return failure();
  }
  if (tensor->has_shape()) {
    const auto &dims = tensor->shape().dim();
    bool fits = dims.size() == type.getRank();
    for (auto [d, size] : llvm::zip(dims, type.getShape()))
      fits &= !d.has_dim_value() || d.dim_value() < 0 || d.dim_value() == size;
    if (!fits) {
      SmallVector<int64_t> shape;
      for (const auto &d : dims)
        shape.push_back(d.has_dim_value() && d.dim_value() >= 0
                            ? d.dim_value()
                            : ShapedType::kDynamic);
      emitFileError() << "the value bound to " << what << " has shape "
                      << nn::shapeToString(type.getShape())
                      << " but the model declares " << nn::shapeToString(shape);
      return failure();
    }
  }
  tensor->mutable_shape()->clear_dim();
  for (int64_t d : type.getShape())
    tensor->mutable_shape()->add_dim()->set_dim_value(d);

  // An initializer named like a graph input is ONNX's input with a default
  // value: the checker, the version converter and shape inference all read
  // it as a constant, and import() leaves it out of the signature.
  onnx::TensorProto *init = graph.add_initializer();
  init->set_name(input.name());
  init->set_data_type(*getONNXDataType(type.getElementType()));
  for (int64_t d : type.getShape())
    init->add_dims(d);
  init->set_raw_data(packElements(value));
  return success();
}
