//===- CHeader.h - the C declaration of a compiled model --------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// A compiled model's entry point is `void f(const T0 *in0, ..., U0 *out0,
// ...)`. The header written here declares it for C and C++ with parameter
// names and types taken from the ONNX graph, and defines each tensor's
// element count.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_SUPPORT_CHEADER_H
#define WHITTLE_SUPPORT_CHEADER_H

#include "whittle/Support/ModelSignature.h"

#include "llvm/Support/raw_ostream.h"

namespace whittle {

/// Whether `name` can name a C function that user code links against: a C
/// identifier that is neither a keyword nor `main`, and not reserved
/// (no leading underscore, no double underscore, which C++ reserves).
bool isCIdentifier(llvm::StringRef name);

/// `name` made into an identifier that isCIdentifier accepts: characters
/// outside [A-Za-z0-9_] become underscores, underscores are collapsed and
/// trimmed, and `prefix` goes in front where that still leaves no valid
/// identifier ("3x3" -> prefix + "3x3", "int" -> prefix + "int").
std::string sanitizeCIdentifier(llvm::StringRef name, llvm::StringRef prefix);

/// Writes a header declaring `void function(inputs..., outputs...)`;
/// `function` must satisfy isCIdentifier. `source` (the model file) is
/// named in the header's opening comment.
void writeCHeader(llvm::raw_ostream &os, llvm::StringRef function,
                  llvm::ArrayRef<TensorSpec> inputs,
                  llvm::ArrayRef<TensorSpec> outputs, llvm::StringRef source);

} // namespace whittle

#endif // WHITTLE_SUPPORT_CHEADER_H
