//===- whittle_tb.h - .npy files and stream orders for csim ---*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// What the C-simulation testbench of a whittle design (tb/csim_main.cpp)
// needs besides the design: reading and writing NumPy .npy files (version
// 1, 2 or 3 headers, little-endian C-order data of float32, int8 or int32),
// the model's tensors as whittle-run sees them, and the order in which a
// design port holds a frame. Self-contained C++17.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TB_H
#define WHITTLE_TB_H

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace whittle_tb {

/// A model input or output as whittle-run takes or writes it.
struct TensorSpec {
  const char *name;
  const char *dtype; // NumPy's descr: "<f4", "|i1", "<i4"
  int rank;
  long long shape[8];
};

/// One loop of a port's stream order: `size` iterations, each a step of
/// `stride` in the frame's row-major (logical) index. Outermost first.
struct Loop {
  long long size, stride;
};

/// The logical index of the element at stream position `position`.
inline long long logical_index(long long position, const Loop *loops,
                               int count) {
  long long index = 0;
  for (int i = count - 1; i >= 0; --i) {
    index += (position % loops[i].size) * loops[i].stride;
    position /= loops[i].size;
  }
  return index;
}

/// An n-dimensional array as a .npy file holds it.
struct Array {
  std::string dtype;
  std::vector<long long> shape;
  std::vector<char> data;

  long long elements() const {
    long long n = 1;
    for (long long d : shape)
      n *= d;
    return n;
  }
};

/// Bytes per element of a dtype, 0 for one the testbench does not know.
inline int element_size(const std::string &dtype) {
  if (dtype == "<f4" || dtype == "<i4")
    return 4;
  if (dtype == "|i1" || dtype == "<i1" || dtype == "|u1")
    return 1;
  return 0;
}

/// `shape` as NumPy prints it: "(64, 1, 28, 28)".
inline std::string format_shape(const std::vector<long long> &shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

/// The value of `key` in a .npy header dictionary ("'descr': '<f4', ...").
inline std::string header_value(const std::string &header,
                                const std::string &key) {
  size_t at = header.find("'" + key + "'");
  if (at == std::string::npos)
    return "";
  at = header.find(':', at);
  if (at == std::string::npos)
    return "";
  ++at;
  while (at < header.size() && header[at] == ' ')
    ++at;
  size_t end = at;
  if (at < header.size() && (header[at] == '\'' || header[at] == '"')) {
    end = header.find(header[at], at + 1);
    return header.substr(at + 1, end - at - 1);
  }
  if (at < header.size() && header[at] == '(') {
    end = header.find(')', at);
    return header.substr(at, end - at + 1);
  }
  while (end < header.size() && header[end] != ',' && header[end] != '}')
    ++end;
  return header.substr(at, end - at);
}

inline bool read_npy(const std::string &path, Array &array,
                     std::string &error) {
  FILE *file = std::fopen(path.c_str(), "rb");
  if (!file) {
    error = "cannot open '" + path + "'";
    return false;
  }
  std::vector<char> bytes;
  char buffer[1 << 16];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof(buffer), file)) > 0)
    bytes.insert(bytes.end(), buffer, buffer + got);
  std::fclose(file);
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0) {
    error = "'" + path + "' is not a .npy file";
    return false;
  }
  unsigned major = static_cast<unsigned char>(bytes[6]);
  size_t headerLength, headerStart;
  if (major == 1) {
    headerLength = static_cast<unsigned char>(bytes[8]) |
                   static_cast<unsigned char>(bytes[9]) << 8;
    headerStart = 10;
  } else {
    if (bytes.size() < 12) {
      error = "'" + path + "' is truncated";
      return false;
    }
    headerLength = 0;
    for (int i = 3; i >= 0; --i)
      headerLength =
          headerLength << 8 | static_cast<unsigned char>(bytes[8 + i]);
    headerStart = 12;
  }
  if (bytes.size() < headerStart + headerLength) {
    error = "'" + path + "' is truncated";
    return false;
  }
  std::string header(bytes.data() + headerStart, headerLength);
  array.dtype = header_value(header, "descr");
  if (header_value(header, "fortran_order") == "True") {
    error = "'" + path + "' is in Fortran order; save it in C order";
    return false;
  }
  std::string shape = header_value(header, "shape");
  array.shape.clear();
  for (size_t at = 1; at < shape.size();) {
    while (at < shape.size() && (shape[at] == ' ' || shape[at] == ','))
      ++at;
    if (at >= shape.size() || shape[at] == ')')
      break;
    array.shape.push_back(std::stoll(shape.substr(at)));
    while (at < shape.size() && shape[at] >= '0' && shape[at] <= '9')
      ++at;
  }
  int size = element_size(array.dtype);
  if (size == 0) {
    error = "'" + path + "' holds elements of type '" + array.dtype +
            "'; the testbench reads float32, int8 and int32";
    return false;
  }
  size_t dataBytes = static_cast<size_t>(array.elements()) * size;
  if (bytes.size() - headerStart - headerLength < dataBytes) {
    error = "'" + path + "' holds fewer elements than its shape says";
    return false;
  }
  const char *data = bytes.data() + headerStart + headerLength;
  array.data.assign(data, data + dataBytes);
  return true;
}

inline bool write_npy(const std::string &path, const Array &array,
                      std::string &error) {
  std::string header =
      "{'descr': '" + array.dtype +
      "', 'fortran_order': False, 'shape': " + format_shape(array.shape) +
      ", }";
  // Pad with spaces so that the data starts at a multiple of 64 bytes.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  FILE *file = std::fopen(path.c_str(), "wb");
  if (!file) {
    error = "cannot write '" + path + "'";
    return false;
  }
  unsigned char preamble[10] = {0x93,
                                'N',
                                'U',
                                'M',
                                'P',
                                'Y',
                                1,
                                0,
                                static_cast<unsigned char>(header.size()),
                                static_cast<unsigned char>(header.size() >> 8)};
  bool ok =
      std::fwrite(preamble, 1, 10, file) == 10 &&
      std::fwrite(header.data(), 1, header.size(), file) == header.size() &&
      std::fwrite(array.data.data(), 1, array.data.size(), file) ==
          array.data.size();
  ok = std::fclose(file) == 0 && ok;
  if (!ok)
    error = "cannot write '" + path + "'";
  return ok;
}

/// A command line read one argument at a time, options given as `--name
/// value` or `--name=value` (the testbench's and run_model's).
/// Prints `error: message` and exits with status 1.
[[noreturn]] inline void fail(const std::string &message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  std::exit(1);
}

struct Arguments {
  int argc;
  char **argv;
  int index = 0;
  std::string arg;

  /// Moves to the next argument; false after the last.
  bool next() {
    if (++index >= argc)
      return false;
    arg = argv[index];
    return true;
  }
  /// Whether the current argument is option `name`, with or without `=`.
  bool is(const char *name) const {
    return arg == name || arg.rfind(std::string(name) + "=", 0) == 0;
  }
  /// The current option's value (after `=`, else the next argument, which
  /// it consumes); fails naming the option when there is none.
  std::string value() {
    size_t eq = arg.find('=');
    if (eq != std::string::npos)
      return arg.substr(eq + 1);
    if (index + 1 >= argc)
      fail(arg + " needs a value");
    return argv[++index];
  }
};

/// Creates `path` and its missing parents, as whittle-run does.
inline bool make_directories(const std::string &path) {
  for (size_t at = path.find('/', 1); at != std::string::npos;
       at = path.find('/', at + 1))
    if (mkdir(path.substr(0, at).c_str(), 0777) != 0 && errno != EEXIST)
      return false;
  return mkdir(path.c_str(), 0777) == 0 || errno == EEXIST;
}

inline const char *dtype_name(const std::string &dtype) {
  if (dtype == "<f4")
    return "float";
  if (dtype == "|i1" || dtype == "<i1")
    return "int8";
  if (dtype == "<i4")
    return "int32";
  return "unknown";
}

inline std::vector<long long> shape_of(const TensorSpec &spec) {
  return std::vector<long long>(spec.shape, spec.shape + spec.rank);
}

/// How many batches of the model's fixed shapes the inputs hold, as
/// whittle-run counts them: k when every input stacks k copies of its
/// expected shape along the leading dimension, else 1 (and check_input
/// explains any mismatch).
inline long long count_batches(const std::vector<Array> &arrays,
                               const TensorSpec *specs) {
  long long batches = 0;
  for (size_t i = 0; i < arrays.size(); ++i) {
    std::vector<long long> shape = shape_of(specs[i]);
    const std::vector<long long> &given = arrays[i].shape;
    if (shape.empty() || given.size() != shape.size() || shape[0] <= 0 ||
        given[0] % shape[0] != 0 ||
        !std::equal(shape.begin() + 1, shape.end(), given.begin() + 1))
      return 1;
    long long k = given[0] / shape[0];
    if (batches != 0 && k != batches)
      return 1;
    batches = k;
  }
  return batches > 1 ? batches : 1;
}

/// Checks an input file against the model's input (its leading dimension
/// times `batches`), as whittle-run does: empty when it matches, else the
/// reason.
inline std::string check_input(const Array &array, const TensorSpec &spec,
                               long long batches, int index,
                               const std::string &file) {
  std::string where = "input " + std::to_string(index) + " ('" + spec.name +
                      "', from '" + file + "')";
  std::string dtype = array.dtype == "<i1" ? "|i1" : array.dtype;
  if (dtype != spec.dtype)
    return where + " has element type " + dtype_name(dtype) +
           " but the model expects " + dtype_name(spec.dtype);
  std::vector<long long> shape = shape_of(spec);
  if (!shape.empty())
    shape[0] *= batches;
  if (array.shape != shape)
    return where + " has shape " + format_shape(array.shape) +
           " but the model expects " + format_shape(shape);
  return "";
}

} // namespace whittle_tb

#endif // WHITTLE_TB_H
