//===- gemm_check.cu - GPU self-test of the CUDA back end's kernels -------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Runs the kernels of lib/Target/CUDA/runtime on random data and compares
// every output with a naive CPU reference: the int8 GEMM and the
// implicit-GEMM convolution (raw accumulators and input sums, then the
// fused requantize epilogue with zero points, per-channel scales, every
// rounding mode and a residual add) on ragged shapes, and the dp4a
// depthwise convolution, and the 2:4-sparse GEMM and convolution
// (whittle_cuda_sparse.cuh) on random 2:4 weights against the same
// reference (raw accumulators and input sums, then the requantize
// epilogue). Prints one PASS or FAIL line per case and exits 1 on any
// failure. With --bench it also times an M x N x K GEMM (default 4096^3)
// with int32 output, for bench/gpu/gemm_vs_torch.py to set against
// torch._int_mm; with --bench-sparse it times ResNet-50's 3x3
// convolutions at batch 256 dense and 2:4 sparse (requantized int8 output)
// and prints a table with their ratio.
//
// Without a usable GPU (cudaGetDeviceCount fails or finds none) it prints
// "no CUDA device" and exits 0, so that CI, which has no GPU, can build
// and run it (test/Target/CUDA/gemm-check.test).
//
//   nvcc -std=c++17 -O3 -arch=sm_80 -Ilib/Target/CUDA/runtime
//     -Ilib/Target/HLSCpp/runtime bench/gpu/gemm_check.cu -o gemm_check
//   ./gemm_check [--bench [M N K]] [--bench-sparse]
//
//===----------------------------------------------------------------------===//

#include "whittle_cuda_depthwise.cuh"
#include "whittle_cuda_gemm.cuh"
#include "whittle_cuda_sparse.cuh"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace whittle_cuda;

namespace {

/// Raw accumulators and input sums, as the mainloops produce them.
struct RawEpilogue {
  static constexpr bool kNeedsSumA = true;
  int32_t *raw, *sumA;
  int64_t ld;
  __host__ __device__ void operator()(int64_t m, int n, int32_t acc,
                                      int32_t sum) const {
    raw[m * ld + n] = acc;
    sumA[m * ld + n] = sum;
  }
};

/// A device copy of a host vector, freed at scope exit.
template <class T> struct DeviceBuffer {
  T *data = nullptr;
  explicit DeviceBuffer(const std::vector<T> &host) {
    if (cudaMalloc(&data, host.size() * sizeof(T) + 16) == cudaSuccess)
      cudaMemcpy(data, host.data(), host.size() * sizeof(T),
                 cudaMemcpyHostToDevice);
  }
  ~DeviceBuffer() { cudaFree(data); }
  std::vector<T> read(size_t size) const {
    std::vector<T> host(size);
    cudaMemcpy(host.data(), data, size * sizeof(T), cudaMemcpyDeviceToHost);
    return host;
  }
};

std::mt19937_64 generator(2026);

int64_t uniform(int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(generator);
}

std::vector<int8_t> randomBytes(size_t size) {
  std::vector<int8_t> bytes(size);
  for (int8_t &b : bytes)
    b = static_cast<int8_t>(uniform(-128, 127));
  return bytes;
}

/// Random weights [n][k], 2:4 sparse along k: in every group of four, 0, 1
/// or 2 random non-zero bytes at random positions.
std::vector<int8_t> randomSparse(int64_t n, int64_t k) {
  std::vector<int8_t> w(n * k, 0);
  for (int64_t row = 0; row < n; ++row)
    for (int64_t g = 0; 4 * g < k; ++g) {
      int64_t keep = uniform(0, 2), first = uniform(0, 3);
      int64_t second = (first + uniform(1, 3)) % 4;
      for (int64_t p : {first, second})
        if (keep-- > 0 && 4 * g + p < k) {
          int64_t v = uniform(-128, 126);
          w[row * k + 4 * g + p] = static_cast<int8_t>(v >= 0 ? v + 1 : v);
        }
    }
  return w;
}

/// 2:4 weights compressed by compressSparse24, on the device.
struct SparseWeights {
  std::vector<int8_t> values;
  std::vector<uint32_t> metadata;
  bool ok;
  SparseWeights(const std::vector<int8_t> &w, int64_t n, int64_t k)
      : values(sparseValueBytes(n, k)), metadata(sparseMetadataWords(n, k)) {
    ok = compressSparse24(w.data(), n, k, values.data(), metadata.data());
  }
};

int failures = 0;

void report(const std::string &name, int64_t mismatches, int64_t total) {
  if (mismatches)
    ++failures;
  std::printf("%s %s (%lld of %lld outputs differ)\n",
              mismatches ? "FAIL" : "PASS", name.c_str(),
              static_cast<long long>(mismatches),
              static_cast<long long>(total));
}

bool check(cudaError_t error, const char *what) {
  if (error == cudaSuccess)
    error = cudaDeviceSynchronize();
  if (error != cudaSuccess) {
    std::printf("FAIL %s: %s\n", what, cudaGetErrorString(error));
    ++failures;
    return false;
  }
  return true;
}

/// The requantize epilogue's parameters on the host, with random zero
/// points, per-column scales, rounding mode and residual.
struct EpilogueData {
  std::vector<int32_t> folded, bZp, multipliers, shifts;
  std::vector<int8_t> residual;
  RequantizeEpilogue<true> host;

  EpilogueData(const std::vector<int8_t> &bT, int64_t m, int64_t n, int64_t k,
               int32_t aZp, bool weightZeroPoints = true) {
    std::vector<int32_t> bias(n);
    bZp.resize(n);
    multipliers.resize(n);
    shifts.resize(n);
    for (int64_t j = 0; j < n; ++j) {
      bias[j] = static_cast<int32_t>(uniform(-(1 << 16), 1 << 16));
      bZp[j] = weightZeroPoints ? static_cast<int32_t>(uniform(-20, 20)) : 0;
      multipliers[j] = static_cast<int32_t>(uniform(1 << 30, INT32_MAX));
      shifts[j] = static_cast<int32_t>(uniform(38, 46));
    }
    folded.resize(n);
    foldBiases(bT.data(), n, k, bias.data(), aZp, bZp.data(), true,
               folded.data());
    residual = randomBytes(m * n);
    host.perColumnZeroPoint = host.perColumnScale = true;
    host.rounding = static_cast<RoundingMode>(uniform(0, 3));
    host.outputZeroPoint = static_cast<int32_t>(uniform(-10, 10));
    host.min = -100;
    host.max = 120;
    host.ldResidual = host.ldOut = n;
    host.addAZeroPoint = 3;
    host.addBZeroPoint = -7;
    host.addAMultiplier = 1 << 20;
    host.addBMultiplier = -(1 << 19);
    host.addShift = 21;
    host.addRounding = RoundingMode::half_away;
    bindHost();
  }
  void bindHost() {
    host.foldedBias = folded.data();
    host.bZeroPoints = bZp.data();
    host.multipliers = multipliers.data();
    host.shifts = shifts.data();
    host.residual = residual.data();
  }
};

/// The same epilogue over device copies of its arrays.
struct DeviceEpilogue {
  DeviceBuffer<int32_t> folded, bZp, multipliers, shifts;
  DeviceBuffer<int8_t> residual, out;
  RequantizeEpilogue<true> epilogue;
  DeviceEpilogue(const EpilogueData &d, size_t outputs)
      : folded(d.folded), bZp(d.bZp), multipliers(d.multipliers),
        shifts(d.shifts), residual(d.residual),
        out(std::vector<int8_t>(outputs)) {
    epilogue = d.host;
    epilogue.foldedBias = folded.data;
    epilogue.bZeroPoints = bZp.data;
    epilogue.multipliers = multipliers.data;
    epilogue.shifts = shifts.data;
    epilogue.residual = residual.data;
    epilogue.out = out.data;
  }
};

/// Compares raw, sumA and the requantized output of an M x N product
/// with the reference raw sums `raw`/`sumA` (the host epilogue gives the
/// expected int8).
void compare(const std::string &name, const std::vector<int32_t> &raw,
             const std::vector<int32_t> &sumA,
             const std::vector<int32_t> &gotRaw,
             const std::vector<int32_t> &gotSumA,
             const std::vector<int8_t> &gotOut, const EpilogueData &data,
             int64_t m, int64_t n) {
  int64_t rawBad = 0, outBad = 0;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      int64_t at = i * n + j;
      rawBad += gotRaw[at] != raw[at] || gotSumA[at] != sumA[at];
      outBad += gotOut[at] !=
                data.host.value(i, static_cast<int>(j), raw[at], sumA[at]);
    }
  report(name + " raw accumulators and input sums", rawBad, m * n);
  report(name + " requantized with residual", outBad, m * n);
}

void checkGemm(int64_t m, int64_t n, int64_t k) {
  std::vector<int8_t> a = randomBytes(m * k), bT = randomBytes(n * k);
  std::vector<int32_t> raw(m * n), sumA(m * n);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      uint32_t acc = 0, sum = 0;
      for (int64_t x = 0; x < k; ++x) {
        acc += static_cast<uint32_t>(int32_t(a[i * k + x]) * bT[j * k + x]);
        sum += static_cast<uint32_t>(int32_t(a[i * k + x]));
      }
      raw[i * n + j] = static_cast<int32_t>(acc);
      sumA[i * n + j] = static_cast<int32_t>(sum);
    }
  EpilogueData data(bT, m, n, k, static_cast<int32_t>(uniform(-128, 127)));
  DeviceBuffer<int8_t> dA(a), dB(bT);
  DeviceBuffer<int32_t> dRaw(raw), dSum(sumA);
  DeviceEpilogue device(data, m * n);
  std::string name = "gemm " + std::to_string(m) + "x" + std::to_string(n) +
                     "x" + std::to_string(k);
  if (!check(launchGemm(dA.data, k, dB.data, k, m, n, k,
                        RawEpilogue{dRaw.data, dSum.data, n}),
             name.c_str()) ||
      !check(launchGemm(dA.data, k, dB.data, k, m, n, k, device.epilogue),
             name.c_str()))
    return;
  compare(name, raw, sumA, dRaw.read(m * n), dSum.read(m * n),
          device.out.read(m * n), data, m, n);
}

void checkConv(ConvShape s, int padBottom, int padRight) {
  s.outH = convOutputSize(s.height, s.kernelH, s.strideH, s.padTop, padBottom,
                          s.dilationH);
  s.outW = convOutputSize(s.width, s.kernelW, s.strideW, s.padLeft, padRight,
                          s.dilationW);
  int64_t m = s.gemmM(), n = s.outChannels, k = s.gemmK();
  int32_t xZp = static_cast<int32_t>(uniform(-128, 127));
  std::vector<int8_t> x = randomBytes(int64_t(s.batch) * s.height * s.width *
                                      s.channels),
                      w = randomBytes(n * k);
  // The reference: the direct NHWC/OHWI definition, padding = xZp.
  std::vector<int32_t> raw(m * n), sumA(m * n);
  for (int64_t p = 0; p < m; ++p) {
    int ow = static_cast<int>(p % s.outW),
        oh = static_cast<int>(p / s.outW % s.outH);
    int64_t b = p / (int64_t(s.outW) * s.outH);
    for (int64_t oc = 0; oc < n; ++oc) {
      uint32_t acc = 0, sum = 0;
      for (int kh = 0; kh < s.kernelH; ++kh)
        for (int kw = 0; kw < s.kernelW; ++kw)
          for (int c = 0; c < s.channels; ++c) {
            int ih = oh * s.strideH - s.padTop + kh * s.dilationH;
            int iw = ow * s.strideW - s.padLeft + kw * s.dilationW;
            int32_t xv =
                ih >= 0 && ih < s.height && iw >= 0 && iw < s.width
                    ? x[((b * s.height + ih) * s.width + iw) * s.channels + c]
                    : xZp;
            int32_t wv =
                w[oc * k + (int64_t(kh) * s.kernelW + kw) * s.channels + c];
            acc += static_cast<uint32_t>(xv * wv);
            sum += static_cast<uint32_t>(xv);
          }
      raw[p * n + oc] = static_cast<int32_t>(acc);
      sumA[p * n + oc] = static_cast<int32_t>(sum);
    }
  }
  EpilogueData data(w, m, n, k, xZp);
  DeviceBuffer<int8_t> dX(x), dW(w);
  DeviceBuffer<int32_t> dRaw(raw), dSum(sumA);
  DeviceEpilogue device(data, m * n);
  char name[160];
  std::snprintf(name, sizeof name,
                "conv %dx%dx%dx%d k%dx%d oc%d stride %d,%d pad %d,%d "
                "dilation %d,%d",
                s.batch, s.height, s.width, s.channels, s.kernelH, s.kernelW,
                s.outChannels, s.strideH, s.strideW, s.padTop, s.padLeft,
                s.dilationH, s.dilationW);
  if (!check(launchConv2d(s, dX.data, xZp, dW.data,
                          RawEpilogue{dRaw.data, dSum.data, n}),
             name) ||
      !check(launchConv2d(s, dX.data, xZp, dW.data, device.epilogue), name))
    return;
  compare(name, raw, sumA, dRaw.read(m * n), dSum.read(m * n),
          device.out.read(m * n), data, m, n);
}

void checkDepthwise(ConvShape s, int padBottom, int padRight) {
  s.outChannels = s.channels;
  s.outH = convOutputSize(s.height, s.kernelH, s.strideH, s.padTop, padBottom,
                          s.dilationH);
  s.outW = convOutputSize(s.width, s.kernelW, s.strideW, s.padLeft, padRight,
                          s.dilationW);
  int taps = s.kernelH * s.kernelW;
  int64_t m = s.gemmM(), n = s.channels;
  int32_t xZp = static_cast<int32_t>(uniform(-128, 127));
  std::vector<int8_t> x = randomBytes(int64_t(s.batch) * s.height * s.width *
                                      s.channels),
                      w = randomBytes(int64_t(taps) * n);
  std::vector<uint32_t> packed(int64_t(depthwiseTapGroups(taps)) * n);
  packDepthwiseWeights(w.data(), taps, s.channels, packed.data());
  std::vector<int8_t> wT(w.size()); // each channel's taps: its B^T row
  std::vector<int32_t> raw(m * n), sumA(m * n);
  for (int t = 0; t < taps; ++t)
    for (int64_t c = 0; c < n; ++c)
      wT[c * taps + t] = w[t * n + c];
  for (int64_t p = 0; p < m; ++p) {
    int ow = static_cast<int>(p % s.outW),
        oh = static_cast<int>(p / s.outW % s.outH);
    int64_t b = p / (int64_t(s.outW) * s.outH);
    for (int64_t c = 0; c < n; ++c) {
      uint32_t acc = 0, sum = 0;
      for (int t = 0; t < taps; ++t) {
        int ih = oh * s.strideH - s.padTop + (t / s.kernelW) * s.dilationH;
        int iw = ow * s.strideW - s.padLeft + (t % s.kernelW) * s.dilationW;
        int32_t xv =
            ih >= 0 && ih < s.height && iw >= 0 && iw < s.width
                ? x[((b * s.height + ih) * s.width + iw) * s.channels + c]
                : xZp;
        acc += static_cast<uint32_t>(xv * w[t * n + c]);
        sum += static_cast<uint32_t>(xv);
      }
      raw[p * n + c] = static_cast<int32_t>(acc);
      sumA[p * n + c] = static_cast<int32_t>(sum);
    }
  }
  EpilogueData data(wT, m, n, taps, xZp);
  DeviceBuffer<int8_t> dX(x);
  DeviceBuffer<uint32_t> dW(packed);
  DeviceBuffer<int32_t> dRaw(raw), dSum(sumA);
  DeviceEpilogue device(data, m * n);
  char name[160];
  std::snprintf(name, sizeof name,
                "depthwise %dx%dx%dx%d k%dx%d stride %d,%d pad %d,%d "
                "dilation %d,%d",
                s.batch, s.height, s.width, s.channels, s.kernelH, s.kernelW,
                s.strideH, s.strideW, s.padTop, s.padLeft, s.dilationH,
                s.dilationW);
  if (!check(launchDepthwiseConv2d(s, dX.data, xZp, dW.data,
                                   RawEpilogue{dRaw.data, dSum.data, n}),
             name) ||
      !check(launchDepthwiseConv2d(s, dX.data, xZp, dW.data, device.epilogue),
             name))
    return;
  compare(name, raw, sumA, dRaw.read(m * n), dSum.read(m * n),
          device.out.read(m * n), data, m, n);
}

/// RequantizeEpilogue<false> (symmetric weights) with `d`'s parameters,
/// whose weight zero points must all be 0.
RequantizeEpilogue<false> symmetric(const RequantizeEpilogue<true> &d) {
  RequantizeEpilogue<false> e;
  e.foldedBias = d.foldedBias;
  e.multipliers = d.multipliers;
  e.shifts = d.shifts;
  e.perColumnScale = d.perColumnScale;
  e.rounding = d.rounding;
  e.outputZeroPoint = d.outputZeroPoint;
  e.min = d.min;
  e.max = d.max;
  e.residual = d.residual;
  e.ldResidual = d.ldResidual;
  e.addAZeroPoint = d.addAZeroPoint;
  e.addBZeroPoint = d.addBZeroPoint;
  e.addAMultiplier = d.addAMultiplier;
  e.addBMultiplier = d.addBMultiplier;
  e.addShift = d.addShift;
  e.addRounding = d.addRounding;
  e.addOutputZeroPoint = d.addOutputZeroPoint;
  e.addMin = d.addMin;
  e.addMax = d.addMax;
  e.out = d.out;
  e.ldOut = d.ldOut;
  return e;
}

/// The 2:4-sparse GEMM on random 2:4 weights: raw accumulators and input
/// sums against the CPU reference.
void checkSparseGemm(int64_t m, int64_t n, int64_t k) {
  std::vector<int8_t> a = randomBytes(m * k), bT = randomSparse(n, k);
  std::vector<int32_t> raw(m * n), sumA(m * n);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      uint32_t acc = 0, sum = 0;
      for (int64_t x = 0; x < k; ++x) {
        acc += static_cast<uint32_t>(int32_t(a[i * k + x]) * bT[j * k + x]);
        sum += static_cast<uint32_t>(int32_t(a[i * k + x]));
      }
      raw[i * n + j] = static_cast<int32_t>(acc);
      sumA[i * n + j] = static_cast<int32_t>(sum);
    }
  std::string name = "sparse gemm " + std::to_string(m) + "x" +
                     std::to_string(n) + "x" + std::to_string(k);
  SparseWeights sparse(bT, n, k);
  if (!sparse.ok) {
    report(name + " compression", 1, 1);
    return;
  }
  DeviceBuffer<int8_t> dA(a), dValues(sparse.values);
  DeviceBuffer<uint32_t> dMetadata(sparse.metadata);
  DeviceBuffer<int32_t> dRaw(raw), dSum(sumA);
  if (!check(launchSparseGemm(dA.data, k, dValues.data, dMetadata.data, m, n, k,
                              RawEpilogue{dRaw.data, dSum.data, n}),
             name.c_str()))
    return;
  std::vector<int32_t> gotRaw = dRaw.read(m * n), gotSum = dSum.read(m * n);
  int64_t bad = 0;
  for (int64_t i = 0; i < m * n; ++i)
    bad += gotRaw[i] != raw[i] || gotSum[i] != sumA[i];
  report(name + " raw accumulators and input sums", bad, m * n);
}

/// The reference raw sums and input sums of the NHWC convolution `s` of x
/// with OHWI weights w (padding = xZp).
void referenceConv(const ConvShape &s, const std::vector<int8_t> &x,
                   const std::vector<int8_t> &w, int32_t xZp,
                   std::vector<int32_t> &raw, std::vector<int32_t> &sumA) {
  int64_t m = s.gemmM(), n = s.outChannels, k = s.gemmK();
  raw.assign(m * n, 0);
  sumA.assign(m * n, 0);
  for (int64_t p = 0; p < m; ++p) {
    int ow = static_cast<int>(p % s.outW),
        oh = static_cast<int>(p / s.outW % s.outH);
    int64_t b = p / (int64_t(s.outW) * s.outH);
    for (int64_t oc = 0; oc < n; ++oc) {
      uint32_t acc = 0, sum = 0;
      for (int kh = 0; kh < s.kernelH; ++kh)
        for (int kw = 0; kw < s.kernelW; ++kw)
          for (int c = 0; c < s.channels; ++c) {
            int ih = oh * s.strideH - s.padTop + kh * s.dilationH;
            int iw = ow * s.strideW - s.padLeft + kw * s.dilationW;
            int32_t xv =
                ih >= 0 && ih < s.height && iw >= 0 && iw < s.width
                    ? x[((b * s.height + ih) * s.width + iw) * s.channels + c]
                    : xZp;
            int32_t wv =
                w[oc * k + (int64_t(kh) * s.kernelW + kw) * s.channels + c];
            acc += static_cast<uint32_t>(xv * wv);
            sum += static_cast<uint32_t>(xv);
          }
      raw[p * n + oc] = static_cast<int32_t>(acc);
      sumA[p * n + oc] = static_cast<int32_t>(sum);
    }
  }
}

/// The 2:4-sparse convolution on random 2:4 weights: raw accumulators and
/// input sums, then the requantize epilogue with symmetric weights and a
/// residual, against the CPU reference.
void checkSparseConv(ConvShape s, int padBottom, int padRight) {
  s.outH = convOutputSize(s.height, s.kernelH, s.strideH, s.padTop, padBottom,
                          s.dilationH);
  s.outW = convOutputSize(s.width, s.kernelW, s.strideW, s.padLeft, padRight,
                          s.dilationW);
  int64_t m = s.gemmM(), n = s.outChannels, k = s.gemmK();
  int32_t xZp = static_cast<int32_t>(uniform(-128, 127));
  std::vector<int8_t> x = randomBytes(int64_t(s.batch) * s.height * s.width *
                                      s.channels),
                      w = randomSparse(n, k);
  std::vector<int32_t> raw, sumA;
  referenceConv(s, x, w, xZp, raw, sumA);
  char name[160];
  std::snprintf(name, sizeof name,
                "sparse conv %dx%dx%dx%d k%dx%d oc%d stride %d,%d pad %d,%d "
                "dilation %d,%d",
                s.batch, s.height, s.width, s.channels, s.kernelH, s.kernelW,
                s.outChannels, s.strideH, s.strideW, s.padTop, s.padLeft,
                s.dilationH, s.dilationW);
  SparseWeights sparse(w, n, k);
  if (!sparse.ok) {
    report(std::string(name) + " compression", 1, 1);
    return;
  }
  EpilogueData data(w, m, n, k, xZp, /*weightZeroPoints=*/false);
  DeviceBuffer<int8_t> dX(x), dValues(sparse.values);
  DeviceBuffer<uint32_t> dMetadata(sparse.metadata);
  DeviceBuffer<int32_t> dRaw(raw), dSum(sumA);
  DeviceEpilogue device(data, m * n);
  if (!check(launchSparseConv2d(s, dX.data, xZp, dValues.data, dMetadata.data,
                                RawEpilogue{dRaw.data, dSum.data, n}),
             name) ||
      !check(launchSparseConv2d(s, dX.data, xZp, dValues.data, dMetadata.data,
                                symmetric(device.epilogue)),
             name))
    return;
  compare(name, raw, sumA, dRaw.read(m * n), dSum.read(m * n),
          device.out.read(m * n), data, m, n);
}

/// Milliseconds per call of `launch` over `runs` calls after a warm-up;
/// negative on an error.
template <class Launch> float timeLaunches(Launch launch, int runs) {
  if (launch() != cudaSuccess || cudaDeviceSynchronize() != cudaSuccess)
    return -1;
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  cudaEventRecord(start);
  for (int r = 0; r < runs; ++r)
    launch();
  cudaEventRecord(stop);
  float ms = -1;
  if (cudaEventSynchronize(stop) == cudaSuccess &&
      cudaGetLastError() == cudaSuccess)
    cudaEventElapsedTime(&ms, start, stop);
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return ms < 0 ? ms : ms / runs;
}

/// ResNet-50's 3x3 convolutions (stride 1, pad 1, NHWC) at batch 256,
/// requantized to int8 with symmetric weights: the dense kernel
/// (DefaultGemmTile) against the 2:4-sparse one (DefaultSparseGemmTile and
/// the 4-stage BK = 64 tile), with 2:4 random weights for both.
void benchSparse(int runs) {
  struct Layer {
    int size, channels;
  };
  const Layer layers[] = {{56, 64}, {28, 128}, {14, 256}, {7, 512}};
  using Tile64 = SparseGemmTile<128, 128, 64, 64, 32, 4>;
  // A Markdown table (bench/gpu/run.sh collects the lines starting with
  // '|').
  std::printf("TIME ResNet-50 3x3 convolutions, batch 256, stride 1, pad 1, "
              "int8 out: ms per call (dense-equivalent TOPS)\n");
  std::printf("| layer | dense | 2:4 sparse, BK 128 x 3 | 2:4 sparse, BK 64 x "
              "4 | dense / sparse |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  for (const Layer &l : layers) {
    ConvShape s{};
    s.batch = 256;
    s.height = s.width = s.outH = s.outW = l.size;
    s.channels = s.outChannels = l.channels;
    s.kernelH = s.kernelW = 3;
    s.strideH = s.strideW = s.dilationH = s.dilationW = 1;
    s.padTop = s.padLeft = 1;
    int64_t m = s.gemmM(), n = s.outChannels, k = s.gemmK();
    std::vector<int8_t> x = randomBytes(int64_t(s.batch) * s.height * s.width *
                                        s.channels),
                        w = randomSparse(n, k);
    SparseWeights sparse(w, n, k);
    EpilogueData data(w, 1, n, k, 0, /*weightZeroPoints=*/false);
    data.residual.clear();
    DeviceBuffer<int8_t> dX(x), dW(w), dValues(sparse.values);
    DeviceBuffer<uint32_t> dMetadata(sparse.metadata);
    DeviceEpilogue device(data, m * n);
    RequantizeEpilogue<false> epilogue = symmetric(device.epilogue);
    epilogue.residual = nullptr;
    float dense = timeLaunches(
        [&] { return launchConv2d(s, dX.data, 0, dW.data, epilogue); }, runs);
    float sparse128 = timeLaunches(
        [&] {
          return launchSparseConv2d(s, dX.data, 0, dValues.data, dMetadata.data,
                                    epilogue);
        },
        runs);
    float sparse64 = timeLaunches(
        [&] {
          return launchSparseConv2d<Tile64>(s, dX.data, 0, dValues.data,
                                            dMetadata.data, epilogue);
        },
        runs);
    if (dense < 0 || sparse128 < 0 || sparse64 < 0) {
      std::printf("FAIL bench-sparse %dx%dx%d: a launch failed\n", l.size,
                  l.size, l.channels);
      ++failures;
      continue;
    }
    double ops = 2.0 * m * n * k;
    auto cell = [&](float ms) {
      static char text[4][32];
      static int next = 0;
      char *t = text[next++ % 4];
      std::snprintf(t, 32, "%.3f (%.1f)", ms, ops / (ms * 1e-3) / 1e12);
      return t;
    };
    char layer[32];
    std::snprintf(layer, sizeof layer, "%dx%dx%d->%d", l.size, l.size,
                  l.channels, l.channels);
    float best = sparse128 < sparse64 ? sparse128 : sparse64;
    std::printf("| %s | %s | %s | %s | %.2fx |\n", layer, cell(dense),
                cell(sparse128), cell(sparse64), dense / best);
  }
}

/// Times the int32-output GEMM (what torch._int_mm computes) over `runs`
/// launches after a warm-up.
void bench(int64_t m, int64_t n, int64_t k, int runs) {
  std::vector<int8_t> a = randomBytes(m * k), bT = randomBytes(n * k);
  DeviceBuffer<int8_t> dA(a), dB(bT);
  DeviceBuffer<int32_t> dC(std::vector<int32_t>(m * n));
  Int32Epilogue epilogue{dC.data, n};
  if (!check(launchGemm(dA.data, k, dB.data, k, m, n, k, epilogue), "bench"))
    return;
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  cudaEventRecord(start);
  for (int r = 0; r < runs; ++r)
    launchGemm(dA.data, k, dB.data, k, m, n, k, epilogue);
  cudaEventRecord(stop);
  if (!check(cudaEventSynchronize(stop), "bench"))
    return;
  float ms = 0;
  cudaEventElapsedTime(&ms, start, stop);
  double seconds = ms / 1e3 / runs;
  std::printf("TIME whittle gemm %lldx%lldx%lld int32: %.3f ms, %.1f TOPS\n",
              static_cast<long long>(m), static_cast<long long>(n),
              static_cast<long long>(k), seconds * 1e3,
              2.0 * m * n * k / seconds / 1e12);
}

} // namespace

int main(int argc, char **argv) {
  int devices = 0;
  cudaError_t error = cudaGetDeviceCount(&devices);
  if (error != cudaSuccess || devices == 0) {
    std::printf("no CUDA device (%s): the GPU self-test is skipped\n",
                error != cudaSuccess ? cudaGetErrorString(error)
                                     : "none found");
    return 0;
  }
  cudaDeviceProp properties;
  cudaGetDeviceProperties(&properties, 0);
  std::printf("device: %s, sm_%d%d\n", properties.name, properties.major,
              properties.minor);
  if (properties.major < 8) {
    std::printf("no CUDA device of sm_80 or newer: the GPU self-test is "
                "skipped\n");
    return 0;
  }

  // Ragged and aligned GEMMs (K a multiple of 16: the kernels' contract).
  checkGemm(1, 1, 16);
  checkGemm(77, 45, 48);
  checkGemm(129, 130, 208);
  checkGemm(256, 384, 1024);
  // Convolutions: 1x1, 3x3 with padding, stride 2, dilation 2, 7x7 stride 2
  // (a stem with its channels padded to 16), ragged everything.
  //          batch h  w   c  oc kh kw sh sw pt pl dh dw
  checkConv({1, 8, 8, 16, 32, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0}, 0, 0);
  checkConv({2, 9, 7, 32, 70, 3, 3, 1, 1, 1, 1, 1, 1, 0, 0}, 1, 1);
  checkConv({1, 15, 13, 48, 40, 3, 3, 2, 2, 1, 0, 1, 1, 0, 0}, 1, 2);
  checkConv({1, 12, 12, 16, 24, 3, 3, 1, 1, 2, 2, 2, 2, 0, 0}, 2, 2);
  checkConv({1, 32, 32, 16, 64, 7, 7, 2, 2, 3, 3, 1, 1, 0, 0}, 3, 3);
  checkDepthwise({1, 8, 8, 32, 0, 3, 3, 1, 1, 1, 1, 1, 1, 0, 0}, 1, 1);
  checkDepthwise({2, 15, 11, 20, 0, 3, 3, 2, 2, 1, 1, 1, 1, 0, 0}, 0, 1);
  checkDepthwise({1, 10, 10, 8, 0, 5, 5, 1, 2, 2, 2, 2, 1, 0, 0}, 2, 2);
  // 2:4 sparse: K padded to a multiple of 64 (16, 48, 144, 208), ragged M
  // and N, and one K of whole default slices.
  checkSparseGemm(1, 1, 16);
  checkSparseGemm(77, 45, 48);
  checkSparseGemm(129, 130, 208);
  checkSparseGemm(256, 384, 1024);
  checkSparseConv({1, 8, 8, 16, 32, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0}, 0, 0);
  checkSparseConv({2, 9, 7, 32, 70, 3, 3, 1, 1, 1, 1, 1, 1, 0, 0}, 1, 1);
  checkSparseConv({1, 15, 13, 48, 40, 3, 3, 2, 2, 1, 0, 1, 1, 0, 0}, 1, 2);
  checkSparseConv({1, 12, 12, 16, 24, 3, 3, 1, 1, 2, 2, 2, 2, 0, 0}, 2, 2);
  checkSparseConv({2, 14, 14, 64, 200, 3, 3, 1, 1, 1, 1, 1, 1, 0, 0}, 1, 1);

  if (argc > 1 && std::strcmp(argv[1], "--bench") == 0) {
    int64_t m = argc > 4 ? std::atoll(argv[2]) : 4096;
    int64_t n = argc > 4 ? std::atoll(argv[3]) : 4096;
    int64_t k = argc > 4 ? std::atoll(argv[4]) : 4096;
    bench(m, n, k, 20);
  }
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--bench-sparse") == 0)
      benchSparse(20);
  std::printf("%s: %d failed\n", failures ? "FAIL" : "PASS", failures);
  return failures ? 1 : 0;
}
