//===- HLSCppDialect.h - FPGA dataflow configuration ------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_HLSCPP_HLSCPPDIALECT_H
#define WHITTLE_DIALECT_HLSCPP_HLSCPPDIALECT_H

#include "mlir/IR/Dialect.h"

#include "whittle/Dialect/HLSCpp/HLSCppDialect.h.inc"

#include "whittle/Dialect/HLSCpp/HLSCppAttrs.h"

#endif // WHITTLE_DIALECT_HLSCPP_HLSCPPDIALECT_H
