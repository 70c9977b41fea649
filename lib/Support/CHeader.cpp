//===- CHeader.cpp - the C declaration of a compiled model ----------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Support/CHeader.h"
#include "whittle/Support/HostTensor.h"

#include "onnx/onnx_pb.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace llvm;

namespace whittle {

/// Names a declaration in the header cannot take: C and C++ keywords, the
/// <stdint.h> types the header uses, and `main`.
static bool isTakenName(StringRef name) {
  static const StringSet<> taken = {
      // C (through C23).
      "alignas", "alignof", "auto", "bool", "break", "case", "char", "const",
      "constexpr", "continue", "default", "do", "double", "else", "enum",
      "extern", "false", "float", "for", "goto", "if", "inline", "int", "long",
      "nullptr", "register", "restrict", "return", "short", "signed", "sizeof",
      "static", "static_assert", "struct", "switch", "thread_local", "true",
      "typedef", "typeof", "typeof_unqual", "union", "unsigned", "void",
      "volatile", "while",
      // C++ on top of C.
      "and", "and_eq", "asm", "bitand", "bitor", "catch", "char8_t", "char16_t",
      "char32_t", "class", "co_await", "co_return", "co_yield", "compl",
      "concept", "const_cast", "consteval", "constinit", "decltype", "delete",
      "dynamic_cast", "explicit", "export", "friend", "mutable", "namespace",
      "new", "noexcept", "not", "not_eq", "operator", "or", "or_eq", "private",
      "protected", "public", "reinterpret_cast", "requires", "static_cast",
      "template", "this", "throw", "try", "typeid", "typename", "using",
      "virtual", "wchar_t", "xor", "xor_eq",
      // The header's own types, and the program's entry point.
      "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t",
      "uint32_t", "uint64_t", "main"};
  return taken.contains(name);
}

bool isCIdentifier(StringRef name) {
  if (name.empty() || isDigit(name.front()) || name.front() == '_' ||
      name.contains("__") || isTakenName(name))
    return false;
  return llvm::all_of(name, [](char c) { return isAlnum(c) || c == '_'; });
}

std::string sanitizeCIdentifier(StringRef name, StringRef prefix) {
  std::string result;
  for (char c : name) {
    bool keep = isAlnum(c);
    if (keep)
      result.push_back(c);
    else if (!result.empty() && result.back() != '_')
      result.push_back('_');
  }
  while (!result.empty() && result.back() == '_')
    result.pop_back();
  if (!isCIdentifier(result))
    result = (prefix + result).str();
  return result;
}

/// The C element type of an ONNX data type, and what a reader of the
/// header needs to know about its representation.
static std::pair<StringRef, StringRef> getCElementType(int32_t dataType) {
  switch (dataType) {
  case onnx::TensorProto::FLOAT:
    return {"float", ""};
  case onnx::TensorProto::DOUBLE:
    return {"double", ""};
  case onnx::TensorProto::INT8:
    return {"int8_t", ""};
  case onnx::TensorProto::UINT8:
    return {"uint8_t", ""};
  case onnx::TensorProto::INT16:
    return {"int16_t", ""};
  case onnx::TensorProto::UINT16:
    return {"uint16_t", ""};
  case onnx::TensorProto::INT32:
    return {"int32_t", ""};
  case onnx::TensorProto::UINT32:
    return {"uint32_t", ""};
  case onnx::TensorProto::INT64:
    return {"int64_t", ""};
  case onnx::TensorProto::UINT64:
    return {"uint64_t", ""};
  case onnx::TensorProto::BOOL:
    return {"uint8_t", "one byte per element, 0 or 1"};
  case onnx::TensorProto::FLOAT16:
    return {"uint16_t", "the bits of IEEE binary16 values"};
  case onnx::TensorProto::BFLOAT16:
    return {"uint16_t", "the bits of bfloat16 values"};
  }
  // getSignature only lets through the types above.
  llvm_unreachable("tensor of a type compiled models cannot exchange");
}

/// `text` (an ONNX name) as a quoted string that cannot end the comment it
/// is written in.
static std::string quoteForComment(StringRef text) {
  std::string quoted;
  raw_string_ostream os(quoted);
  os << '"';
  printEscapedString(text, os);
  os << '"';
  size_t end;
  while ((end = quoted.find("*/")) != std::string::npos)
    quoted.replace(end, 2, "*\\/");
  return quoted;
}

namespace {
/// One parameter of the entry point.
struct CParameter {
  const TensorSpec *spec;
  StringRef kind; // "input" or "output"
  std::string name;
};
} // namespace

/// The parameters of the entry point, named after their tensors. Names
/// are unique even ignoring case, so that the element count macros, which
/// spell them in capitals, are unique too.
static SmallVector<CParameter> getParameters(ArrayRef<TensorSpec> inputs,
                                             ArrayRef<TensorSpec> outputs) {
  SmallVector<CParameter> parameters;
  StringSet<> used;
  auto add = [&](const TensorSpec &spec, StringRef kind) {
    std::string base = sanitizeCIdentifier(spec.name, "tensor_");
    std::string name = base;
    for (unsigned suffix = 2; !used.insert(StringRef(name).lower()).second;
         ++suffix)
      name = base + "_" + std::to_string(suffix);
    parameters.push_back({&spec, kind, name});
  };
  for (const TensorSpec &spec : inputs)
    add(spec, "input");
  for (const TensorSpec &spec : outputs)
    add(spec, "output");
  return parameters;
}

void writeCHeader(raw_ostream &os, StringRef function,
                  ArrayRef<TensorSpec> inputs, ArrayRef<TensorSpec> outputs,
                  StringRef source) {
  assert(isCIdentifier(function) && "entry point name is no C identifier");
  std::string guard = "WHITTLE_" + function.upper() + "_H";
  os << "/* The C entry point of " << quoteForComment(source)
     << ", compiled by whittlec.\n"
        "   Generated; do not edit. */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdint.h>\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";

  SmallVector<CParameter> parameters = getParameters(inputs, outputs);
  os << "/* Runs the model once. Each argument points to its tensor as a "
        "packed,\n"
        "   row-major array, aligned for its element type; the caller "
        "allocates\n"
        "   the outputs, which the call overwrites. Its parallel loops run on "
        "LLVM's\n"
        "   OpenMP runtime (link with -lomp -lm), on OMP_NUM_THREADS threads "
        "or, if\n"
        "   that is unset, on every core; the results do not depend on the "
        "count.\n"
        "   Its temporaries share one workspace, kept in the object's\n"
        "   zero-initialized data (up to 1 GiB; larger ones are allocated by "
        "each\n"
        "   call) and reused by every call; a call made while another runs "
        "(from\n"
        "   another thread) allocates its own. */\n"
     << "void " << function << "(";
  for (auto [i, parameter] : llvm::enumerate(parameters)) {
    const TensorSpec &spec = *parameter.spec;
    auto [type, representation] = getCElementType(spec.dataType);
    os << "\n    /* ONNX " << parameter.kind << " "
       << quoteForComment(spec.name) << ": "
       << getONNXDataTypeName(spec.dataType) << " ["
       << llvm::join(
              llvm::map_range(spec.shape,
                              [](int64_t d) { return std::to_string(d); }),
              ", ")
       << "]";
    if (!representation.empty())
      os << ", " << representation;
    os << " */\n    " << (parameter.kind == "input" ? "const " : "") << type
       << " *" << parameter.name << (i + 1 == parameters.size() ? "" : ",");
  }
  if (parameters.empty())
    os << "void";
  os << ");\n\n";

  // After the prototype, so that no macro can rename one of its parameters.
  os << "/* The number of elements of each tensor. */\n";
  for (const CParameter &parameter : parameters)
    os << "#define " << function.upper() << "_"
       << StringRef(parameter.name).upper() << "_COUNT "
       << parameter.spec->getNumElements() << "\n";

  os << "\n#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
}

} // namespace whittle
