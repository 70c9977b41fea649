//===- SparsifyMath.h - mask selection on raw weights -----------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The numerical side of --whittle-sparsify, on row-major weights of any rank
// with a given output-channel axis and reduction axis (see WeightLayout):
// choosing masks of each granularity, detecting the pattern of zeros a
// model was trained with, and allocating one global sparsity target across
// layers. Pruning only ever sets elements to exactly zero, and zeros already
// present count as pruned first (they have the smallest magnitude), so an
// existing mask is kept.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TRANSFORMS_SPARSIFYMATH_H
#define WHITTLE_TRANSFORMS_SPARSIFYMATH_H

#include "whittle/Transforms/SparsityPattern.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace whittle::sparsify {

enum class BlockNorm { L1, L2 };

int64_t countZeros(llvm::ArrayRef<double> weights);

/// Unstructured Dynamic-Sparse-Training mask with one threshold per output
/// channel: round(sparsity * size) elements are zeroed, spread evenly over
/// the output channels (all elements with one index along `outAxis`; the
/// first channels take one more when it does not divide), each losing its
/// smallest magnitudes, ties broken by position. Every channel reaches the
/// target within one element and the layer reaches it exactly. Returns the
/// thresholds t_i: the largest magnitude zeroed in channel i (-1 where nothing
/// was zeroed), so the kept elements are those with |W| > t_i except for ties
/// at t_i.
llvm::SmallVector<double>
pruneUnstructuredPerChannel(llvm::MutableArrayRef<double> weights,
                            llvm::ArrayRef<int64_t> shape, int64_t outAxis,
                            double sparsity);

/// Keeps the `n` largest magnitudes of every group of `m` consecutive
/// elements along `inAxis` and zeroes the rest. shape[inAxis] must be a
/// multiple of m.
void pruneNM(llvm::MutableArrayRef<double> weights,
             llvm::ArrayRef<int64_t> shape, int64_t inAxis, int64_t n,
             int64_t m);

/// The largest number of non-zeros in any group of `m` consecutive elements
/// along `inAxis` (shape[inAxis] must be a multiple of m).
int64_t maxNonZerosPerGroup(llvm::ArrayRef<double> weights,
                            llvm::ArrayRef<int64_t> shape, int64_t inAxis,
                            int64_t m);

/// Norms of the [bo, bi] blocks over (outAxis, inAxis), one per block and
/// position of the other axes, in row-major order of (other axes, block
/// row, block column). The dimensions must be multiples of the block.
llvm::SmallVector<double> blockNorms(llvm::ArrayRef<double> weights,
                                     llvm::ArrayRef<int64_t> shape,
                                     int64_t outAxis, int64_t inAxis,
                                     int64_t bo, int64_t bi, BlockNorm norm);

/// Zeroes the round(sparsity * #blocks) blocks of smallest norm.
void pruneBlocks(llvm::MutableArrayRef<double> weights,
                 llvm::ArrayRef<int64_t> shape, int64_t outAxis, int64_t inAxis,
                 int64_t bo, int64_t bi, double sparsity, BlockNorm norm);

/// Number of elements lying in all-zero [bo, bi] blocks.
int64_t countElementsInZeroBlocks(llvm::ArrayRef<double> weights,
                                  llvm::ArrayRef<int64_t> shape,
                                  int64_t outAxis, int64_t inAxis, int64_t bo,
                                  int64_t bi);

/// L2 norm of each output channel.
llvm::SmallVector<double> channelNorms(llvm::ArrayRef<double> weights,
                                       llvm::ArrayRef<int64_t> shape,
                                       int64_t outAxis);

/// The output channels to remove for `sparsity`: the round(sparsity * count)
/// of smallest norm, at most count - 1 (one channel always stays), in
/// increasing index order.
llvm::SmallVector<int64_t> selectChannelsToRemove(llvm::ArrayRef<double> norms,
                                                  double sparsity);

/// Below this fraction of zeros a weight counts as dense when detecting.
constexpr double kMinDetectedSparsity = 0.01;

/// The most structured pattern that explains the zeros already in
/// `weights`: N:M along the reduction axis (M = 4 then 8, the smallest N
/// that holds, N <= M/2), else blocks (8x8, 4x4, 2x2, and `extraBlock`
/// if given) holding at least 95% of the zeros, else unstructured. nullopt
/// if fewer than kMinDetectedSparsity of the elements are zero.
std::optional<SparsityPattern>
detectPattern(llvm::ArrayRef<double> weights, llvm::ArrayRef<int64_t> shape,
              const WeightLayout &layout,
              llvm::ArrayRef<int64_t> extraBlock = {});

/// One layer's prunable units for global allocation: a magnitude score and
/// a size (in weights) per unit (an element, a block or a channel).
struct LayerUnits {
  llvm::SmallVector<double> scores;
  llvm::SmallVector<int64_t> sizes;
};

/// Global magnitude allocation: every unit's score is divided by the mean
/// score of its layer (so layers of different scale compete fairly), then
/// units are pruned from the smallest normalized score upwards until
/// `target` of all weights are pruned, no layer exceeding
/// `maxLayerFraction` of its units. Returns each layer's fraction of
/// pruned units.
llvm::SmallVector<double> allocateGlobal(llvm::ArrayRef<LayerUnits> layers,
                                         double target,
                                         double maxLayerFraction);

/// Erdos-Renyi-Kernel allocation (RigL): layer l of weight shape s_l keeps
/// a density proportional to sum(s_l) / prod(s_l), scaled so that `target`
/// of all weights are pruned; layers that would exceed density 1 stay
/// dense and layers above `maxLayerFraction` are capped, the rest
/// re-solved. Small layers (depthwise, thin 1x1) stay denser. Returns each
/// layer's pruned fraction.
llvm::SmallVector<double>
allocateERK(llvm::ArrayRef<llvm::SmallVector<int64_t>> shapes, double target,
            double maxLayerFraction);

} // namespace whittle::sparsify

#endif // WHITTLE_TRANSFORMS_SPARSIFYMATH_H
