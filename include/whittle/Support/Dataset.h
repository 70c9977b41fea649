//===- Dataset.h - sample inputs for calibration and evaluation -*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Calibration, the compression report and accuracy checks all take sample
// inputs the same way: an IDX file (MNIST's format, gzip-compressed or not)
// with an optional IDX label file, a single `.pb`/`.npy` tensor, or a folder
// of them. Samples are stacked along dimension 0.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_SUPPORT_DATASET_H
#define WHITTLE_SUPPORT_DATASET_H

#include "whittle/Support/HostTensor.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <vector>

namespace whittle {

struct Dataset {
  /// All samples stacked along dimension 0: [N, sample dims...].
  HostTensor samples;
  /// One class index per sample, when labels were given.
  std::optional<std::vector<int64_t>> labels;

  int64_t size() const { return samples.shape.empty() ? 0 : samples.shape[0]; }
  llvm::ArrayRef<int64_t> getSampleShape() const {
    return llvm::ArrayRef<int64_t>(samples.shape).drop_front();
  }
  /// Samples [begin, begin + count) as one tensor [count, sample dims...];
  /// `count` is clipped at the end of the set.
  HostTensor getBatch(int64_t begin, int64_t count) const;
};

/// Reads at most `limit` samples (all when negative) from `path`:
/// - an IDX file (`.gz` or raw). Unsigned-byte images [N, H, W] become
///   float32 [N, 1, H, W] holding pixel / 255, the input convention of image
///   models trained on such data; other IDX data keeps its type and shape.
/// - a `.pb` or `.npy` tensor whose dimension 0 indexes samples;
/// - a folder: its `.pb`/`.npy` files in name order, concatenated along
///   dimension 0 (each holds one or more samples of the same shape and type).
/// `labelsPath`, when not empty, is an IDX (or `.npy`/`.pb`) file of integer
/// class labels, one per sample.
llvm::Expected<Dataset> loadDataset(llvm::StringRef path,
                                    llvm::StringRef labelsPath = "",
                                    int64_t limit = -1);

/// Reads one IDX file (`.gz` or raw) as it is stored: element type from its
/// header (uint8, int8, int16, int32, float32, float64), shape from its
/// dimensions.
llvm::Expected<HostTensor> readIDXFile(llvm::StringRef path);

} // namespace whittle

#endif // WHITTLE_SUPPORT_DATASET_H
