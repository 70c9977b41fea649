//===- Passes.h - FPGA back end passes --------------------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_HLSCPP_PASSES_H
#define WHITTLE_TARGET_HLSCPP_PASSES_H

#include "whittle/Dialect/HLSCpp/HLSCppDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace whittle::hlscpp {

#define GEN_PASS_DECL
#include "whittle/Target/HLSCpp/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "whittle/Target/HLSCpp/Passes.h.inc"

} // namespace whittle::hlscpp

#endif // WHITTLE_TARGET_HLSCPP_PASSES_H
