//===- SparsifyChannels.h - removing whole output channels ------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The graph rewrite behind `granularity=channel`: which uses of a layer's
// output can follow a removal of some of its channels, and the rewrite that
// removes them from the layer, the ops in between and the consumers.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_LIB_TRANSFORMS_SPARSIFYCHANNELS_H
#define WHITTLE_LIB_TRANSFORMS_SPARSIFYCHANNELS_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace whittle::sparsify {

/// Everything that sees a producer's output channels.
struct ChannelUses {
  /// Ops whose results lose `blockSize` indices of dimension 1 per removed
  /// channel: per-channel activations and pools (1), Flatten and what
  /// follows it (the spatial size folded in by the Flatten).
  llvm::SmallVector<std::pair<mlir::Operation *, int64_t>> resized;
  /// Batch normalizations whose four parameter vectors lose the channels.
  llvm::SmallVector<mlir::Operation *> batchNorms;
  /// Depthwise convs (one filter per channel) that lose those filters,
  /// their bias entries and as many groups; the channels pass through.
  llvm::SmallVector<mlir::Operation *> depthwise;
  /// Weighted ops whose weight loses input channels along its reduction
  /// axis; channel c owns `blockSize` consecutive reduction indices
  /// (1 unless a Flatten folded the spatial positions in).
  llvm::SmallVector<std::pair<mlir::Operation *, int64_t>> consumers;
};

/// Follows every use of `producer`'s output (an nn.conv with group 1, an
/// nn.gemm or a 2-D nn.matmul with a constant weight). Returns false and
/// says why in `reason` if some use cannot be rewritten.
bool traceChannelUses(mlir::Operation *producer, ChannelUses &uses,
                      std::string &reason);

/// One producer and the output channels (sorted) it loses.
struct ChannelRemoval {
  mlir::Operation *producer;
  llvm::SmallVector<int64_t> channels;
  ChannelUses uses;
};

/// Removes the channels: new weight/bias constants for producers and
/// consumers (an op can be both), new parameters for batch normalizations,
/// and narrower result types along the way.
void applyChannelRemovals(llvm::ArrayRef<ChannelRemoval> removals);

} // namespace whittle::sparsify

#endif // WHITTLE_LIB_TRANSFORMS_SPARSIFYCHANNELS_H
