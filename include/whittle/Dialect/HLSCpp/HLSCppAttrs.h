//===- HLSCppAttrs.h - FPGA dataflow configuration --------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// `#hlscpp.device`, `#hlscpp.plan` and `#hlscpp.stage`: the device a design
// is planned for, the planner's answer and each stage's configuration.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_HLSCPP_HLSCPPATTRS_H
#define WHITTLE_DIALECT_HLSCPP_HLSCPPATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/APFloat.h"

#include "whittle/Dialect/HLSCpp/HLSCppEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "whittle/Dialect/HLSCpp/HLSCppAttrs.h.inc"

#endif // WHITTLE_DIALECT_HLSCPP_HLSCPPATTRS_H
