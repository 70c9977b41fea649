//===- LayerName.h - the layer name an op's location carries ----*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The one place that reads a layer's name out of an op's location, so that
// every pass, report and exporter names a layer the same way.
//
// The ONNX importer gives each op `NameLoc(node name or op type, file)`.
// Rewrites keep that location, or fuse it with others: folding a BatchNorm
// into a conv, or the greedy driver merging ops, builds
// `fused[<kept op's loc>, <merged ops' locs>...]`, and inlining wraps it in a
// `callsite(<callee loc> at <caller loc>)`. The layer is the first NameLoc in
// a depth-first walk that enters fused locations in order and call sites
// through their callee: the op's own node, not whatever was merged into it.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_LAYERNAME_H
#define WHITTLE_DIALECT_NN_LAYERNAME_H

#include "mlir/IR/Location.h"
#include "mlir/IR/Operation.h"

#include <optional>
#include <string>

namespace whittle::nn {

/// The ONNX node name `loc` carries (see the file comment), or nothing when
/// it has no NameLoc (hand-written IR, ops built without a name).
std::optional<llvm::StringRef> getLayerName(mlir::Location loc);

/// The layer name of `op`, or, when its location has none, the op and where
/// it is, as `nn.conv at file.mlir:12:8` (the file name without its
/// directories), or just the op name when it has no file location.
std::string describeLayer(mlir::Operation *op);

} // namespace whittle::nn

#endif // WHITTLE_DIALECT_NN_LAYERNAME_H
