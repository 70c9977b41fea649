//===- NativeOutputs.h - whittlec's object and library files ----*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Writes a compiled model as an object file or a shared library together
// with its C header. Either every file appears under its final name or none
// does: each is written under a temporary name first.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLEC_NATIVEOUTPUTS_H
#define WHITTLEC_NATIVEOUTPUTS_H

#include "whittle/Target/CPU/ObjectEmitter.h"

#include "llvm/Support/Error.h"

namespace whittle {

/// The header that goes with `outputPath`: its extension replaced by ".h".
std::string getHeaderPath(llvm::StringRef outputPath);

/// Writes `object`, whose entry point is `symbol`, to `outputPath` as is
/// or, if `shared`, linked into a shared library by the system's `cc`; and
/// its header to getHeaderPath(outputPath). `modelPath` is named in the
/// header.
llvm::Error writeNativeOutputs(const NativeObject &object,
                               llvm::StringRef symbol,
                               llvm::StringRef modelPath,
                               llvm::StringRef outputPath, bool shared);

} // namespace whittle

#endif // WHITTLEC_NATIVEOUTPUTS_H
