//===- Passes.h - conversions out of whittle's dialects ---------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_CONVERSION_PASSES_H
#define WHITTLE_CONVERSION_PASSES_H

#include "whittle/Conversion/NNToLinalg/NNToLinalg.h"
#include "whittle/Conversion/NNToQNN/NNToQNN.h"
#include "whittle/Conversion/QNNToLinalg/QNNToLinalg.h"

namespace whittle {

#define GEN_PASS_REGISTRATION
#include "whittle/Conversion/Passes.h.inc"

} // namespace whittle

#endif // WHITTLE_CONVERSION_PASSES_H
