//===- whittle_cuda_layout.h - index math of the CUDA kernels ---*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Which thread holds which element of a tensor-core fragment, where each
// lane points ldmatrix, how shared-memory tiles are laid out, how the
// depthwise kernel packs its weights and regroups its bytes, the GEMM's
// tile shapes (GemmTile, here so that the host emulation of
// whittle_cuda_host.h names the same tiles) and the shapes of a
// convolution: every index computation of whittle_cuda_gemm.cuh and
// whittle_cuda_depthwise.cuh that can go wrong silently. They are plain
// `__host__ __device__` functions (WHITTLE_ARITH_FN, from the shared
// arithmetic header), so that test/unit/CUDAEpilogueTest.cpp can check
// them on the host against a simulation of the PTX instructions, which no
// machine without a GPU could otherwise do.
//
// Builds with g++ -std=c++17 -Wall -Werror and with nvcc.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_CUDA_LAYOUT_H
#define WHITTLE_CUDA_LAYOUT_H

#include "whittle_hls_arith.h"

#include <cstdint>

namespace whittle_cuda {

//===----------------------------------------------------------------------===//
// mma.m16n8k32 with .s8 operands
//===----------------------------------------------------------------------===//

/// The shape of one `mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32` (PTX
/// ISA, "Matrix shape" table of the mma instruction: m16n8k32 for .s8).
constexpr int kMmaM = 16, kMmaN = 8, kMmaK = 32;
/// Registers per thread (PTX ISA, "Matrix Fragments for mma.m16n8k32"):
/// A is four .b32 of four .s8 each, B two .b32, C and D four .s32.
constexpr int kMmaARegs = 4, kMmaBRegs = 2, kMmaCRegs = 4;

// PTX ISA, "Matrix Fragments for mma.m16n8k32", with groupID = lane >> 2
// and threadID_in_group = lane % 4. The functions name the element of the
// 16 x 32 A tile (row-major), the 32 x 8 B tile (column-major) and the
// 16 x 8 accumulator that `lane` holds in register `reg`, byte `byte`.

/// A's row of register `reg`: groupID for a0..a3 and a8..a11 (registers 0
/// and 2), groupID + 8 for a4..a7 and a12..a15 (registers 1 and 3).
WHITTLE_ARITH_FN int fragmentARow(int lane, int reg) {
  return (lane >> 2) + (reg & 1) * 8;
}
/// A's column (k): threadID_in_group * 4 + byte, plus 16 for a8..a15
/// (registers 2 and 3).
WHITTLE_ARITH_FN int fragmentAColumn(int lane, int reg, int byte) {
  return (lane & 3) * 4 + (reg >> 1) * 16 + byte;
}
/// B's row (k): threadID_in_group * 4 + byte, plus 16 for b4..b7
/// (register 1).
WHITTLE_ARITH_FN int fragmentBRow(int lane, int reg, int byte) {
  return (lane & 3) * 4 + reg * 16 + byte;
}
/// B's column (n): groupID.
WHITTLE_ARITH_FN int fragmentBColumn(int lane) { return lane >> 2; }
/// The accumulator's row: groupID for c0, c1 and groupID + 8 for c2, c3.
WHITTLE_ARITH_FN int accumulatorRow(int lane, int reg) {
  return (lane >> 2) + (reg >> 1) * 8;
}
/// The accumulator's column: threadID_in_group * 2 + (reg & 1).
WHITTLE_ARITH_FN int accumulatorColumn(int lane, int reg) {
  return (lane & 3) * 2 + (reg & 1);
}

//===----------------------------------------------------------------------===//
// ldmatrix.sync.aligned.m8n8.x4.shared.b16
//===----------------------------------------------------------------------===//

// PTX ISA, "ldmatrix": with .x4, lanes 8j..8j+7 give the addresses of the
// eight 16-byte rows of matrix j, and every lane receives in register j
// the 32 bits at bytes 4 * (lane % 4) of row lane / 4 of matrix j. Read as
// bytes, that is exactly the mma fragments above when the matrices are
// chosen as follows (the kernels read A and B^T from k-contiguous rows).

/// The A tile's row (m, within 16) whose address `lane` gives: matrices 0
/// and 2 are rows 0..7, matrices 1 and 3 rows 8..15 (registers 0..3 of the
/// A fragment).
WHITTLE_ARITH_FN int ldmatrixARow(int lane) {
  return (lane & 7) + ((lane >> 3) & 1) * 8;
}
/// The A tile's first column (k byte) of that row: 0 for matrices 0 and 1,
/// 16 for matrices 2 and 3.
WHITTLE_ARITH_FN int ldmatrixAColumn(int lane) { return (lane >> 4) * 16; }
/// The B^T tile's row (n, within 16: two n8 mma tiles) whose address
/// `lane` gives: matrix j is register j & 1 of n tile j >> 1, so the four
/// registers are {b0, b1} of the first n8 tile, then of the second.
WHITTLE_ARITH_FN int ldmatrixBRow(int lane) {
  return (lane & 7) + (lane >> 4) * 8;
}
/// The B^T tile's first column (k byte) of that row.
WHITTLE_ARITH_FN int ldmatrixBColumn(int lane) {
  return ((lane >> 3) & 1) * 16;
}

//===----------------------------------------------------------------------===//
// Shared-memory tiles
//===----------------------------------------------------------------------===//

/// Bytes per shared-memory row of a tile `tileK` bytes wide: 16 bytes of
/// padding, so that the eight 16-byte rows one ldmatrix phase reads fall
/// in distinct banks (32 banks of 4 bytes, "Shared Memory" in the CUDA
/// programming guide) while every row stays 16-byte aligned for cp.async
/// (cp-size 16) and ldmatrix (PTX ISA: row addresses 16-byte aligned).
/// test/unit/CUDAEpilogueTest.cpp checks the conflict freedom.
WHITTLE_ARITH_FN constexpr int sharedRowBytes(int tileK) { return tileK + 16; }

//===----------------------------------------------------------------------===//
// GEMM tiles
//===----------------------------------------------------------------------===//

/// A block tile of BM x BN outputs over BK-byte slices of k, warp tiles of
/// WM x WN, and kStages shared-memory buffers.
template <int BM_, int BN_, int BK_, int WM_, int WN_, int kStages_>
struct GemmTile {
  static constexpr int BM = BM_, BN = BN_, BK = BK_, WM = WM_, WN = WN_;
  static constexpr int kStages = kStages_;
  static constexpr int kWarpsM = BM / WM, kWarpsN = BN / WN;
  static constexpr int kThreads = 32 * kWarpsM * kWarpsN;
  /// mma tiles per warp.
  static constexpr int kMmaTilesM = WM / kMmaM, kMmaTilesN = WN / kMmaN;
  static constexpr int kRowBytes = sharedRowBytes(BK);
  static constexpr int kStageBytes = (BM + BN) * kRowBytes;
  static constexpr int kSharedBytes = kStages * kStageBytes;
  /// 16-byte copies per row of a slice, and per thread per slice.
  static constexpr int kChunksPerRow = BK / 16;
  static constexpr int kAChunksPerThread = BM * kChunksPerRow / kThreads;
  static constexpr int kBChunksPerThread = BN * kChunksPerRow / kThreads;

  static_assert(BM % WM == 0 && BN % WN == 0, "warp tiles must divide");
  static_assert(WM % kMmaM == 0, "a warp tile's rows are m16 tiles");
  // B fragments are read two n8 tiles per ldmatrix.x4.
  static_assert(WN % (2 * kMmaN) == 0, "a warp tile's columns are n16 pairs");
  static_assert(BK % kMmaK == 0, "a slice is whole k32 steps");
  static_assert(kStages >= 2, "a pipeline needs two buffers");
  static_assert(BM * kChunksPerRow % kThreads == 0 &&
                    BN * kChunksPerRow % kThreads == 0,
                "every thread copies the same number of chunks");
};

/// A tile for large layers on sm_80 and sm_90: 128 x 128 x 64 in 3 stages
/// (60 KiB of shared memory), 8 warps of 64 x 32. Warps of 64 x 64 (128
/// accumulators each) spilled to the stack with the requantize epilogue
/// (cuobjdump -res-usage: 248 registers, 544 bytes of stack).
using DefaultGemmTile = GemmTile<128, 128, 64, 64, 32, 3>;

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

/// A 2-D convolution over NHWC input [batch, height, width, channels] with
/// weights [outChannels, kernelH, kernelW, channels] (OHWI, so that a
/// weight row is the GEMM's B^T row over k = (kh, kw, c)) and output
/// [batch, outH, outW, outChannels]; pads are the top and left ones (the
/// bottom and right ones are implied by outH and outW).
struct ConvShape {
  int batch, height, width, channels;
  int outChannels, kernelH, kernelW;
  int strideH, strideW, padTop, padLeft, dilationH, dilationW;
  int outH, outW;

  /// The implicit GEMM's M (output pixels) and K (window elements).
  WHITTLE_ARITH_FN int64_t gemmM() const {
    return int64_t(batch) * outH * outW;
  }
  WHITTLE_ARITH_FN int64_t gemmK() const {
    return int64_t(kernelH) * kernelW * channels;
  }
};

/// The output size along one axis (ONNX Conv's formula).
WHITTLE_ARITH_FN int convOutputSize(int input, int kernel, int stride,
                                    int padBegin, int padEnd, int dilation) {
  return (input + padBegin + padEnd - dilation * (kernel - 1) - 1) / stride + 1;
}

/// The window of output pixel `m` (the GEMM's row: (n, oh, ow)): the
/// offset of image n in x and the input position of its top left tap.
struct ConvWindow {
  int64_t image;
  int ih0, iw0;
};
WHITTLE_ARITH_FN ConvWindow convWindow(const ConvShape &s, int64_t m) {
  int ow = static_cast<int>(m % s.outW);
  int64_t rest = m / s.outW;
  int oh = static_cast<int>(rest % s.outH);
  int64_t n = rest / s.outH;
  ConvWindow w;
  w.image = n * s.height * s.width * s.channels;
  w.ih0 = oh * s.strideH - s.padTop;
  w.iw0 = ow * s.strideW - s.padLeft;
  return w;
}

/// Element `k` (the GEMM's k: (kh, kw, c)) of window `w`: its offset in x
/// and whether it is inside the input (else it is padding, where qnn reads
/// the input zero point).
struct ConvTap {
  int64_t offset;
  bool inside;
};
WHITTLE_ARITH_FN ConvTap convTap(const ConvShape &s, const ConvWindow &w,
                                 int64_t k) {
  int c = static_cast<int>(k % s.channels);
  int window = static_cast<int>(k / s.channels);
  int ih = w.ih0 + (window / s.kernelW) * s.dilationH;
  int iw = w.iw0 + (window % s.kernelW) * s.dilationW;
  ConvTap tap;
  tap.inside = ih >= 0 && ih < s.height && iw >= 0 && iw < s.width;
  tap.offset = w.image + (int64_t(ih) * s.width + iw) * s.channels + c;
  return tap;
}

//===----------------------------------------------------------------------===//
// Depthwise convolution with dp4a
//===----------------------------------------------------------------------===//

// dp4a sums the products of four byte pairs, but a depthwise convolution
// must not sum across channels: the kernel reads four channels of one tap
// per 32-bit load, regroups four taps' words into one word per channel
// (transposeBytes4x4), and multiplies each with a word holding the same
// four taps of that channel's weights.

/// Words of packed depthwise weights per channel: ceil(taps / 4).
WHITTLE_ARITH_FN int depthwiseTapGroups(int taps) { return (taps + 3) / 4; }

/// Packs depthwise weights [kernelH, kernelW, channels] (HWC) into
/// `packed` [tapGroups][channels] words, word (g, c) holding the weights
/// of taps 4g..4g+3 (tap = kh * kernelW + kw) of channel c in bytes 0..3,
/// 0 past the last tap. For the host (the emitter packs constants once).
inline void packDepthwiseWeights(const int8_t *weights, int taps, int channels,
                                 uint32_t *packed) {
  for (int g = 0; g < depthwiseTapGroups(taps); ++g)
    for (int c = 0; c < channels; ++c) {
      uint32_t word = 0;
      for (int b = 0; b < 4; ++b) {
        int tap = 4 * g + b;
        uint8_t byte =
            tap < taps
                ? static_cast<uint8_t>(weights[int64_t(tap) * channels + c])
                : 0;
        word |= uint32_t(byte) << (8 * b);
      }
      packed[int64_t(g) * channels + c] = word;
    }
}

/// PTX's prmt (CUDA's __byte_perm): byte i of the result is byte
/// (selector >> 4i) & 7 of the eight bytes {b, a} (a's are 0..3). The
/// host emulates it so that transposeBytes4x4 is testable there.
WHITTLE_ARITH_FN uint32_t bytePerm(uint32_t a, uint32_t b, uint32_t selector) {
#ifdef __CUDA_ARCH__
  return __byte_perm(a, b, selector);
#else
  uint64_t bytes = (uint64_t(b) << 32) | a;
  uint32_t result = 0;
  for (int i = 0; i < 4; ++i) {
    uint32_t index = (selector >> (4 * i)) & 7;
    result |= uint32_t((bytes >> (8 * index)) & 0xff) << (8 * i);
  }
  return result;
#endif
}

/// The 4 x 4 byte transpose: byte j of `rows[i]` becomes byte i of
/// `columns[j]` (four taps of four channels become four channels' taps).
WHITTLE_ARITH_FN void transposeBytes4x4(const uint32_t rows[4],
                                        uint32_t columns[4]) {
  // Interleave the bytes of rows 0/1 and 2/3 (selector 0x5140: a0 b0 a1
  // b1; 0x7362: a2 b2 a3 b3), then the 16-bit pairs (0x5410: the low
  // halves; 0x7632: the high halves).
  uint32_t low01 = bytePerm(rows[0], rows[1], 0x5140);
  uint32_t high01 = bytePerm(rows[0], rows[1], 0x7362);
  uint32_t low23 = bytePerm(rows[2], rows[3], 0x5140);
  uint32_t high23 = bytePerm(rows[2], rows[3], 0x7362);
  columns[0] = bytePerm(low01, low23, 0x5410);
  columns[1] = bytePerm(low01, low23, 0x7632);
  columns[2] = bytePerm(high01, high23, 0x5410);
  columns[3] = bytePerm(high01, high23, 0x7632);
}

/// dp4a of signed bytes (CUDA's __dp4a(int, int, int)): c + the sum of
/// the four byte products, wrapping in 32 bits.
WHITTLE_ARITH_FN int32_t dot4(uint32_t a, uint32_t b, int32_t c) {
#ifdef __CUDA_ARCH__
  return __dp4a(static_cast<int>(a), static_cast<int>(b), c);
#else
  uint32_t sum = static_cast<uint32_t>(c);
  for (int i = 0; i < 4; ++i)
    sum += static_cast<uint32_t>(int32_t(int8_t(a >> (8 * i))) *
                                 int32_t(int8_t(b >> (8 * i))));
  return static_cast<int32_t>(sum);
#endif
}

/// The four copies of a byte (a zero point) in one word.
WHITTLE_ARITH_FN uint32_t splatByte(int32_t value) {
  return (static_cast<uint32_t>(value) & 0xff) * 0x01010101u;
}

} // namespace whittle_cuda

#endif // WHITTLE_CUDA_LAYOUT_H
