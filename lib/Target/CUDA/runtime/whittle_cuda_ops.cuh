//===- whittle_cuda_ops.cuh - the CUDA back end's generic ops ---*- CUDA
//-*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Every qnn op of a model that the tensor-core and dp4a kernels
// (whittle_cuda_gemm.cuh, whittle_cuda_depthwise.cuh) do not compute:
//
// - elementwise ops over strided views (View: a logical shape and a stride
//   per dimension, 0 for a broadcast one), so that broadcasting, slices,
//   permutations and NCHW <-> NHWC relayouts are all one `copy`, and the
//   boundary and rescaling ops read and write any layout: quantize,
//   dequantize, requantize, add, mul, lookupTable, copy, fill, concatInput;
// - NHWC window ops: maxPool2d, avgPool2d, globalAvgPool;
// - launchDirectConv2d, a CUDA-core convolution for what the tensor-core
//   kernels do not take (channels not a multiple of 16, groups, odd K),
//   calling the same epilogues (whittle_cuda_epilogue.h).
//
// Each op is a functor computing one output element (WHITTLE_ARITH_FN, so
// `__host__ __device__` under nvcc), run by forEach: a grid-stride kernel
// under nvcc, a plain loop in the host emulation (WHITTLE_CUDA_HOST,
// whittle_cuda_host.h), so that CI without a GPU runs the very functors the
// GPU runs. The integer results are the shared arithmetic header's
// (whittle_hls_arith.h: quantize, dequantize, requantize, add, mul, concat,
// avgPool, globalAvgPool, lut), never derived again here.
//
// Conventions: every pointer, parameter arrays included (scales, zero
// points, multipliers, shifts, tables), is device memory; every op is
// asynchronous on `stream` and returns what the launch returned, or
// cudaErrorInvalidValue, before launching anything, for arguments it
// cannot take (described per op). Element counts and offsets are int64.
//
// Tested by test/unit/CUDAOpsTest.cpp (host emulation, against
// QNNArithmetic.h) and test/Target/CUDA/ops-device.cu (device code for
// sm_80 and sm_90a with warnings as errors).
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_CUDA_OPS_CUH
#define WHITTLE_CUDA_OPS_CUH

#if defined(WHITTLE_CUDA_HOST)
#include "whittle_cuda_host.h"
#elif defined(__CUDACC__)
#include <cuda_runtime.h>
#else
#error "whittle_cuda_ops.cuh: compile with nvcc, or with WHITTLE_CUDA_HOST \
defined for the host emulation"
#endif

#include "whittle_cuda_epilogue.h"
#include "whittle_cuda_layout.h"
#include "whittle_hls_arith.h"

#include <cstdint>

namespace whittle_cuda {

//===----------------------------------------------------------------------===//
// Execution
//===----------------------------------------------------------------------===//

/// Threads per block of forEach, and its most blocks: a grid-stride loop
/// covers the rest (8192 blocks of 256 are several waves of any GPU).
constexpr int kForEachThreads = 256;
constexpr int64_t kForEachMaxBlocks = 8192;

#ifdef __CUDACC__
template <class F>
__global__ void __launch_bounds__(kForEachThreads)
    forEachKernel(int64_t count, F f) {
  const int64_t step = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < count;
       i += step)
    f(i);
}
#endif

/// f(i) for every i in [0, count), in any order and concurrently on the
/// GPU: `f` (trivially copyable, copied to the kernel's parameters) must
/// write disjoint elements.
template <class F>
cudaError_t forEach(int64_t count, const F &f, cudaStream_t stream) {
  if (count <= 0)
    return cudaSuccess;
#ifdef __CUDACC__
  int64_t blocks = (count + kForEachThreads - 1) / kForEachThreads;
  if (blocks > kForEachMaxBlocks)
    blocks = kForEachMaxBlocks;
  forEachKernel<<<static_cast<unsigned>(blocks), kForEachThreads, 0, stream>>>(
      count, f);
  return cudaGetLastError();
#else
  (void)stream;
  for (int64_t i = 0; i < count; ++i)
    f(i);
  return cudaSuccess;
#endif
}

//===----------------------------------------------------------------------===//
// Views
//===----------------------------------------------------------------------===//

constexpr int kMaxRank = 6;

/// A tensor's elements in memory: its logical (qnn) shape and, per logical
/// dimension, the stride in elements (0 = broadcast). NHWC storage of a
/// logical NCHW tensor has strides {H*W*C, 1, W*C, C}. Rank 0 is a scalar.
struct View {
  int rank;
  int64_t sizes[kMaxRank];
  int64_t strides[kMaxRank];

  /// The number of logical elements (the product of sizes).
  WHITTLE_ARITH_FN int64_t elements() const {
    int64_t count = 1;
    for (int d = 0; d < rank; ++d)
      count *= sizes[d];
    return count;
  }
  /// The element offset of the row-major logical index `logicalIndex`.
  WHITTLE_ARITH_FN int64_t offset(int64_t logicalIndex) const {
    int64_t result = 0;
    for (int d = rank - 1; d >= 0; --d) {
      result += (logicalIndex % sizes[d]) * strides[d];
      logicalIndex /= sizes[d];
    }
    return result;
  }
};

/// A contiguous row-major view of `sizes` (rank `rank`).
inline View denseView(int rank, const int64_t *sizes) {
  View view{};
  view.rank = rank;
  int64_t stride = 1;
  for (int d = rank - 1; d >= 0; --d) {
    view.sizes[d] = sizes[d];
    view.strides[d] = stride;
    stride *= sizes[d];
  }
  return view;
}

namespace detail {

/// The offsets of one output element in the output (view 0) and the
/// inputs of an elementwise op: the output's logical index is decomposed
/// once, along the output's sizes, and each view's offset is its dot
/// product with that view's strides. `dense` (every view row-major
/// contiguous over the same sizes) skips the decomposition.
template <int kViews> struct Indexer {
  int rank;
  /// The dimension whose coordinate map returns (-1: none), and the
  /// product of the sizes after it.
  int axis;
  int64_t inner;
  bool dense;
  int64_t sizes[kMaxRank];
  int64_t strides[kViews][kMaxRank];

  /// Sets `offsets` to the element's offset in each view and returns its
  /// coordinate along `axis` (0 without one).
  WHITTLE_ARITH_FN int64_t map(int64_t index,
                               int64_t (&offsets)[kViews]) const {
    if (dense) {
      for (int v = 0; v < kViews; ++v)
        offsets[v] = index;
      return axis < 0 ? 0 : (index / inner) % sizes[axis];
    }
    for (int v = 0; v < kViews; ++v)
      offsets[v] = 0;
    int64_t channel = 0;
    for (int d = rank - 1; d >= 0; --d) {
      int64_t coordinate = index % sizes[d];
      index /= sizes[d];
      if (d == axis)
        channel = coordinate;
      for (int v = 0; v < kViews; ++v)
        offsets[v] += coordinate * strides[v][d];
    }
    return channel;
  }
};

/// The indexer of `views` (views[0] the output) for a per-channel `axis`
/// (-1 for none). The inputs must have the output's rank, and each of
/// their sizes be the output's or 1 (broadcast, whatever its stride); the
/// output's sizes must be non-negative and, unless it has no element, its
/// dimensions wider than 1 have non-zero strides (no two elements written
/// to one place). False for anything else.
template <int kViews>
bool makeIndexer(const View *const (&views)[kViews], int axis,
                 Indexer<kViews> &indexer) {
  const View &out = *views[0];
  if (out.rank < 0 || out.rank > kMaxRank || axis < -1 || axis >= out.rank)
    return false;
  bool empty = false;
  for (int d = 0; d < out.rank; ++d)
    empty |= out.sizes[d] == 0;
  indexer.rank = out.rank;
  indexer.axis = axis;
  indexer.inner = 1;
  indexer.dense = true;
  int64_t denseStride = 1;
  for (int d = out.rank - 1; d >= 0; --d) {
    int64_t size = out.sizes[d];
    if (size < 0 || (size > 1 && out.strides[d] == 0 && !empty))
      return false;
    indexer.sizes[d] = size;
    if (d > axis && axis >= 0)
      indexer.inner *= size;
    for (int v = 0; v < kViews; ++v) {
      const View &view = *views[v];
      if (view.rank != out.rank ||
          (view.sizes[d] != size && view.sizes[d] != 1))
        return false;
      // A dimension of size 1 has coordinate 0 in the view, and a
      // broadcast one reads coordinate 0 whatever the output's.
      int64_t stride = view.sizes[d] == 1 ? 0 : view.strides[d];
      indexer.strides[v][d] = stride;
      if (size > 1 && stride != denseStride)
        indexer.dense = false;
    }
    denseStride *= size;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Elementwise functors
//===----------------------------------------------------------------------===//

struct QuantizeFn {
  Indexer<2> indexer;
  const float *x;
  int8_t *y;
  const float *scales;
  const int32_t *zeroPoints;
  WHITTLE_ARITH_FN void operator()(int64_t index) const {
    int64_t at[2];
    int64_t c = indexer.map(index, at);
    y[at[0]] = whittle_hls::quantize(x[at[1]], scales[c],
                                     zeroPoints ? zeroPoints[c] : 0);
  }
};

template <class T> struct DequantizeFn {
  Indexer<2> indexer;
  const T *x;
  float *y;
  const float *scales;
  const int32_t *zeroPoints;
  WHITTLE_ARITH_FN void operator()(int64_t index) const {
    int64_t at[2];
    int64_t c = indexer.map(index, at);
    y[at[0]] =
        whittle_hls::dequantize(static_cast<int32_t>(x[at[1]]), scales[c],
                                zeroPoints ? zeroPoints[c] : 0);
  }
};

} // namespace detail

/// qnn.requantize's parameters: multiplier and shift per tensor (axis -1,
/// element 0) or per channel along `axis`, then the output stage.
struct RequantizeParams {
  const int32_t *multipliers;
  const int32_t *shifts;
  int axis;
  RoundingMode rounding;
  int32_t outputZeroPoint, min, max;
};

/// qnn.add's parameters.
struct AddParams {
  int32_t aZeroPoint, bZeroPoint, aMultiplier, bMultiplier, shift;
  RoundingMode rounding;
  int32_t outputZeroPoint, min, max;
};

/// qnn.mul's parameters.
struct MulParams {
  int32_t aZeroPoint, bZeroPoint, multiplier, shift;
  RoundingMode rounding;
  int32_t outputZeroPoint, min, max;
};

/// One input of qnn.concat: its zero point, multiplier and shift, then the
/// op's output stage.
struct ConcatInputParams {
  int32_t inputZeroPoint, multiplier, shift;
  RoundingMode rounding;
  int32_t outputZeroPoint, min, max;
};

/// The float32 ops a model may do before its first qnn.quantize
/// (normalising its input).
enum class FloatBinary { add, sub, mul, div };

namespace detail {

template <class T> struct RequantizeFn {
  Indexer<2> indexer;
  const T *x;
  int8_t *y;
  RequantizeParams p;
  WHITTLE_ARITH_FN void operator()(int64_t index) const {
    int64_t at[2];
    int64_t c = indexer.map(index, at);
    y[at[0]] = static_cast<int8_t>(
        whittle_hls::requantize(x[at[1]], p.multipliers[c], p.shifts[c],
                                p.rounding, p.outputZeroPoint, p.min, p.max));
  }
};

struct AddFn {
  Indexer<3> indexer;
  const int8_t *a, *b;
  int8_t *y;
  AddParams p;
  WHITTLE_ARITH_FN void operator()(int64_t index) const {
    int64_t at[3];
    indexer.map(index, at);
    y[at[0]] = whittle_hls::add(a[at[1]], b[at[2]], p.aZeroPoint, p.bZeroPoint,
                                p.aMultiplier, p.bMultiplier, p.shift,
                                p.rounding, p.outputZeroPoint, p.min, p.max);
  }
};

struct MulFn {
  Indexer<3> indexer;
  const int8_t *a, *b;
  int8_t *y;
  MulParams p;
  WHITTLE_ARITH_FN void operator()(int64_t index) const {
    int64_t at[3];
    indexer.map(index, at);
    y[at[0]] = whittle_hls::mul(a[at[1]], b[at[2]], p.aZeroPoint, p.bZeroPoint,
                                p.multiplier, p.shift, p.rounding,
                                p.outputZeroPoint, p.min, p.max);
  }
};

struct FloatBinaryFn {
  Indexer<3> indexer;
  const float *a, *b;
  float *y;
  FloatBinary op;
  WHITTLE_ARITH_FN void operator()(int64_t index) const {
    int64_t at[3];
    indexer.map(index, at);
    float l = a[at[1]], r = b[at[2]];
    // One IEEE float32 operation each, as the CPU lowering's arith ops:
    // nvcc rounds / correctly (-prec-div, its default) and has nothing to
    // contract into an FMA here. Never build with --use_fast_math.
    y[at[0]] = op == FloatBinary::add   ? l + r
               : op == FloatBinary::sub ? l - r
               : op == FloatBinary::mul ? l * r
                                        : l / r;
  }
};

struct LookupTableFn {
  Indexer<2> indexer;
  const int8_t *x;
  int8_t *y;
  const int8_t *table;
  WHITTLE_ARITH_FN void operator()(int64_t index) const {
    int64_t at[2];
    indexer.map(index, at);
    y[at[0]] = whittle_hls::lut(table, x[at[1]]);
  }
};

template <class T> struct CopyFn {
  Indexer<2> indexer;
  const T *x;
  T *y;
  WHITTLE_ARITH_FN void operator()(int64_t index) const {
    int64_t at[2];
    indexer.map(index, at);
    y[at[0]] = x[at[1]];
  }
};

struct FillFn {
  Indexer<1> indexer;
  int8_t *y;
  int8_t value;
  WHITTLE_ARITH_FN void operator()(int64_t index) const {
    int64_t at[1];
    indexer.map(index, at);
    y[at[0]] = value;
  }
};

struct ConcatInputFn {
  Indexer<2> indexer;
  const int8_t *x;
  int8_t *y;
  ConcatInputParams p;
  WHITTLE_ARITH_FN void operator()(int64_t index) const {
    int64_t at[2];
    indexer.map(index, at);
    y[at[0]] =
        whittle_hls::concat(x[at[1]], p.inputZeroPoint, p.multiplier, p.shift,
                            p.rounding, p.outputZeroPoint, p.min, p.max);
  }
};

/// Runs `f` (with its indexer made from `views`) over the output view.
template <int kViews, class F>
cudaError_t runElementwise(const View *const (&views)[kViews], int axis, F f,
                           cudaStream_t stream) {
  if (!makeIndexer(views, axis, f.indexer))
    return cudaErrorInvalidValue;
  return forEach(views[0]->elements(), f, stream);
}

} // namespace detail

//===----------------------------------------------------------------------===//
// Elementwise ops
//===----------------------------------------------------------------------===//
//
// One work item per element of the output view `yv`; each input view has
// the output's rank and, per dimension, the output's size or 1 (broadcast;
// a stride 0 with the output's size broadcasts too). Invalid views (see
// makeIndexer) and per-channel axes outside the rank return
// cudaErrorInvalidValue.

/// qnn.quantize (whittle_hls::quantize): per tensor (axis -1, scales[0],
/// zeroPoints[0]) or per channel along logical dimension `axis`;
/// `zeroPoints` may be null for 0.
inline cudaError_t quantize(const float *x, View xv, int8_t *y, View yv,
                            const float *scales, const int32_t *zeroPoints,
                            int axis, cudaStream_t stream) {
  const View *views[] = {&yv, &xv};
  return detail::runElementwise(
      views, axis, detail::QuantizeFn{{}, x, y, scales, zeroPoints}, stream);
}

/// qnn.dequantize of an i8 tensor (whittle_hls::dequantize), as quantize.
inline cudaError_t dequantize(const int8_t *x, View xv, float *y, View yv,
                              const float *scales, const int32_t *zeroPoints,
                              int axis, cudaStream_t stream) {
  const View *views[] = {&yv, &xv};
  return detail::runElementwise(
      views, axis, detail::DequantizeFn<int8_t>{{}, x, y, scales, zeroPoints},
      stream);
}

/// qnn.dequantize of an i32 tensor (an accumulator).
inline cudaError_t dequantize(const int32_t *x, View xv, float *y, View yv,
                              const float *scales, const int32_t *zeroPoints,
                              int axis, cudaStream_t stream) {
  const View *views[] = {&yv, &xv};
  return detail::runElementwise(
      views, axis, detail::DequantizeFn<int32_t>{{}, x, y, scales, zeroPoints},
      stream);
}

/// qnn.requantize of an i32 tensor (whittle_hls::requantize).
inline cudaError_t requantize(const int32_t *x, View xv, int8_t *y, View yv,
                              RequantizeParams p, cudaStream_t stream) {
  const View *views[] = {&yv, &xv};
  return detail::runElementwise(
      views, p.axis, detail::RequantizeFn<int32_t>{{}, x, y, p}, stream);
}

/// qnn.requantize of an i8 tensor.
inline cudaError_t requantize(const int8_t *x, View xv, int8_t *y, View yv,
                              RequantizeParams p, cudaStream_t stream) {
  const View *views[] = {&yv, &xv};
  return detail::runElementwise(
      views, p.axis, detail::RequantizeFn<int8_t>{{}, x, y, p}, stream);
}

/// qnn.add (whittle_hls::add) with broadcasting.
inline cudaError_t add(const int8_t *a, View av, const int8_t *b, View bv,
                       int8_t *y, View yv, AddParams p, cudaStream_t stream) {
  const View *views[] = {&yv, &av, &bv};
  return detail::runElementwise(views, -1, detail::AddFn{{}, a, b, y, p},
                                stream);
}

/// nn.add, nn.sub, nn.mul or nn.div of float32 tensors with broadcasting.
inline cudaError_t floatBinary(const float *a, View av, const float *b, View bv,
                               float *y, View yv, FloatBinary op,
                               cudaStream_t stream) {
  const View *views[] = {&yv, &av, &bv};
  return detail::runElementwise(views, -1,
                                detail::FloatBinaryFn{{}, a, b, y, op}, stream);
}

/// qnn.mul (whittle_hls::mul) with broadcasting.
inline cudaError_t mul(const int8_t *a, View av, const int8_t *b, View bv,
                       int8_t *y, View yv, MulParams p, cudaStream_t stream) {
  const View *views[] = {&yv, &av, &bv};
  return detail::runElementwise(views, -1, detail::MulFn{{}, a, b, y, p},
                                stream);
}

/// qnn.lut (whittle_hls::lut): y = table[x + 128], `table` 256 entries in
/// device memory.
inline cudaError_t lookupTable(const int8_t *x, View xv, int8_t *y, View yv,
                               const int8_t *table, cudaStream_t stream) {
  const View *views[] = {&yv, &xv};
  return detail::runElementwise(views, -1,
                                detail::LookupTableFn{{}, x, y, table}, stream);
}

/// y = x element by element: any permutation, slice, broadcast or relayout
/// that views express (T = int8_t, int32_t, float). `x` and `y` must not
/// overlap.
template <class T>
cudaError_t copy(const T *x, View xv, T *y, View yv, cudaStream_t stream) {
  const View *views[] = {&yv, &xv};
  return detail::runElementwise(views, -1, detail::CopyFn<T>{{}, x, y}, stream);
}

/// Every element of `yv` set to `value` (qnn's padding, a constant).
inline cudaError_t fill(int8_t *y, View yv, int8_t value, cudaStream_t stream) {
  const View *views[] = {&yv};
  return detail::runElementwise(views, -1, detail::FillFn{{}, y, value},
                                stream);
}

/// One input of qnn.concat (whittle_hls::concat per element): `yv` is the
/// output's sub-view that this input fills (the input's sizes, the
/// output's strides, `y` pointing at its first element).
inline cudaError_t concatInput(const int8_t *x, View xv, int8_t *y, View yv,
                               ConcatInputParams p, cudaStream_t stream) {
  const View *views[] = {&yv, &xv};
  return detail::runElementwise(views, -1, detail::ConcatInputFn{{}, x, y, p},
                                stream);
}

//===----------------------------------------------------------------------===//
// NHWC window ops
//===----------------------------------------------------------------------===//
//
// x is [batch][height][width][channels] and y [batch][outH][outW][channels]
// (ConvShape, with outChannels == channels); one work item per output
// element, channels fastest, so that neighbouring threads read
// neighbouring bytes. Strides and dilations below 1, or outChannels !=
// channels, return cudaErrorInvalidValue.

/// qnn.avg_pool's and qnn.global_avg_pool's parameters: the bottom and
/// right pads (ConvShape has the top and left ones) and count_include_pad
/// decide each window's count (avgPool2d only), then the division's
/// rescale and output stage.
/// qnn.softmax's output stage.
struct SoftmaxParams {
  int32_t multiplier, shift;
  RoundingMode rounding;
  int32_t outputZeroPoint, min, max;
};

/// A resize of NHWC [batch][height][width][channels] to [batch][outH]
/// [outW][channels] with rowTaps x colTaps taps per output pixel.
struct ResizeShape {
  int batch, height, width, channels, outH, outW, rowTaps, colTaps;
};

struct AvgPoolParams {
  int padBottom, padRight;
  bool countIncludePad;
  int32_t inputZeroPoint, multiplier, shift;
  RoundingMode rounding;
  int32_t outputZeroPoint, min, max;
};

namespace detail {

inline bool validPool(const ConvShape &s) {
  return s.outChannels == s.channels && s.strideH >= 1 && s.strideW >= 1 &&
         s.dilationH >= 1 && s.dilationW >= 1 && s.kernelH >= 0 &&
         s.kernelW >= 0;
}

/// The pool's output pixel m = (n, oh, ow) and channel c of work item
/// `index`.
WHITTLE_ARITH_FN void poolElement(const ConvShape &s, int64_t index, int64_t &m,
                                  int &c) {
  c = static_cast<int>(index % s.channels);
  m = index / s.channels;
}

/// Tap (kh, kw) of channel c in window `w` (convTap's k = (kh, kw, c)).
WHITTLE_ARITH_FN ConvTap poolTap(const ConvShape &s, const ConvWindow &w,
                                 int kh, int kw, int c) {
  return convTap(s, w, (int64_t(kh) * s.kernelW + kw) * s.channels + c);
}

struct MaxPoolFn {
  ConvShape s;
  const int8_t *x;
  int8_t *y;
  WHITTLE_ARITH_FN void operator()(int64_t index) const {
    int64_t m;
    int c;
    poolElement(s, index, m, c);
    ConvWindow window = convWindow(s, m);
    // The lowering pads with -128, which never wins against an element.
    int8_t best = -128;
    for (int kh = 0; kh < s.kernelH; ++kh)
      for (int kw = 0; kw < s.kernelW; ++kw) {
        ConvTap tap = poolTap(s, window, kh, kw, c);
        if (tap.inside && x[tap.offset] > best)
          best = x[tap.offset];
      }
    y[m * s.channels + c] = best;
  }
};

struct AvgPoolFn {
  ConvShape s;
  const int8_t *x;
  int8_t *y;
  AvgPoolParams p;
  WHITTLE_ARITH_FN void operator()(int64_t index) const {
    int64_t m;
    int c;
    poolElement(s, index, m, c);
    ConvWindow window = convWindow(s, m);
    // The i32 sum of x - zp; padding (the zero point) adds 0.
    int32_t sum = 0;
    for (int kh = 0; kh < s.kernelH; ++kh)
      for (int kw = 0; kw < s.kernelW; ++kw) {
        ConvTap tap = poolTap(s, window, kh, kw, c);
        if (tap.inside)
          sum = wrapAdd(sum, wrapSub(x[tap.offset], p.inputZeroPoint));
      }
    int ow = static_cast<int>(m % s.outW);
    int oh = static_cast<int>((m / s.outW) % s.outH);
    int64_t count =
        whittle_hls::avgPoolCount(oh, s.strideH, s.padTop, p.padBottom,
                                  s.kernelH, s.height, p.countIncludePad) *
        whittle_hls::avgPoolCount(ow, s.strideW, s.padLeft, p.padRight,
                                  s.kernelW, s.width, p.countIncludePad);
    y[m * s.channels + c] =
        whittle_hls::avgPool(sum, count, p.multiplier, p.shift, p.rounding,
                             p.outputZeroPoint, p.min, p.max);
  }
};

struct GlobalAvgPoolFn {
  int64_t pixels;
  int channels;
  const int8_t *x;
  int8_t *y;
  AvgPoolParams p;
  WHITTLE_ARITH_FN void operator()(int64_t index) const {
    int64_t n = index / channels;
    int c = static_cast<int>(index % channels);
    const int8_t *image = x + n * pixels * channels + c;
    int32_t sum = 0;
    for (int64_t i = 0; i < pixels; ++i)
      sum = wrapAdd(sum, wrapSub(image[i * channels], p.inputZeroPoint));
    y[index] =
        whittle_hls::globalAvgPool(sum, pixels, p.multiplier, p.shift,
                                   p.rounding, p.outputZeroPoint, p.min, p.max);
  }
};

template <class T> struct ReshapeCopyFn {
  View x, y;
  const T *xData;
  T *yData;
  WHITTLE_ARITH_FN void operator()(int64_t index) const {
    yData[y.offset(index)] = xData[x.offset(index)];
  }
};

struct SoftmaxFn {
  View x, y, rows; // rows: y's sizes with the axis of size 1
  int axis;
  const int8_t *xData;
  int8_t *yData;
  const int32_t *expTable;
  SoftmaxParams p;
  WHITTLE_ARITH_FN void operator()(int64_t row) const {
    // The row's first element in x and y.
    int64_t xBase = 0, yBase = 0, rest = row;
    for (int d = rows.rank - 1; d >= 0; --d) {
      int64_t coordinate = rest % rows.sizes[d];
      rest /= rows.sizes[d];
      xBase += coordinate * x.strides[d];
      yBase += coordinate * y.strides[d];
    }
    int64_t length = y.sizes[axis];
    int8_t maximum = -128;
    for (int64_t i = 0; i < length; ++i) {
      int8_t v = xData[xBase + i * x.strides[axis]];
      maximum = v > maximum ? v : maximum;
    }
    int64_t sum = 0;
    for (int64_t i = 0; i < length; ++i)
      sum += whittle_hls::softmaxExp(expTable, maximum,
                                     xData[xBase + i * x.strides[axis]]);
    for (int64_t i = 0; i < length; ++i)
      yData[yBase + i * y.strides[axis]] = whittle_hls::softmax(
          whittle_hls::softmaxExp(expTable, maximum,
                                  xData[xBase + i * x.strides[axis]]),
          sum, p.multiplier, p.shift, p.rounding, p.outputZeroPoint, p.min,
          p.max);
  }
};

struct ResizeFn {
  ResizeShape s;
  const int8_t *x;
  const int32_t *rows, *rowWeights, *cols, *colWeights;
  int32_t shift;
  RoundingMode rounding;
  int8_t *y;
  WHITTLE_ARITH_FN void operator()(int64_t index) const {
    int c = static_cast<int>(index % s.channels);
    int64_t pixel = index / s.channels;
    int ox = static_cast<int>(pixel % s.outW);
    int64_t rest = pixel / s.outW;
    int oy = static_cast<int>(rest % s.outH);
    int64_t n = rest / s.outH;
    const int8_t *image = x + n * s.height * s.width * s.channels + c;
    // Exact in int64 (whittle_hls::resize's range), as the lowering's
    // accumulator.
    int64_t sum = 0;
    for (int th = 0; th < s.rowTaps; ++th) {
      int64_t iy = rows[th * s.outH + oy];
      int64_t wy = rowWeights[th * s.outH + oy];
      for (int tw = 0; tw < s.colTaps; ++tw) {
        int64_t ix = cols[tw * s.outW + ox];
        int64_t wx = colWeights[tw * s.outW + ox];
        sum += int64_t(image[(iy * s.width + ix) * s.channels]) * wy * wx;
      }
    }
    y[index] = whittle_hls::resize(sum, shift, rounding);
  }
};

} // namespace detail

/// A reshape: element i of x's row-major logical order to element i of
/// y's, each through its view (of different shapes with as many elements),
/// e.g. between channels-last tensors of different ranks.
template <class T>
cudaError_t reshapeCopy(const T *x, View xv, T *y, View yv,
                        cudaStream_t stream) {
  if (xv.rank < 0 || xv.rank > kMaxRank || yv.rank < 0 || yv.rank > kMaxRank ||
      xv.elements() != yv.elements())
    return cudaErrorInvalidValue;
  if (yv.elements() == 0)
    return cudaSuccess;
  return forEach(yv.elements(), detail::ReshapeCopyFn<T>{xv, yv, x, y}, stream);
}

/// qnn.softmax along logical dimension `axis` of x (whittle_hls::softmax
/// and softmaxExp with the op's 256-entry `expTable` in device memory):
/// one work item per row, which finds the row's maximum, sums its
/// exponentials in int64 and divides each.
inline cudaError_t softmax(const int8_t *x, View xv, int8_t *y, View yv,
                           int axis, const int32_t *expTable, SoftmaxParams p,
                           cudaStream_t stream) {
  if (axis < 0 || axis >= yv.rank || xv.rank != yv.rank)
    return cudaErrorInvalidValue;
  for (int d = 0; d < yv.rank; ++d)
    if (xv.sizes[d] != yv.sizes[d] || yv.sizes[d] < 0)
      return cudaErrorInvalidValue;
  View rows = yv;
  rows.sizes[axis] = 1;
  detail::SoftmaxFn f{xv, yv, rows, axis, x, y, expTable, p};
  if (yv.sizes[axis] == 0)
    return cudaSuccess;
  return forEach(rows.elements(), f, stream);
}

/// qnn.resize of NHWC x [batch][height][width][channels] to y [batch]
/// [outH][outW][channels]: output (oy, ox) sums x at (rows[th][oy],
/// cols[tw][ox]) times rowWeights[th][oy] * colWeights[tw][ox] over every
/// tap pair, exactly, and rounds once by 2^shift (whittle_hls::resize).
/// The tables ([taps][out], int32, device memory) are the op's integer
/// sampling (qnn::getIntegerAxisSampling), as the CPU lowering reads it; a
/// 1-D resize is a 2-D one of height 1 with one row tap of weight 1.
inline cudaError_t resize2d(const ResizeShape &s, const int8_t *x,
                            const int32_t *rows, const int32_t *rowWeights,
                            const int32_t *cols, const int32_t *colWeights,
                            int32_t shift, RoundingMode rounding, int8_t *y,
                            cudaStream_t stream) {
  if (s.rowTaps < 1 || s.colTaps < 1 || shift < 0 || shift > 55)
    return cudaErrorInvalidValue;
  int64_t count = int64_t(s.batch) * s.outH * s.outW * s.channels;
  return forEach(count,
                 detail::ResizeFn{s, x, rows, rowWeights, cols, colWeights,
                                  shift, rounding, y},
                 stream);
}

/// qnn.max_pool: the maximum of each window's positions inside the input
/// (padded and past-the-edge positions never win; a window with none gives
/// -128, as the CPU lowering's padding).
inline cudaError_t maxPool2d(const ConvShape &s, const int8_t *x, int8_t *y,
                             cudaStream_t stream) {
  if (!detail::validPool(s))
    return cudaErrorInvalidValue;
  return forEach(s.gemmM() * s.channels, detail::MaxPoolFn{s, x, y}, stream);
}

/// qnn.avg_pool (whittle_hls::avgPool of the window's sum of x - zp and
/// count, the count exactly the lowering's: whittle_hls::avgPoolCount per axis,
/// so ceil_mode windows that run past the pads count only what they cover).
/// qnn.avg_pool has no dilation: dilations other than 1 return
/// cudaErrorInvalidValue.
inline cudaError_t avgPool2d(const ConvShape &s, const int8_t *x, int8_t *y,
                             AvgPoolParams p, cudaStream_t stream) {
  if (!detail::validPool(s) || s.dilationH != 1 || s.dilationW != 1)
    return cudaErrorInvalidValue;
  return forEach(s.gemmM() * s.channels, detail::AvgPoolFn{s, x, y, p}, stream);
}

/// qnn.global_avg_pool (whittle_hls::globalAvgPool): x [batch][pixels]
/// [channels], y [batch][channels]; p's pads and countIncludePad are
/// ignored. No pixels (a division by zero) returns cudaErrorInvalidValue.
inline cudaError_t globalAvgPool(int batch, int64_t pixels, int channels,
                                 const int8_t *x, int8_t *y, AvgPoolParams p,
                                 cudaStream_t stream) {
  if (batch < 0 || channels < 0 || pixels < 0)
    return cudaErrorInvalidValue;
  int64_t count = int64_t(batch) * channels;
  if (count == 0)
    return cudaSuccess;
  if (pixels == 0)
    return cudaErrorInvalidValue;
  return forEach(count, detail::GlobalAvgPoolFn{pixels, channels, x, y, p},
                 stream);
}

//===----------------------------------------------------------------------===//
// Direct convolution
//===----------------------------------------------------------------------===//

namespace detail {

template <class Epilogue> struct DirectConvFn {
  ConvShape s;
  int groups;
  const int8_t *x;
  int32_t inputZeroPoint;
  const int8_t *w;
  Epilogue epilogue;

  WHITTLE_ARITH_FN void operator()(int64_t index) const {
    const int oc = static_cast<int>(index % s.outChannels);
    const int64_t m = index / s.outChannels;
    const int groupChannels = s.channels / groups;
    const int group = oc / (s.outChannels / groups);
    const ConvWindow window = convWindow(s, m);
    // The kernels' padding byte (splatByte's).
    const int32_t padding = static_cast<int8_t>(splatByte(inputZeroPoint));
    const int8_t *filter =
        w + int64_t(oc) * s.kernelH * s.kernelW * groupChannels;
    uint32_t raw = 0, sumA = 0;
    for (int tap = 0; tap < s.kernelH * s.kernelW; ++tap) {
      // The group's first channel of the tap: its channels follow.
      ConvTap at =
          convTap(s, window, int64_t(tap) * s.channels + group * groupChannels);
      const int8_t *weights = filter + int64_t(tap) * groupChannels;
      for (int c = 0; c < groupChannels; ++c) {
        int32_t value = at.inside ? int32_t(x[at.offset + c]) : padding;
        raw += static_cast<uint32_t>(value * int32_t(weights[c]));
        if (Epilogue::kNeedsSumA)
          sumA += static_cast<uint32_t>(value);
      }
    }
    epilogue(m, oc, static_cast<int32_t>(raw), static_cast<int32_t>(sumA));
  }
};

} // namespace detail

/// A CUDA-core NHWC convolution for what the tensor-core kernels do not
/// take (channels not a multiple of 16, groups > 1, products with odd K):
/// `s.channels` is every input channel, w is [outChannels][kernelH]
/// [kernelW][channels / groups], and output (m = (n, oh, ow), oc) of group
/// g = oc / (outChannels / groups) calls epilogue(m, oc, raw, sumA) with
/// raw = the sum over the group's window of x * w and sumA (0 unless the
/// epilogue needs it) the sum of those x, padding reading the input zero
/// point, modulo 2^32: exactly what the GEMM kernels pass, so the
/// epilogues of whittle_cuda_epilogue.h apply unchanged (fold the biases
/// with k = kernelH * kernelW * channels / groups and each output
/// channel's filter as its B^T row). groups < 1, channels or outChannels
/// not multiples of groups, strides or dilations below 1 return
/// cudaErrorInvalidValue. No alignment is required.
template <class Epilogue>
cudaError_t launchDirectConv2d(const ConvShape &s, int groups, const int8_t *x,
                               int32_t inputZeroPoint, const int8_t *w,
                               const Epilogue &epilogue, cudaStream_t stream) {
  if (groups < 1 || s.channels < 0 || s.outChannels < 0 ||
      s.channels % groups || s.outChannels % groups || s.strideH < 1 ||
      s.strideW < 1 || s.dilationH < 1 || s.dilationW < 1 || s.kernelH < 0 ||
      s.kernelW < 0)
    return cudaErrorInvalidValue;
  return forEach(
      s.gemmM() * s.outChannels,
      detail::DirectConvFn<Epilogue>{s, groups, x, inputZeroPoint, w, epilogue},
      stream);
}

} // namespace whittle_cuda

#endif // WHITTLE_CUDA_OPS_CUH
