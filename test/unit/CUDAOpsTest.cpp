//===- CUDAOpsTest.cpp - the CUDA model runtime in host emulation ---------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The runtime that emitted CUDA models call (whittle_cuda_model.h), built
// as CI builds an emitted model without a GPU: with WHITTLE_CUDA_HOST, the
// generic ops' functors (whittle_cuda_ops.cuh) run in host loops, the
// tensor-core and dp4a launchers are whittle_cuda_host.h's loops, and the
// CUDA runtime is its shim over host memory. Every op is checked against a
// naive reference written here from the ops' definitions
// (dialects/QNN/QNNOps.td) and QNNArithmetic.h's scalar functions (not
// from whittle_hls_arith.h, which the runtime calls and which is under
// test): views that broadcast, slice, permute and relayout; per-channel
// axes; every rounding mode each op admits; saturation and clamps; pools
// with padding, dilation, ceil_mode windows and both count rules; the
// direct convolution (groups 1, 2 and depthwise, odd channels, strides,
// dilations, padding, weight zero points) through both epilogues against
// a direct qnn.conv; the host launchers against the same references and
// their requirement checks; zero-size tensors; and the shim itself.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/QNN/QNNArithmetic.h"

// As CI builds an emitted model: g++ -DWHITTLE_CUDA_HOST.
#define WHITTLE_CUDA_HOST 1
#include "whittle_cuda_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace qnn = whittle::qnn;
namespace cuda = whittle_cuda;

namespace {

constexpr qnn::RoundingMode kAllModes[] = {
    qnn::RoundingMode::nearest_even, qnn::RoundingMode::half_away,
    qnn::RoundingMode::pseudo_stochastic, qnn::RoundingMode::float32};
/// What qnn.add, qnn.mul and qnn.concat admit (float32 is requantize's).
constexpr qnn::RoundingMode kShiftModes[] = {
    qnn::RoundingMode::nearest_even, qnn::RoundingMode::half_away,
    qnn::RoundingMode::pseudo_stochastic};
/// What the averages admit.
constexpr qnn::RoundingMode kDivisionModes[] = {qnn::RoundingMode::nearest_even,
                                                qnn::RoundingMode::half_away};

cuda::RoundingMode toCuda(qnn::RoundingMode mode) {
  return static_cast<cuda::RoundingMode>(static_cast<int>(mode));
}

std::mt19937_64 generator(2026);

int64_t uniform(int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(generator);
}
std::vector<int8_t> randomBytes(size_t size, int lo = -128, int hi = 127) {
  std::vector<int8_t> bytes(size);
  for (int8_t &b : bytes)
    b = static_cast<int8_t>(uniform(lo, hi));
  return bytes;
}

/// A rescaling op's output parameters: gemmlowp-like multipliers and shifts
/// that keep results inside i8 most of the time, with extremes (multiplier
/// 1 or 2^31 - 1, shifts -31, 0 and 62) now and then.
struct Rescale {
  int32_t multiplier, shift;
  qnn::RoundingMode mode;
  int32_t zp, min, max;
};
template <size_t n> Rescale randomRescale(const qnn::RoundingMode (&modes)[n]) {
  Rescale r;
  switch (uniform(0, 5)) {
  case 0:
    r.multiplier = 1;
    r.shift = static_cast<int32_t>(uniform(0, 8));
    break;
  case 1:
    r.multiplier =
        static_cast<int32_t>(uniform(0, 1) ? INT32_MAX : uniform(1, 1 << 16));
    r.shift = static_cast<int32_t>(uniform(0, 1) ? uniform(-31, 62) : 62);
    break;
  default:
    r.multiplier = static_cast<int32_t>(uniform(int64_t(1) << 30, INT32_MAX));
    r.shift = static_cast<int32_t>(uniform(28, 44));
  }
  r.mode = modes[uniform(0, n - 1)];
  r.zp = static_cast<int32_t>(uniform(-128, 127));
  r.min = -128;
  r.max = 127;
  if (uniform(0, 2) == 0) { // a ReLU-like clamp
    r.min = static_cast<int32_t>(uniform(-128, 127));
    r.max = static_cast<int32_t>(uniform(r.min, 127));
  }
  return r;
}

/// qnn's output stage of a quotient (QNNArithmetic's requantize applies it
/// to rescale's; the averages apply it to roundingDivide's).
int8_t outputStage(int64_t value, int32_t zp, int32_t min, int32_t max) {
  value = std::clamp<int64_t>(value, INT32_MIN, INT32_MAX) + zp;
  return static_cast<int8_t>(std::clamp<int64_t>(value, min, max));
}

/// A reference rescale of `value` by r (QNNArithmetic's requantize).
int8_t referenceRescale(int64_t value, int32_t multiplier, const Rescale &r) {
  return static_cast<int8_t>(
      qnn::requantize(value, multiplier, r.shift, r.mode, r.zp, r.min, r.max));
}

/// qnn.avg_pool's output for a window sum and count: round(sum * m / (count
/// * 2^shift)) exactly (QNNArithmetic's roundingDivide), then the output
/// stage.
int8_t referenceAverage(int64_t sum, int64_t count, const Rescale &r) {
  __int128 numerator = __int128(sum) * r.multiplier;
  if (r.shift < 0)
    numerator *= __int128(1) << -r.shift;
  __int128 denominator = __int128(count) << std::max(r.shift, 0);
  return outputStage(qnn::roundingDivide(numerator, denominator, r.mode), r.zp,
                     r.min, r.max);
}

/// The CPU lowering's quantize (BoundaryToLinalg.cpp): f32 division, round
/// half to even, clamp to +-2^17 (NaN to the low end), zero point, clamp to
/// i8.
int8_t referenceQuantize(float x, float scale, int32_t zp) {
  float q = std::nearbyint(x / scale);
  q = std::isnan(q) ? -131072.0f : std::clamp(q, -131072.0f, 131072.0f);
  return static_cast<int8_t>(
      std::clamp<int32_t>(static_cast<int32_t>(q) + zp, -128, 127));
}

uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

//===----------------------------------------------------------------------===//
// Device memory through the shim, and views
//===----------------------------------------------------------------------===//

/// A "device" copy of a host vector (cudaMalloc + cudaMemcpy of the shim),
/// freed at scope exit.
template <class T> class Buffer {
public:
  explicit Buffer(const std::vector<T> &host) : size(host.size()) {
    EXPECT_EQ(cudaMalloc(&data, size * sizeof(T)), cudaSuccess);
    EXPECT_EQ(
        cudaMemcpy(data, host.data(), size * sizeof(T), cudaMemcpyHostToDevice),
        cudaSuccess);
  }
  explicit Buffer(size_t size, T value = T())
      : Buffer(std::vector<T>(size, value)) {}
  Buffer(const Buffer &) = delete;
  Buffer &operator=(const Buffer &) = delete;
  ~Buffer() { cudaFree(data); }

  T *get() const { return data; }
  std::vector<T> read() const {
    std::vector<T> host(size);
    EXPECT_EQ(
        cudaMemcpy(host.data(), data, size * sizeof(T), cudaMemcpyDeviceToHost),
        cudaSuccess);
    return host;
  }

private:
  T *data = nullptr;
  size_t size;
};

/// The view of logical `sizes` stored with its dimensions in `order`
/// (outermost first; {} for row-major): NCHW stored as NHWC is order
/// {0, 2, 3, 1}.
cuda::View stored(const std::vector<int64_t> &sizes,
                  std::vector<int> order = {}) {
  cuda::View v{};
  v.rank = static_cast<int>(sizes.size());
  if (order.empty())
    for (int d = 0; d < v.rank; ++d)
      order.push_back(d);
  int64_t stride = 1;
  for (int i = v.rank - 1; i >= 0; --i) {
    v.sizes[order[i]] = sizes[order[i]];
    v.strides[order[i]] = stride;
    stride *= sizes[order[i]];
  }
  return v;
}

/// `v` with dimension `d` broadcast: the output's size `size`, stride 0.
cuda::View broadcastDim(cuda::View v, int d, int64_t size) {
  v.sizes[d] = size;
  v.strides[d] = 0;
  return v;
}

/// The number of elements a view spans in memory (for non-negative
/// strides): 1 + the last element's offset.
int64_t span(const cuda::View &v) {
  int64_t last = 0;
  for (int d = 0; d < v.rank; ++d) {
    if (v.sizes[d] == 0)
      return 0;
    last += (v.sizes[d] - 1) * v.strides[d];
  }
  return last + 1;
}

/// Calls f(coordinates) for every logical index of `sizes`, row-major.
void forEachCoordinate(const std::vector<int64_t> &sizes,
                       const std::function<void(const int64_t *)> &f) {
  int64_t count = 1;
  for (int64_t s : sizes)
    count *= s;
  std::vector<int64_t> c(sizes.size() + 1, 0);
  for (int64_t i = 0; i < count; ++i) {
    f(c.data());
    for (int d = static_cast<int>(sizes.size()) - 1; d >= 0; --d) {
      if (++c[d] < sizes[d])
        break;
      c[d] = 0;
    }
  }
}

/// The element of view `v` at logical `coordinates` of the output: a
/// dimension of size 1 in `v` reads coordinate 0 (broadcast).
int64_t at(const cuda::View &v, const int64_t *coordinates) {
  int64_t offset = 0;
  for (int d = 0; d < v.rank; ++d)
    offset += (v.sizes[d] == 1 ? 0 : coordinates[d]) * v.strides[d];
  return offset;
}

std::vector<int64_t> sizesOf(const cuda::View &v) {
  return std::vector<int64_t>(v.sizes, v.sizes + v.rank);
}

//===----------------------------------------------------------------------===//
// The shim
//===----------------------------------------------------------------------===//

TEST(CUDAHost, Runtime) {
  static_assert(!cuda::kUseGraphs, "no graphs in the host emulation");
  int count = 0;
  EXPECT_EQ(cudaGetDeviceCount(&count), cudaSuccess);
  EXPECT_EQ(count, 1);
  EXPECT_EQ(cudaSetDevice(0), cudaSuccess);
  cudaDeviceProp prop;
  ASSERT_EQ(cudaGetDeviceProperties(&prop, 0), cudaSuccess);
  EXPECT_STREQ(prop.name, "host emulation");
  EXPECT_GE(prop.major, 8);

  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  EXPECT_EQ(cudaSetDevice(1), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaPeekAtLastError(), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  EXPECT_STREQ(cudaGetErrorString(cudaSuccess), "no error");
  EXPECT_STREQ(cudaGetErrorString(cudaErrorInvalidValue), "invalid argument");

  // Allocations are 256-byte aligned, like cudaMalloc's; 0 bytes is null.
  int8_t *p = nullptr, *q = nullptr;
  ASSERT_EQ(cudaMalloc(&p, 1000), cudaSuccess);
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void **>(&q), 3), cudaSuccess);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 256, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(q) % 256, 0u);
  int32_t *none = reinterpret_cast<int32_t *>(&count);
  EXPECT_EQ(cudaMalloc(&none, 0), cudaSuccess);
  EXPECT_EQ(none, nullptr);

  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  std::vector<int8_t> host(1000);
  for (size_t i = 0; i < host.size(); ++i)
    host[i] = static_cast<int8_t>(i * 7);
  EXPECT_EQ(
      cudaMemcpyAsync(p, host.data(), 1000, cudaMemcpyHostToDevice, stream),
      cudaSuccess);
  EXPECT_EQ(cudaMemsetAsync(p + 10, 0x5a, 20, stream), cudaSuccess);
  EXPECT_EQ(cudaMemcpy(q, p + 9, 3, cudaMemcpyDeviceToDevice), cudaSuccess);
  EXPECT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  std::vector<int8_t> back(1000);
  EXPECT_EQ(cudaMemcpy(back.data(), p, 1000, cudaMemcpyDeviceToHost),
            cudaSuccess);
  int8_t three[3];
  EXPECT_EQ(cudaMemcpy(three, q, 3, cudaMemcpyDefault), cudaSuccess);
  EXPECT_EQ(three[0], host[9]);
  EXPECT_EQ(three[1], 0x5a);
  EXPECT_EQ(three[2], 0x5a);
  for (size_t i = 0; i < host.size(); ++i)
    ASSERT_EQ(back[i], i >= 10 && i < 30 ? 0x5a : host[i]) << i;

  cudaEvent_t start, stop;
  ASSERT_EQ(cudaEventCreate(&start), cudaSuccess);
  ASSERT_EQ(cudaEventCreate(&stop), cudaSuccess);
  float ms = -1;
  EXPECT_EQ(cudaEventElapsedTime(&ms, start, stop), cudaErrorInvalidValue);
  EXPECT_EQ(cudaEventRecord(start, stream), cudaSuccess);
  EXPECT_EQ(cudaEventRecord(stop, stream), cudaSuccess);
  EXPECT_EQ(cudaEventSynchronize(stop), cudaSuccess);
  EXPECT_EQ(cudaEventElapsedTime(&ms, start, stop), cudaSuccess);
  EXPECT_GE(ms, 0.0f);
  EXPECT_EQ(cudaEventDestroy(start), cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(stop), cudaSuccess);

  // Graphs compile and refuse to run.
  cudaGraph_t graph;
  cudaGraphExec_t exec;
  EXPECT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal),
            cudaErrorNotSupported);
  EXPECT_EQ(cudaStreamEndCapture(stream, &graph), cudaErrorNotSupported);
  EXPECT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaErrorNotSupported);
  EXPECT_EQ(cudaGraphLaunch(exec, stream), cudaErrorNotSupported);
  EXPECT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(cudaGetLastError(), cudaErrorNotSupported);

  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_EQ(cudaFree(p), cudaSuccess);
  EXPECT_EQ(cudaFree(q), cudaSuccess);
  EXPECT_EQ(cudaFree(nullptr), cudaSuccess);
}

//===----------------------------------------------------------------------===//
// Views
//===----------------------------------------------------------------------===//

TEST(CUDAOps, ViewOffsets) {
  // Logical NCHW 2 x 3 x 4 x 5 stored NHWC.
  cuda::View v = stored({2, 3, 4, 5}, {0, 2, 3, 1});
  EXPECT_EQ(v.elements(), 120);
  EXPECT_EQ(v.strides[0], 60);
  EXPECT_EQ(v.strides[1], 1);
  EXPECT_EQ(v.strides[2], 15);
  EXPECT_EQ(v.strides[3], 3);
  forEachCoordinate(sizesOf(v), [&](const int64_t *c) {
    int64_t index = ((c[0] * 3 + c[1]) * 4 + c[2]) * 5 + c[3];
    ASSERT_EQ(v.offset(index), ((c[0] * 4 + c[2]) * 5 + c[3]) * 3 + c[1]);
  });
  int64_t sizes[] = {3, 4};
  cuda::View dense = cuda::denseView(2, sizes);
  EXPECT_EQ(dense.strides[0], 4);
  EXPECT_EQ(dense.strides[1], 1);
  EXPECT_EQ(dense.offset(7), 7);
  cuda::View scalar{};
  EXPECT_EQ(scalar.elements(), 1);
  EXPECT_EQ(scalar.offset(0), 0);
}

//===----------------------------------------------------------------------===//
// Boundary ops
//===----------------------------------------------------------------------===//

/// Quantizes `values` (logical NCHW 2 x 3 x 4 x 5, stored NCHW or NHWC)
/// into the other layout with `axis` (-1, or per channel) and compares.
void checkQuantize(const std::vector<float> &values, int axis, bool nhwcInput,
                   const std::vector<float> &scales,
                   const std::vector<int32_t> &zeroPoints) {
  std::vector<int64_t> sizes = {2, 3, 4, 5};
  std::vector<int> nhwc = {0, 2, 3, 1};
  cuda::View xv = stored(sizes, nhwcInput ? nhwc : std::vector<int>{});
  cuda::View yv = stored(sizes, nhwcInput ? std::vector<int>{} : nhwc);
  Buffer<float> x(values), s(scales);
  Buffer<int32_t> z(zeroPoints);
  Buffer<int8_t> y(120, 0);
  ASSERT_EQ(cuda::quantize(x.get(), xv, y.get(), yv, s.get(), z.get(), axis, 0),
            cudaSuccess);
  std::vector<int8_t> got = y.read();
  forEachCoordinate(sizes, [&](const int64_t *c) {
    int64_t channel = axis < 0 ? 0 : c[axis];
    float value = values[at(xv, c)];
    ASSERT_EQ(got[at(yv, c)],
              referenceQuantize(value, scales[channel], zeroPoints[channel]))
        << value << " axis " << axis;
  });
}

TEST(CUDAOps, Quantize) {
  const float specials[] = {0.0f,
                            -0.0f,
                            0.5f,
                            -0.5f,
                            1.5f,
                            2.5f,
                            -2.5f,
                            126.5f,
                            127.5f,
                            -128.5f,
                            1e6f,
                            -1e6f,
                            std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity(),
                            std::numeric_limits<float>::quiet_NaN()};
  std::vector<float> values(120);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = i < std::size(specials)
                    ? specials[i]
                    : static_cast<float>(uniform(-40000, 40000)) / 128.0f;
  for (bool nhwc : {false, true}) {
    checkQuantize(values, -1, nhwc, {1.0f}, {0});
    checkQuantize(values, -1, nhwc, {0.0235f}, {-7});
    // Per channel along C (axis 1) and along W (axis 3).
    checkQuantize(values, 1, nhwc, {0.5f, 1.0f, 2.0f}, {-128, 3, 127});
    checkQuantize(values, 3, nhwc, {0.25f, 1.0f, 0.1f, 3.0f, 100.0f},
                  {0, 1, -1, 50, -50});
  }
  // Null zero points are 0.
  Buffer<float> x(std::vector<float>{1.5f, -2.5f, 300.0f}), s(1, 1.0f);
  Buffer<int8_t> y(3, 0);
  cuda::View v = stored({3});
  ASSERT_EQ(cuda::quantize(x.get(), v, y.get(), v, s.get(), nullptr, -1, 0),
            cudaSuccess);
  EXPECT_EQ(y.read(), (std::vector<int8_t>{2, -2, 127}));
}

TEST(CUDAOps, Dequantize) {
  std::vector<int64_t> sizes = {2, 3, 4, 5};
  cuda::View nchw = stored(sizes), nhwc = stored(sizes, {0, 2, 3, 1});
  std::vector<float> scales = {0.5f, 0.0235f, 3e-5f};
  for (int axis : {-1, 1}) {
    // i8 with i8 zero points, stored NHWC, into NCHW floats.
    std::vector<int8_t> bytes = randomBytes(120);
    bytes[0] = -128;
    bytes[1] = 127;
    std::vector<int32_t> zp8 = {-128, 5, 127};
    Buffer<int8_t> x8(bytes);
    Buffer<float> s(scales), y(120, 0.0f);
    Buffer<int32_t> z8(zp8);
    ASSERT_EQ(cuda::dequantize(x8.get(), nhwc, y.get(), nchw, s.get(), z8.get(),
                               axis, 0),
              cudaSuccess);
    std::vector<float> got = y.read();
    forEachCoordinate(sizes, [&](const int64_t *c) {
      int64_t ch = axis < 0 ? 0 : c[1];
      float expected =
          static_cast<float>(int64_t(bytes[at(nhwc, c)]) - zp8[ch]) *
          scales[ch];
      ASSERT_EQ(bitsOf(got[at(nchw, c)]), bitsOf(expected));
    });
    // i32 accumulators with any i32 zero point, NCHW into NHWC.
    std::vector<int32_t> accs(120);
    for (int32_t &a : accs)
      a = static_cast<int32_t>(uniform(INT32_MIN, INT32_MAX));
    accs[0] = INT32_MIN;
    accs[1] = INT32_MAX;
    std::vector<int32_t> zp32 = {INT32_MAX, 0, INT32_MIN};
    Buffer<int32_t> x32(accs), z32(zp32);
    ASSERT_EQ(cuda::dequantize(x32.get(), nchw, y.get(), nhwc, s.get(),
                               z32.get(), axis, 0),
              cudaSuccess);
    got = y.read();
    forEachCoordinate(sizes, [&](const int64_t *c) {
      int64_t ch = axis < 0 ? 0 : c[1];
      float expected =
          static_cast<float>(int64_t(accs[at(nchw, c)]) - zp32[ch]) *
          scales[ch];
      ASSERT_EQ(bitsOf(got[at(nhwc, c)]), bitsOf(expected));
    });
  }
}

//===----------------------------------------------------------------------===//
// Rescaling elementwise ops
//===----------------------------------------------------------------------===//

template <class T> void checkRequantize(int axis) {
  std::vector<int64_t> sizes = {3, 4, 6};
  cuda::View xv = stored(sizes, {2, 0, 1}), yv = stored(sizes);
  int64_t channels = axis < 0 ? 1 : sizes[axis];
  std::vector<T> values(72);
  for (T &v : values)
    v = static_cast<T>(
        uniform(std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
  // Edges: extremes, small values (ties), 0.
  const int64_t edges[] = {std::numeric_limits<T>::min(),
                           std::numeric_limits<T>::max(),
                           0,
                           1,
                           -1,
                           2,
                           -2,
                           3,
                           -3,
                           127,
                           -128};
  for (size_t i = 0; i < std::size(edges); ++i)
    values[i * 5] = static_cast<T>(edges[i]);
  for (qnn::RoundingMode mode : kAllModes)
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<int32_t> multipliers, shifts;
      Rescale r = randomRescale(kAllModes);
      r.mode = mode;
      for (int64_t c = 0; c < channels; ++c) {
        Rescale rc = randomRescale(kAllModes);
        if (sizeof(T) == 1 && rc.shift > 12 && trial % 2)
          rc.shift -= 12; // i8 inputs need smaller shifts to leave 0
        multipliers.push_back(rc.multiplier);
        shifts.push_back(rc.shift);
      }
      Buffer<T> x(values);
      Buffer<int32_t> m(multipliers), s(shifts);
      Buffer<int8_t> y(72, 0);
      cuda::RequantizeParams p{m.get(), s.get(), axis, toCuda(mode),
                               r.zp,    r.min,   r.max};
      ASSERT_EQ(cuda::requantize(x.get(), xv, y.get(), yv, p, 0), cudaSuccess);
      std::vector<int8_t> got = y.read();
      forEachCoordinate(sizes, [&](const int64_t *c) {
        int64_t ch = axis < 0 ? 0 : c[axis];
        int64_t value = values[at(xv, c)];
        ASSERT_EQ(got[at(yv, c)],
                  qnn::requantize(value, multipliers[ch], shifts[ch], mode,
                                  r.zp, r.min, r.max))
            << value << " * " << multipliers[ch] << " >> " << shifts[ch];
      });
    }
}

TEST(CUDAOps, RequantizeInt32) {
  for (int axis : {-1, 0, 2})
    checkRequantize<int32_t>(axis);
}

TEST(CUDAOps, RequantizeInt8) {
  for (int axis : {-1, 1})
    checkRequantize<int8_t>(axis);
}

/// An elementwise binary op's case: output 2 x 3 x 4 x 5 (NHWC-stored in
/// half the cases), `a` full, `b` broadcast along some dimensions (by size
/// 1 or stride 0).
struct BinaryCase {
  std::vector<int64_t> sizes = {2, 3, 4, 5};
  cuda::View av, bv, yv;
  std::vector<int8_t> a, b;

  explicit BinaryCase(int variant) {
    av = stored(sizes, variant % 2 ? std::vector<int>{0, 2, 3, 1}
                                   : std::vector<int>{});
    yv = stored(sizes, variant % 3 ? std::vector<int>{}
                                   : std::vector<int>{0, 2, 3, 1});
    switch (variant % 4) {
    case 0: // a per-channel vector [1, 3, 1, 1]
      bv = stored({1, 3, 1, 1});
      break;
    case 1: // a [4, 5] matrix against the last two dimensions, by stride 0
      bv = broadcastDim(broadcastDim(stored(sizes), 0, 2), 1, 3);
      break;
    case 2: // a scalar
      bv = stored({1, 1, 1, 1});
      break;
    default: // same shape, other layout
      bv = stored(sizes, {3, 2, 1, 0});
    }
    a = randomBytes(span(av));
    b = randomBytes(std::max<int64_t>(span(bv), 1));
    a[0] = -128;
    a[1] = 127;
  }
};

TEST(CUDAOps, Add) {
  for (int variant = 0; variant < 24; ++variant) {
    BinaryCase t(variant);
    for (qnn::RoundingMode mode : kShiftModes) {
      Rescale r = randomRescale(kShiftModes);
      r.mode = mode;
      auto aZp = static_cast<int32_t>(uniform(-128, 127));
      auto bZp = static_cast<int32_t>(uniform(-128, 127));
      // Signed multipliers (a negative one subtracts), extremes included.
      auto aM = static_cast<int32_t>(
          variant == 5 ? INT32_MIN : uniform(-(int64_t(1) << 30), 1 << 30));
      auto bM = static_cast<int32_t>(
          variant == 5 ? INT32_MAX : uniform(-(int64_t(1) << 30), 1 << 30));
      Buffer<int8_t> a(t.a), b(t.b), y(120, 0);
      cuda::AddParams p{aZp,          bZp,  aM,    bM,   r.shift,
                        toCuda(mode), r.zp, r.min, r.max};
      ASSERT_EQ(cuda::add(a.get(), t.av, b.get(), t.bv, y.get(), t.yv, p, 0),
                cudaSuccess);
      std::vector<int8_t> got = y.read();
      forEachCoordinate(t.sizes, [&](const int64_t *c) {
        int64_t av = int64_t(t.a[at(t.av, c)]) - aZp;
        int64_t bv = int64_t(t.b[at(t.bv, c)]) - bZp;
        ASSERT_EQ(got[at(t.yv, c)], referenceRescale(av * aM + bv * bM, 1, r))
            << "variant " << variant;
      });
    }
  }
}

TEST(CUDAOps, Mul) {
  for (int variant = 0; variant < 24; ++variant) {
    BinaryCase t(variant);
    for (qnn::RoundingMode mode : kShiftModes) {
      Rescale r = randomRescale(kShiftModes);
      r.mode = mode;
      auto aZp = static_cast<int32_t>(uniform(-128, 127));
      auto bZp = static_cast<int32_t>(uniform(-128, 127));
      Buffer<int8_t> a(t.a), b(t.b), y(120, 0);
      cuda::MulParams p{aZp,          bZp,  r.multiplier, r.shift,
                        toCuda(mode), r.zp, r.min,        r.max};
      ASSERT_EQ(cuda::mul(a.get(), t.av, b.get(), t.bv, y.get(), t.yv, p, 0),
                cudaSuccess);
      std::vector<int8_t> got = y.read();
      forEachCoordinate(t.sizes, [&](const int64_t *c) {
        int64_t av = int64_t(t.a[at(t.av, c)]) - aZp;
        int64_t bv = int64_t(t.b[at(t.bv, c)]) - bZp;
        ASSERT_EQ(got[at(t.yv, c)], referenceRescale(av * bv, r.multiplier, r))
            << "variant " << variant;
      });
    }
  }
}

/// Saturation: products that overflow i8 either way, and a clamp.
TEST(CUDAOps, AddMulSaturate) {
  cuda::View v = stored({4});
  Buffer<int8_t> a(std::vector<int8_t>{-128, 127, 127, 0});
  Buffer<int8_t> b(std::vector<int8_t>{-128, 127, -128, 0});
  Buffer<int8_t> y(4, 0);
  cuda::AddParams add{0, 0,    1,  1, 0, cuda::RoundingMode::nearest_even,
                      0, -128, 127};
  ASSERT_EQ(cuda::add(a.get(), v, b.get(), v, y.get(), v, add, 0), cudaSuccess);
  EXPECT_EQ(y.read(), (std::vector<int8_t>{-128, 127, -1, 0}));
  cuda::MulParams mul{0, 0, 1, 0, cuda::RoundingMode::nearest_even, 0, 0, 6};
  ASSERT_EQ(cuda::mul(a.get(), v, b.get(), v, y.get(), v, mul, 0), cudaSuccess);
  EXPECT_EQ(y.read(), (std::vector<int8_t>{6, 6, 0, 0}));
}

TEST(CUDAOps, LookupTable) {
  std::vector<int8_t> table = randomBytes(256);
  // Every input value, read through a transposed view.
  std::vector<int8_t> values(256);
  for (int i = 0; i < 256; ++i)
    values[i] = static_cast<int8_t>(i - 128);
  cuda::View xv = stored({16, 16}, {1, 0}), yv = stored({16, 16});
  Buffer<int8_t> x(values), t(table), y(256, 0);
  ASSERT_EQ(cuda::lookupTable(x.get(), xv, y.get(), yv, t.get(), 0),
            cudaSuccess);
  std::vector<int8_t> got = y.read();
  forEachCoordinate({16, 16}, [&](const int64_t *c) {
    ASSERT_EQ(got[at(yv, c)], table[values[at(xv, c)] + 128]);
  });
}

TEST(CUDAOps, ConcatInputs) {
  // Two NCHW inputs (2 x 3 x 4 x 5 and 2 x 2 x 4 x 5) concatenated along C
  // into an NHWC-stored 2 x 5 x 4 x 5 output: each input fills the
  // sub-view of its channels.
  std::vector<int64_t> outSizes = {2, 5, 4, 5};
  cuda::View yv = stored(outSizes, {0, 2, 3, 1});
  for (qnn::RoundingMode mode : kShiftModes) {
    Rescale r = randomRescale(kShiftModes);
    r.mode = mode;
    Buffer<int8_t> y(200, 0);
    std::vector<std::vector<int8_t>> inputs;
    std::vector<cuda::ConcatInputParams> params;
    int64_t first = 0;
    for (int64_t channels : {3, 2}) {
      std::vector<int64_t> sizes = {2, channels, 4, 5};
      cuda::View xv = stored(sizes);
      cuda::View sub = yv;
      sub.sizes[1] = channels;
      inputs.push_back(randomBytes(span(xv)));
      // The second input already on the output's scale: the identity.
      bool identity = first > 0;
      Rescale ri = randomRescale(kShiftModes);
      cuda::ConcatInputParams p{
          identity ? r.zp : static_cast<int32_t>(uniform(-128, 127)),
          identity ? 1 : ri.multiplier,
          identity ? 0 : ri.shift,
          toCuda(mode),
          r.zp,
          identity ? -128 : r.min,
          identity ? 127 : r.max};
      params.push_back(p);
      Buffer<int8_t> x(inputs.back());
      ASSERT_EQ(cuda::concatInput(x.get(), xv, y.get() + first * sub.strides[1],
                                  sub, p, 0),
                cudaSuccess);
      first += channels;
    }
    std::vector<int8_t> got = y.read();
    forEachCoordinate(outSizes, [&](const int64_t *c) {
      int input = c[1] < 3 ? 0 : 1;
      int64_t local[4] = {c[0], c[1] - (input ? 3 : 0), c[2], c[3]};
      cuda::View xv = stored({2, input ? 2 : 3, 4, 5});
      int8_t x = inputs[input][at(xv, local)];
      const cuda::ConcatInputParams &p = params[input];
      int8_t expected = static_cast<int8_t>(
          qnn::requantize(int64_t(x) - p.inputZeroPoint, p.multiplier, p.shift,
                          mode, p.outputZeroPoint, p.min, p.max));
      ASSERT_EQ(got[at(yv, c)], expected);
      if (input == 1) {
        ASSERT_EQ(got[at(yv, c)], x);
      }
    });
  }
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

template <class T> std::vector<T> randomValues(size_t size) {
  std::vector<T> values(size);
  for (T &v : values)
    v = static_cast<T>(uniform(-1000000, 1000000)) / T(7);
  return values;
}
template <> std::vector<int8_t> randomValues<int8_t>(size_t size) {
  return randomBytes(size);
}

/// copy from `xv` over `base` (of `storage` elements) to a fresh `yv`,
/// against the element-by-element reference.
template <class T>
void checkCopy(const cuda::View &xv, const cuda::View &yv, int64_t storage,
               int64_t xOffset = 0) {
  std::vector<T> source = randomValues<T>(storage);
  Buffer<T> x(source), y(std::max<int64_t>(span(yv), 1), T(0));
  ASSERT_EQ(cuda::copy(x.get() + xOffset, xv, y.get(), yv, 0), cudaSuccess);
  std::vector<T> got = y.read();
  forEachCoordinate(sizesOf(yv), [&](const int64_t *c) {
    ASSERT_EQ(got[at(yv, c)], source[xOffset + at(xv, c)]);
  });
}

template <class T> void checkCopies() {
  std::vector<int64_t> nchw = {2, 3, 4, 5};
  // NCHW -> NHWC and back.
  checkCopy<T>(stored(nchw), stored(nchw, {0, 2, 3, 1}), 120);
  checkCopy<T>(stored(nchw, {0, 2, 3, 1}), stored(nchw), 120);
  // A permutation of rank 6 (a transpose to a dense result).
  std::vector<int64_t> six = {2, 1, 3, 2, 2, 3};
  checkCopy<T>(stored(six, {5, 3, 0, 4, 1, 2}), stored(six), 144);
  // A slice: [1:3, :, 1:6:2] of a 4 x 3 x 7 tensor.
  cuda::View whole = stored({4, 3, 7});
  cuda::View slice = whole;
  slice.sizes[0] = 2;
  slice.sizes[2] = 3;
  slice.strides[2] = 2;
  checkCopy<T>(slice, stored({2, 3, 3}), 84, whole.strides[0] + 1);
  // Broadcasts: a [3] vector to 2 x 3 x 4 by stride 0, and by size 1.
  checkCopy<T>(broadcastDim(broadcastDim(stored({1, 3, 1}), 0, 2), 2, 4),
               stored({2, 3, 4}), 3);
  checkCopy<T>(stored({1, 3, 1}), stored({2, 3, 4}, {2, 0, 1}), 3);
  // A scalar (rank 0) and a broadcast scalar.
  cuda::View scalar{};
  checkCopy<T>(scalar, scalar, 1);
  checkCopy<T>(stored({1, 1}), stored({3, 5}), 1);
}

TEST(CUDAOps, CopyInt8) { checkCopies<int8_t>(); }
TEST(CUDAOps, CopyInt32) { checkCopies<int32_t>(); }
TEST(CUDAOps, CopyFloat) { checkCopies<float>(); }

TEST(CUDAOps, Fill) {
  // Fill the interior 2 x 3 of a 4 x 5 tensor; the border stays.
  Buffer<int8_t> y(20, 1);
  cuda::View sub = stored({4, 5});
  sub.sizes[0] = 2;
  sub.sizes[1] = 3;
  ASSERT_EQ(cuda::fill(y.get() + 6, sub, -7, 0), cudaSuccess);
  std::vector<int8_t> got = y.read();
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 5; ++j)
      EXPECT_EQ(got[i * 5 + j], (i >= 1 && i < 3 && j >= 1 && j < 4) ? -7 : 1)
          << i << ", " << j;
}

TEST(CUDAOps, InvalidViews) {
  Buffer<int8_t> x(64, 0), y(64, 0);
  cuda::View v = stored({4, 4});
  auto copy = [&](const cuda::View &xv, const cuda::View &yv) {
    return cuda::copy(x.get(), xv, y.get(), yv, 0);
  };
  EXPECT_EQ(copy(v, v), cudaSuccess);
  EXPECT_EQ(copy(stored({4, 4, 1}), v), cudaErrorInvalidValue); // rank
  EXPECT_EQ(copy(stored({4, 3}), v), cudaErrorInvalidValue);    // size
  EXPECT_EQ(copy(v, broadcastDim(v, 0, 4)), cudaErrorInvalidValue);
  cuda::View big{};
  big.rank = cuda::kMaxRank + 1;
  EXPECT_EQ(copy(big, big), cudaErrorInvalidValue);
  cuda::View negative = v;
  negative.sizes[0] = -1;
  EXPECT_EQ(copy(negative, negative), cudaErrorInvalidValue);
  Buffer<float> s(4, 1.0f);
  Buffer<float> f(64, 0.0f);
  for (int axis : {-2, 2})
    EXPECT_EQ(cuda::quantize(f.get(), v, y.get(), v, s.get(), nullptr, axis, 0),
              cudaErrorInvalidValue)
        << axis;
  // Nothing was written.
  for (int8_t b : y.read())
    EXPECT_EQ(b, 0);
}

TEST(CUDAOps, ZeroSizeTensors) {
  // Null pointers are never read or written when there is no element.
  cuda::View empty = stored({3, 0, 2});
  cuda::View broadcast = stored({1, 1, 2});
  EXPECT_EQ(cuda::copy<int8_t>(nullptr, broadcast, nullptr, empty, 0),
            cudaSuccess);
  EXPECT_EQ(cuda::fill(nullptr, empty, 1, 0), cudaSuccess);
  cuda::AddParams add{0, 0,    1,  1, 0, cuda::RoundingMode::nearest_even,
                      0, -128, 127};
  EXPECT_EQ(
      cuda::add(nullptr, empty, nullptr, broadcast, nullptr, empty, add, 0),
      cudaSuccess);
  EXPECT_EQ(
      cuda::quantize(nullptr, empty, nullptr, empty, nullptr, nullptr, 1, 0),
      cudaSuccess);
  cuda::ConvShape s{0, 5, 5, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 5, 5};
  cuda::AvgPoolParams pool{
      1, 1, false, 0, 1, 0, cuda::RoundingMode::nearest_even, 0, -128, 127};
  EXPECT_EQ(cuda::maxPool2d(s, nullptr, nullptr, 0), cudaSuccess);
  EXPECT_EQ(cuda::avgPool2d(s, nullptr, nullptr, pool, 0), cudaSuccess);
  EXPECT_EQ(cuda::globalAvgPool(0, 25, 3, nullptr, nullptr, pool, 0),
            cudaSuccess);
  EXPECT_EQ(cuda::globalAvgPool(1, 25, 0, nullptr, nullptr, pool, 0),
            cudaSuccess);
  // An epilogue writing to null would crash if called.
  cuda::AccumulatorEpilogue<true> none;
  EXPECT_EQ(cuda::launchDirectConv2d(s, 1, nullptr, 0, nullptr, none, 0),
            cudaSuccess);
  // 3 channels: the tensor-core and dp4a launchers check that first.
  EXPECT_EQ(cuda::launchConv2d(s, nullptr, 0, nullptr, none),
            cudaErrorInvalidValue);
  EXPECT_EQ(cuda::launchDepthwiseConv2d(s, nullptr, 0, nullptr, none),
            cudaErrorInvalidValue);
  s.channels = s.outChannels = 16;
  EXPECT_EQ(cuda::launchConv2d(s, nullptr, 0, nullptr, none), cudaSuccess);
  EXPECT_EQ(cuda::launchDepthwiseConv2d(s, nullptr, 0, nullptr, none),
            cudaSuccess);
  EXPECT_EQ(cuda::launchGemm(nullptr, 16, nullptr, 16, 0, 5, 16, none),
            cudaSuccess);
  EXPECT_EQ(cuda::launchGemm(nullptr, 16, nullptr, 16, 5, 0, 16, none),
            cudaSuccess);
}

//===----------------------------------------------------------------------===//
// Pools
//===----------------------------------------------------------------------===//

/// A pool's or a convolution's window along one axis.
struct Axis {
  int input, kernel, stride, padBegin, padEnd, dilation, output;
};

/// The floor-mode output size, plus `extra` (ceil_mode windows running past
/// the end pad).
Axis makeAxis(int input, int kernel, int stride, int padBegin, int padEnd,
              int dilation, int extra = 0) {
  int output =
      (input + padBegin + padEnd - dilation * (kernel - 1) - 1) / stride + 1;
  return {input, kernel, stride, padBegin, padEnd, dilation, output + extra};
}

cuda::ConvShape makeShape(int batch, int channels, int outChannels,
                          const Axis &h, const Axis &w) {
  return {batch,      h.input,    w.input,    channels, outChannels,
          h.kernel,   w.kernel,   h.stride,   w.stride, h.padBegin,
          w.padBegin, h.dilation, w.dilation, h.output, w.output};
}

/// The number of a window's positions along `a` at output `o` that lie in
/// [lo, hi), counted one by one, at least 1 (qnn.avg_pool's count).
int64_t countPositions(const Axis &a, int o, int64_t lo, int64_t hi) {
  int64_t count = 0;
  for (int k = 0; k < a.kernel; ++k) {
    int64_t i = int64_t(o) * a.stride - a.padBegin + k;
    count += i >= lo && i < hi;
  }
  return std::max<int64_t>(count, 1);
}

struct PoolCase {
  int batch, channels;
  Axis h, w;
};

std::vector<PoolCase> poolCases() {
  return {
      // 3 x 3 stride 1 pad 1 ("same").
      {2, 3, makeAxis(7, 3, 1, 1, 1, 1), makeAxis(6, 3, 1, 1, 1, 1)},
      // 2 x 2 stride 2, odd input, ceil_mode's extra window.
      {1, 5, makeAxis(7, 2, 2, 0, 0, 1, 1), makeAxis(5, 2, 2, 0, 0, 1, 1)},
      // 3 x 3 stride 2 pads 1 / 0 with ceil windows past the pad.
      {2, 1, makeAxis(8, 3, 2, 1, 0, 1, 1), makeAxis(6, 3, 2, 1, 2, 1, 1)},
      // A window larger than the input, pads 2.
      {1, 8, makeAxis(3, 5, 1, 2, 2, 1), makeAxis(2, 4, 3, 2, 2, 1)},
      // Asymmetric pads 0 / 3: trailing windows entirely in the padding.
      {1, 2, makeAxis(4, 2, 2, 0, 3, 1), makeAxis(4, 2, 1, 3, 0, 1)},
  };
}

TEST(CUDAOps, MaxPool) {
  std::vector<PoolCase> cases = poolCases();
  // Dilations: 3 x 3 dilated 2 with padding.
  cases.push_back(
      {2, 3, makeAxis(9, 3, 1, 2, 2, 2), makeAxis(8, 3, 2, 1, 1, 2, 1)});
  for (const PoolCase &t : cases) {
    cuda::ConvShape s = makeShape(t.batch, t.channels, t.channels, t.h, t.w);
    std::vector<int8_t> x =
        randomBytes(int64_t(t.batch) * t.h.input * t.w.input * t.channels);
    Buffer<int8_t> xb(x), y(s.gemmM() * t.channels, 0);
    ASSERT_EQ(cuda::maxPool2d(s, xb.get(), y.get(), 0), cudaSuccess);
    std::vector<int8_t> got = y.read();
    for (int n = 0; n < t.batch; ++n)
      for (int oh = 0; oh < t.h.output; ++oh)
        for (int ow = 0; ow < t.w.output; ++ow)
          for (int c = 0; c < t.channels; ++c) {
            int best = -128; // padding never wins; an empty window is -128
            for (int kh = 0; kh < t.h.kernel; ++kh)
              for (int kw = 0; kw < t.w.kernel; ++kw) {
                int ih = oh * t.h.stride - t.h.padBegin + kh * t.h.dilation;
                int iw = ow * t.w.stride - t.w.padBegin + kw * t.w.dilation;
                if (ih < 0 || ih >= t.h.input || iw < 0 || iw >= t.w.input)
                  continue;
                best = std::max<int>(
                    best, x[((int64_t(n) * t.h.input + ih) * t.w.input + iw) *
                                t.channels +
                            c]);
              }
            ASSERT_EQ(got[((int64_t(n) * t.h.output + oh) * t.w.output + ow) *
                              t.channels +
                          c],
                      best)
                << n << " " << oh << " " << ow << " " << c;
          }
  }
}

TEST(CUDAOps, AvgPool) {
  for (const PoolCase &t : poolCases())
    for (bool includePad : {false, true})
      for (qnn::RoundingMode mode : kDivisionModes) {
        cuda::ConvShape s =
            makeShape(t.batch, t.channels, t.channels, t.h, t.w);
        Rescale r = randomRescale(kDivisionModes);
        r.mode = mode;
        if (uniform(0, 1)) { // the common quantizer choice: the identity
          r.multiplier = 1 << 30;
          r.shift = 30;
        }
        auto zp = static_cast<int32_t>(uniform(-128, 127));
        std::vector<int8_t> x =
            randomBytes(int64_t(t.batch) * t.h.input * t.w.input * t.channels);
        x[0] = 127;
        Buffer<int8_t> xb(x), y(s.gemmM() * t.channels, 0);
        cuda::AvgPoolParams p{t.h.padEnd,   t.w.padEnd, includePad,   zp,
                              r.multiplier, r.shift,    toCuda(mode), r.zp,
                              r.min,        r.max};
        ASSERT_EQ(cuda::avgPool2d(s, xb.get(), y.get(), p, 0), cudaSuccess);
        std::vector<int8_t> got = y.read();
        for (int n = 0; n < t.batch; ++n)
          for (int oh = 0; oh < t.h.output; ++oh)
            for (int ow = 0; ow < t.w.output; ++ow)
              for (int c = 0; c < t.channels; ++c) {
                // The lowering pads to the windows' full extent with the
                // zero point and sums x - zp (padding adds 0).
                int64_t sum = 0;
                for (int kh = 0; kh < t.h.kernel; ++kh)
                  for (int kw = 0; kw < t.w.kernel; ++kw) {
                    int ih = oh * t.h.stride - t.h.padBegin + kh;
                    int iw = ow * t.w.stride - t.w.padBegin + kw;
                    int8_t v =
                        ih < 0 || ih >= t.h.input || iw < 0 || iw >= t.w.input
                            ? static_cast<int8_t>(zp)
                            : x[((int64_t(n) * t.h.input + ih) * t.w.input +
                                 iw) *
                                    t.channels +
                                c];
                    sum += v - zp;
                  }
                int64_t count =
                    countPositions(t.h, oh, includePad ? -t.h.padBegin : 0,
                                   t.h.input + (includePad ? t.h.padEnd : 0)) *
                    countPositions(t.w, ow, includePad ? -t.w.padBegin : 0,
                                   t.w.input + (includePad ? t.w.padEnd : 0));
                ASSERT_EQ(
                    got[((int64_t(n) * t.h.output + oh) * t.w.output + ow) *
                            t.channels +
                        c],
                    referenceAverage(sum, count, r))
                    << n << " " << oh << " " << ow << " " << c << " pad "
                    << includePad << " count " << count;
              }
      }
}

/// The counts themselves: along w, an input of 4, 3-wide windows with
/// stride 2 and pads 1 / 1, and ceil_mode's third window [3, 6), which runs
/// past the end pad (padded input [-1, 5)). Without count_include_pad the
/// windows count 2, 3 and 1 positions, with it 3, 3 and 2 (not 3). Every
/// element is 120 (zero point 0) and the rescale the identity, so the
/// output is 120 * inside / count.
TEST(CUDAOps, AvgPoolCounts) {
  cuda::ConvShape s = makeShape(1, 1, 1, makeAxis(1, 1, 1, 0, 0, 1),
                                makeAxis(4, 3, 2, 1, 1, 1, 1));
  ASSERT_EQ(s.outW, 3);
  Buffer<int8_t> x(4, 120), y(3, 0);
  for (bool includePad : {false, true}) {
    cuda::AvgPoolParams p{
        0, 1,    includePad, 0, 1 << 30, 30, cuda::RoundingMode::nearest_even,
        0, -128, 127};
    ASSERT_EQ(cuda::avgPool2d(s, x.get(), y.get(), p, 0), cudaSuccess);
    std::vector<int8_t> expected = includePad
                                       ? std::vector<int8_t>{80, 120, 60}
                                       : std::vector<int8_t>{120, 120, 120};
    EXPECT_EQ(y.read(), expected) << includePad;
  }
  cuda::AvgPoolParams p{
      0, 0,    false, 0, 1 << 30, 30, cuda::RoundingMode::nearest_even,
      0, -128, 127};
  s.dilationW = 2;
  EXPECT_EQ(cuda::avgPool2d(s, x.get(), y.get(), p, 0), cudaErrorInvalidValue);
  s.dilationW = 1;
  s.outChannels = 2;
  EXPECT_EQ(cuda::avgPool2d(s, x.get(), y.get(), p, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cuda::maxPool2d(s, x.get(), y.get(), 0), cudaErrorInvalidValue);
}

TEST(CUDAOps, GlobalAvgPool) {
  for (int64_t pixels : {1, 7, 49, 3136})
    for (qnn::RoundingMode mode : kDivisionModes) {
      int batch = 2, channels = 5;
      Rescale r = randomRescale(kDivisionModes);
      r.mode = mode;
      if (uniform(0, 1)) {
        r.multiplier = 1 << 30;
        r.shift = 30;
      }
      auto zp = static_cast<int32_t>(uniform(-128, 127));
      std::vector<int8_t> x = randomBytes(batch * pixels * channels);
      if (pixels == 49) { // a channel of -128s against zp 127
        zp = 127;
        for (int64_t i = 0; i < pixels; ++i)
          x[i * channels] = -128;
      }
      Buffer<int8_t> xb(x), y(batch * channels, 0);
      cuda::AvgPoolParams p{
          5,    5,     true, zp, r.multiplier, r.shift, toCuda(mode),
          r.zp, r.min, r.max};
      ASSERT_EQ(
          cuda::globalAvgPool(batch, pixels, channels, xb.get(), y.get(), p, 0),
          cudaSuccess);
      std::vector<int8_t> got = y.read();
      for (int n = 0; n < batch; ++n)
        for (int c = 0; c < channels; ++c) {
          int64_t sum = 0;
          for (int64_t i = 0; i < pixels; ++i)
            sum += x[(n * pixels + i) * channels + c] - zp;
          ASSERT_EQ(got[n * channels + c], referenceAverage(sum, pixels, r))
              << pixels << " pixels, " << n << " " << c;
        }
    }
  Buffer<int8_t> x(4, 0), y(4, 0);
  cuda::AvgPoolParams p{
      0, 0, false, 0, 1, 0, cuda::RoundingMode::nearest_even, 0, -128, 127};
  EXPECT_EQ(cuda::globalAvgPool(1, 0, 4, x.get(), y.get(), p, 0),
            cudaErrorInvalidValue);
}

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

/// A qnn.conv in NHWC with OHWI weights [outChannels][kh][kw][channels /
/// groups]: its i32 accumulators [m][oc], computed directly from the op's
/// definition (padding holds the input zero point, i.e. adds 0).
std::vector<int32_t> referenceConv(const cuda::ConvShape &s, int groups,
                                   const std::vector<int8_t> &x,
                                   int32_t inputZp,
                                   const std::vector<int8_t> &w,
                                   const std::vector<int32_t> &bias,
                                   const std::vector<int32_t> &weightZps) {
  int groupChannels = s.channels / groups;
  int groupOut = s.outChannels / groups;
  std::vector<int32_t> acc(s.gemmM() * s.outChannels);
  for (int n = 0; n < s.batch; ++n)
    for (int oh = 0; oh < s.outH; ++oh)
      for (int ow = 0; ow < s.outW; ++ow)
        for (int oc = 0; oc < s.outChannels; ++oc) {
          int g = oc / groupOut;
          int32_t wzp = weightZps[weightZps.size() == 1 ? 0 : oc];
          int64_t sum = bias.empty() ? 0 : bias[oc];
          for (int kh = 0; kh < s.kernelH; ++kh)
            for (int kw = 0; kw < s.kernelW; ++kw) {
              int ih = oh * s.strideH - s.padTop + kh * s.dilationH;
              int iw = ow * s.strideW - s.padLeft + kw * s.dilationW;
              bool inside = ih >= 0 && ih < s.height && iw >= 0 && iw < s.width;
              for (int c = 0; c < groupChannels; ++c) {
                int64_t xv =
                    inside ? x[((int64_t(n) * s.height + ih) * s.width + iw) *
                                   s.channels +
                               g * groupChannels + c]
                           : inputZp;
                int64_t wv =
                    w[((int64_t(oc) * s.kernelH + kh) * s.kernelW + kw) *
                          groupChannels +
                      c];
                sum += (xv - inputZp) * (wv - wzp);
              }
            }
          int64_t m = (int64_t(n) * s.outH + oh) * s.outW + ow;
          acc[m * s.outChannels + oc] = static_cast<int32_t>(sum);
        }
  return acc;
}

/// A convolution's operands and the epilogue parameters its layers use.
struct ConvCase {
  cuda::ConvShape s;
  int groups;
  std::vector<int8_t> x, w;
  int32_t inputZp;
  std::vector<int32_t> bias, weightZps, folded;
  std::vector<int32_t> multipliers, shifts;
  Rescale r;
  std::vector<int32_t> acc; // the reference accumulators

  ConvCase(const cuda::ConvShape &shape, int groups, bool perChannelZp,
           qnn::RoundingMode mode)
      : s(shape), groups(groups) {
    int64_t k = int64_t(s.kernelH) * s.kernelW * (s.channels / groups);
    x = randomBytes(int64_t(s.batch) * s.height * s.width * s.channels);
    w = randomBytes(s.outChannels * k);
    inputZp = static_cast<int32_t>(uniform(-128, 127));
    for (int oc = 0; oc < s.outChannels; ++oc) {
      bias.push_back(static_cast<int32_t>(uniform(-5000, 5000)));
      multipliers.push_back(
          static_cast<int32_t>(uniform(int64_t(1) << 30, INT32_MAX)));
      shifts.push_back(static_cast<int32_t>(uniform(34, 44)));
    }
    for (int oc = 0; oc < (perChannelZp ? s.outChannels : 1); ++oc)
      weightZps.push_back(static_cast<int32_t>(uniform(-128, 127)));
    r = randomRescale(kAllModes);
    r.mode = mode;
    // The emitter's fold: each output channel's filter is its B^T row of
    // k = kernelH * kernelW * channels / groups.
    folded.resize(s.outChannels);
    cuda::foldBiases(w.data(), s.outChannels, k, bias.data(), inputZp,
                     weightZps.data(), perChannelZp, folded.data());
    acc = referenceConv(s, groups, x, inputZp, w, bias, weightZps);
  }

  /// The epilogues on `foldedBias` / `zps` / params in device memory.
  cuda::AccumulatorEpilogue<true> accumulator(const int32_t *foldedBias,
                                              const int32_t *zps,
                                              int32_t *out) const {
    cuda::AccumulatorEpilogue<true> e;
    e.foldedBias = foldedBias;
    e.bZeroPoints = zps;
    e.perColumnZeroPoint = weightZps.size() > 1;
    e.out = out;
    e.ldOut = s.outChannels;
    return e;
  }
  template <bool kZps>
  cuda::RequantizeEpilogue<kZps>
  requantize(const int32_t *foldedBias, const int32_t *zps,
             const int32_t *multiplierData, const int32_t *shiftData,
             int8_t *out) const {
    cuda::RequantizeEpilogue<kZps> e;
    e.foldedBias = foldedBias;
    e.bZeroPoints = zps;
    e.perColumnZeroPoint = weightZps.size() > 1;
    e.multipliers = multiplierData;
    e.shifts = shiftData;
    e.perColumnScale = true;
    e.rounding = toCuda(r.mode);
    e.outputZeroPoint = r.zp;
    e.min = r.min;
    e.max = r.max;
    e.out = out;
    e.ldOut = s.outChannels;
    return e;
  }
  int8_t requantized(int64_t i) const {
    int oc = static_cast<int>(i % s.outChannels);
    return static_cast<int8_t>(qnn::requantize(
        acc[i], multipliers[oc], shifts[oc], r.mode, r.zp, r.min, r.max));
  }
};

/// Runs `launch(epilogue)` with AccumulatorEpilogue<true> and
/// RequantizeEpilogue<true> and compares with the reference.
template <class Launch>
void checkConv(const ConvCase &t, const Launch &launch,
               const std::string &what) {
  Buffer<int32_t> folded(t.folded), zps(t.weightZps), m(t.multipliers),
      sh(t.shifts);
  Buffer<int32_t> acc(t.acc.size(), 0x55555555);
  ASSERT_EQ(launch(t.accumulator(folded.get(), zps.get(), acc.get())),
            cudaSuccess)
      << what;
  EXPECT_EQ(acc.read(), t.acc) << what;
  Buffer<int8_t> y(t.acc.size(), 0x55);
  ASSERT_EQ(launch(t.template requantize<true>(folded.get(), zps.get(), m.get(),
                                               sh.get(), y.get())),
            cudaSuccess)
      << what;
  std::vector<int8_t> got = y.read();
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_EQ(got[i], t.requantized(i)) << what << " element " << i;
}

struct ConvGeometry {
  int batch, channels, outChannels, groups;
  Axis h, w;
};

std::vector<ConvGeometry> directGeometries() {
  return {
      // Odd channels, groups 1: the first layer of an image model (3
      // channels, 3 x 3 stride 2 pad 1) and 1 channel.
      {2, 3, 8, 1, makeAxis(9, 3, 2, 1, 1, 1), makeAxis(8, 3, 2, 1, 1, 1)},
      {1, 1, 5, 1, makeAxis(6, 3, 1, 1, 1, 1), makeAxis(7, 2, 1, 0, 1, 1)},
      // 8 channels (not a tensor-core multiple), dilation 2, padding 2.
      {1, 8, 6, 1, makeAxis(7, 3, 1, 2, 2, 2), makeAxis(8, 3, 2, 2, 2, 2)},
      // Groups 2, asymmetric pads.
      {2, 6, 4, 2, makeAxis(6, 3, 2, 1, 0, 1), makeAxis(5, 2, 1, 0, 1, 1)},
      // Depthwise (groups = channels), odd channel count, stride 2,
      // dilation 2; and a depthwise multiplier of 2.
      {1, 3, 3, 3, makeAxis(9, 3, 2, 2, 2, 2), makeAxis(9, 3, 1, 1, 1, 1)},
      {1, 5, 10, 5, makeAxis(6, 5, 1, 2, 2, 1), makeAxis(6, 5, 2, 2, 2, 1)},
      // A 1 x 1 product with odd K.
      {3, 7, 9, 1, makeAxis(4, 1, 1, 0, 0, 1), makeAxis(5, 1, 1, 0, 0, 1)},
  };
}

TEST(CUDAOps, DirectConv) {
  for (const ConvGeometry &g : directGeometries())
    for (bool perChannelZp : {false, true})
      for (qnn::RoundingMode mode : kAllModes) {
        ConvCase t(makeShape(g.batch, g.channels, g.outChannels, g.h, g.w),
                   g.groups, perChannelZp, mode);
        Buffer<int8_t> x(t.x), w(t.w);
        checkConv(
            t,
            [&](const auto &epilogue) {
              return cuda::launchDirectConv2d(t.s, g.groups, x.get(), t.inputZp,
                                              w.get(), epilogue, 0);
            },
            "direct conv: " + std::to_string(g.channels) + " channels, " +
                std::to_string(g.groups) + " groups");
      }
}

/// Symmetric weights: RequantizeEpilogue<false> (no sumA) and a residual
/// qnn.add fused in, through the direct convolution.
TEST(CUDAOps, DirectConvSymmetricWithResidual) {
  ConvGeometry g = directGeometries()[3];
  ConvCase t(makeShape(g.batch, g.channels, g.outChannels, g.h, g.w), g.groups,
             false, qnn::RoundingMode::nearest_even);
  t.weightZps = {0};
  t.acc = referenceConv(t.s, g.groups, t.x, t.inputZp, t.w, t.bias, {0});
  int64_t k = int64_t(t.s.kernelH) * t.s.kernelW * (t.s.channels / g.groups);
  cuda::foldBiases(t.w.data(), t.s.outChannels, k, t.bias.data(), t.inputZp,
                   nullptr, false, t.folded.data());
  std::vector<int8_t> residual = randomBytes(t.acc.size());
  Buffer<int8_t> x(t.x), w(t.w), res(residual), y(t.acc.size(), 0);
  Buffer<int32_t> folded(t.folded), m(t.multipliers), sh(t.shifts);
  auto e =
      t.requantize<false>(folded.get(), nullptr, m.get(), sh.get(), y.get());
  e.residual = res.get();
  e.ldResidual = t.s.outChannels;
  e.addAZeroPoint = 3;
  e.addBZeroPoint = -5;
  e.addAMultiplier = 1 << 29;
  e.addBMultiplier = -(1 << 28);
  e.addShift = 30;
  e.addOutputZeroPoint = -2;
  e.addMin = 0;
  ASSERT_EQ(cuda::launchDirectConv2d(t.s, g.groups, x.get(), t.inputZp, w.get(),
                                     e, 0),
            cudaSuccess);
  std::vector<int8_t> got = y.read();
  for (size_t i = 0; i < got.size(); ++i) {
    int64_t a = t.requantized(i) - 3, b = residual[i] + 5;
    int8_t expected = static_cast<int8_t>(
        qnn::requantize(a * (1 << 29) - b * (1 << 28), 1, 30,
                        qnn::RoundingMode::nearest_even, -2, 0, 127));
    ASSERT_EQ(got[i], expected) << i;
  }
}

TEST(CUDAOps, DirectConvChecks) {
  cuda::ConvShape s = makeShape(1, 6, 4, makeAxis(4, 3, 1, 1, 1, 1),
                                makeAxis(4, 3, 1, 1, 1, 1));
  cuda::AccumulatorEpilogue<false> e;
  Buffer<int8_t> x(96, 0), w(4 * 9 * 6, 0);
  Buffer<int32_t> y(64, 0);
  e.out = y.get();
  e.ldOut = 4;
  EXPECT_EQ(cuda::launchDirectConv2d(s, 1, x.get(), 0, w.get(), e, 0),
            cudaSuccess);
  EXPECT_EQ(cuda::launchDirectConv2d(s, 2, x.get(), 0, w.get(), e, 0),
            cudaSuccess);
  EXPECT_EQ(cuda::launchDirectConv2d(s, 0, x.get(), 0, w.get(), e, 0),
            cudaErrorInvalidValue);
  EXPECT_EQ(cuda::launchDirectConv2d(s, 4, x.get(), 0, w.get(), e, 0),
            cudaErrorInvalidValue); // 6 channels
  EXPECT_EQ(cuda::launchDirectConv2d(s, 3, x.get(), 0, w.get(), e, 0),
            cudaErrorInvalidValue); // 4 output channels
  cuda::ConvShape bad = s;
  bad.strideW = 0;
  EXPECT_EQ(cuda::launchDirectConv2d(bad, 1, x.get(), 0, w.get(), e, 0),
            cudaErrorInvalidValue);
  bad = s;
  bad.dilationH = 0;
  EXPECT_EQ(cuda::launchDirectConv2d(bad, 1, x.get(), 0, w.get(), e, 0),
            cudaErrorInvalidValue);
}

//===----------------------------------------------------------------------===//
// The host launchers
//===----------------------------------------------------------------------===//

TEST(CUDAHost, Conv2d) {
  const ConvGeometry geometries[] = {
      {2, 16, 24, 1, makeAxis(9, 3, 2, 1, 1, 1), makeAxis(8, 3, 2, 1, 1, 1)},
      {1, 32, 8, 1, makeAxis(7, 3, 1, 2, 2, 2), makeAxis(6, 1, 1, 0, 0, 1)},
  };
  using Tile = cuda::GemmTile<64, 64, 64, 32, 32, 3>;
  for (const ConvGeometry &g : geometries)
    for (bool perChannelZp : {false, true})
      for (qnn::RoundingMode mode : kAllModes) {
        ConvCase t(makeShape(g.batch, g.channels, g.outChannels, g.h, g.w), 1,
                   perChannelZp, mode);
        Buffer<int8_t> x(t.x), w(t.w);
        checkConv(
            t,
            [&](const auto &epilogue) {
              return cuda::launchConv2d<Tile>(t.s, x.get(), t.inputZp, w.get(),
                                              epilogue, 0);
            },
            "launchConv2d");
        // The default tile, and the direct convolution on the same case.
        checkConv(
            t,
            [&](const auto &epilogue) {
              return cuda::launchConv2d(t.s, x.get(), t.inputZp, w.get(),
                                        epilogue);
            },
            "launchConv2d, default tile");
        checkConv(
            t,
            [&](const auto &epilogue) {
              return cuda::launchDirectConv2d(t.s, 1, x.get(), t.inputZp,
                                              w.get(), epilogue, 0);
            },
            "launchDirectConv2d on a tensor-core case");
      }
}

TEST(CUDAHost, Gemm) {
  // A [m][k] with a padded row stride, B^T [n][k]: qnn.matmul's
  // accumulator is a 1 x 1 convolution over an m x 1 image.
  const int64_t m = 37, n = 45, k = 48, lda = 64;
  for (bool perColumnZp : {false, true})
    for (qnn::RoundingMode mode : kAllModes) {
      ConvCase t(makeShape(1, static_cast<int>(k), static_cast<int>(n),
                           makeAxis(static_cast<int>(m), 1, 1, 0, 0, 1),
                           makeAxis(1, 1, 1, 0, 0, 1)),
                 1, perColumnZp, mode);
      std::vector<int8_t> a(m * lda, 99); // bytes past k are never read
      for (int64_t i = 0; i < m; ++i)
        std::copy(t.x.begin() + i * k, t.x.begin() + (i + 1) * k,
                  a.begin() + i * lda);
      Buffer<int8_t> ab(a), w(t.w);
      checkConv(
          t,
          [&](const auto &epilogue) {
            return cuda::launchGemm<cuda::DefaultGemmTile>(
                ab.get(), lda, w.get(), k, m, n, k, epilogue, 0);
          },
          "launchGemm");
    }
}

TEST(CUDAHost, DepthwiseConv2d) {
  const ConvGeometry geometries[] = {
      {2, 8, 8, 8, makeAxis(9, 3, 2, 1, 1, 1), makeAxis(8, 3, 2, 1, 1, 1)},
      {1, 12, 12, 12, makeAxis(7, 5, 1, 2, 2, 1), makeAxis(9, 3, 1, 2, 2, 2)},
      {1, 4, 4, 4, makeAxis(5, 2, 1, 0, 1, 1), makeAxis(5, 1, 1, 0, 0, 1)},
  };
  for (const ConvGeometry &g : geometries)
    for (bool perChannelZp : {false, true})
      for (qnn::RoundingMode mode : kAllModes) {
        ConvCase t(makeShape(g.batch, g.channels, g.outChannels, g.h, g.w),
                   g.groups, perChannelZp, mode);
        // OHWI [c][taps][1] -> HWC, then packed.
        int taps = t.s.kernelH * t.s.kernelW;
        std::vector<int8_t> hwc(t.w.size());
        for (int c = 0; c < g.channels; ++c)
          for (int tap = 0; tap < taps; ++tap)
            hwc[int64_t(tap) * g.channels + c] = t.w[int64_t(c) * taps + tap];
        std::vector<uint32_t> packed(cuda::depthwiseTapGroups(taps) *
                                     g.channels);
        cuda::packDepthwiseWeights(hwc.data(), taps, g.channels, packed.data());
        Buffer<int8_t> x(t.x);
        Buffer<uint32_t> p(packed);
        checkConv(
            t,
            [&](const auto &epilogue) {
              return cuda::launchDepthwiseConv2d(t.s, x.get(), t.inputZp,
                                                 p.get(), epilogue, 0);
            },
            "launchDepthwiseConv2d");
      }
}

TEST(CUDAHost, LauncherChecks) {
  cuda::ConvShape s = makeShape(1, 16, 16, makeAxis(4, 3, 1, 1, 1, 1),
                                makeAxis(4, 3, 1, 1, 1, 1));
  Buffer<int8_t> x(1024, 0), w(16 * 9 * 16 + 16, 0);
  Buffer<int32_t> y(256, 0);
  Buffer<uint32_t> packed(64, 0);
  cuda::AccumulatorEpilogue<false> e;
  e.out = y.get();
  e.ldOut = 16;
  EXPECT_EQ(cuda::launchConv2d(s, x.get(), 0, w.get(), e), cudaSuccess);
  cuda::ConvShape bad = s;
  bad.channels = 8; // not a multiple of 16
  EXPECT_EQ(cuda::launchConv2d(bad, x.get(), 0, w.get(), e),
            cudaErrorInvalidValue);
  EXPECT_EQ(cuda::launchConv2d(s, x.get() + 1, 0, w.get(), e),
            cudaErrorInvalidValue);
  EXPECT_EQ(cuda::launchConv2d(s, x.get(), 0, w.get() + 8, e),
            cudaErrorInvalidValue);
  bad = s;
  bad.strideH = 0;
  EXPECT_EQ(cuda::launchConv2d(bad, x.get(), 0, w.get(), e),
            cudaErrorInvalidValue);
  bad = s;
  bad.dilationW = 0;
  EXPECT_EQ(cuda::launchConv2d(bad, x.get(), 0, w.get(), e),
            cudaErrorInvalidValue);

  EXPECT_EQ(cuda::launchGemm(x.get(), 16, w.get(), 16, 4, 4, 16, e),
            cudaSuccess);
  EXPECT_EQ(cuda::launchGemm(x.get(), 32, w.get(), 32, 4, 4, 24, e),
            cudaErrorInvalidValue); // k
  EXPECT_EQ(cuda::launchGemm(x.get(), 24, w.get(), 32, 4, 4, 16, e),
            cudaErrorInvalidValue); // lda
  EXPECT_EQ(cuda::launchGemm(x.get(), 32, w.get(), 20, 4, 4, 16, e),
            cudaErrorInvalidValue); // ldb
  EXPECT_EQ(cuda::launchGemm(x.get() + 4, 32, w.get(), 32, 4, 4, 16, e),
            cudaErrorInvalidValue);
  EXPECT_EQ(cuda::launchGemm(x.get(), 32, w.get() + 4, 32, 4, 4, 16, e),
            cudaErrorInvalidValue);

  EXPECT_EQ(cuda::launchDepthwiseConv2d(s, x.get(), 0, packed.get(), e),
            cudaSuccess);
  EXPECT_EQ(cuda::launchDepthwiseConv2d(s, x.get() + 4, 0, packed.get(), e),
            cudaSuccess); // 4-byte alignment suffices for x
  EXPECT_EQ(cuda::launchDepthwiseConv2d(s, x.get() + 2, 0, packed.get(), e),
            cudaErrorInvalidValue);
  EXPECT_EQ(cuda::launchDepthwiseConv2d(s, x.get(), 0, packed.get() + 1, e),
            cudaErrorInvalidValue);
  bad = s;
  bad.channels = bad.outChannels = 6;
  EXPECT_EQ(cuda::launchDepthwiseConv2d(bad, x.get(), 0, packed.get(), e),
            cudaErrorInvalidValue);
  bad = s;
  bad.strideW = 0;
  EXPECT_EQ(cuda::launchDepthwiseConv2d(bad, x.get(), 0, packed.get(), e),
            cudaErrorInvalidValue);
}

} // namespace
