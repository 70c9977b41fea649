//===- wgmma_check.cu - GPU self-test of the sm_90a int8 GEMM -------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Runs launchWgmmaGemm (lib/Target/CUDA/runtime/whittle_cuda_wgmma.cuh) on
// random data and compares every output with a naive CPU reference bit for
// bit: the raw int32 accumulators and A's row sums (sumA), then the fused
// requantize epilogue with weight zero points, per-column scales, a random
// rounding mode and a residual add; on ragged shapes (M, N not multiples of
// the tile, K not a multiple of the 128-byte slice, padded row strides),
// on a large one, with both tiles, and once captured in a CUDA graph and
// replayed (the launcher must not synchronize). Prints one PASS
// or FAIL line per case and exits 1 on any failure. With --bench [M N K]
// (default 8192^3) it also times the int32-output GEMM against the dense
// mma.sync launchGemm (whittle_cuda_gemm.cuh), after checking a sample of
// the big product's outputs, for bench/gpu/gemm_vs_torch.py.
//
// Without a usable GPU it prints "no CUDA device" and exits 0, and on a
// GPU other than compute capability 9.0 (the kernel is sm_90a code) it
// says so and exits 0, so that CI can build and run it
// (test/Target/CUDA/wgmma-check.test).
//
//   nvcc -std=c++17 -O3 -arch=sm_90a -Ilib/Target/CUDA/runtime
//     -Ilib/Target/HLSCpp/runtime bench/gpu/wgmma_check.cu -o wgmma_check
//   ./wgmma_check [--bench [M N K]]
//
//===----------------------------------------------------------------------===//

#include "whittle_cuda_gemm.cuh"
#include "whittle_cuda_wgmma.cuh"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace whittle_cuda;

namespace {

/// Raw accumulators and row sums, as the kernel hands them over.
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

/// Device memory holding a copy of a host vector (and 16 spare bytes),
/// freed at scope exit.
template <class T> struct DeviceBuffer {
  T *data = nullptr;
  explicit DeviceBuffer(const std::vector<T> &host) {
    if (cudaMalloc(&data, host.size() * sizeof(T) + 16) == cudaSuccess &&
        !host.empty())
      cudaMemcpy(data, host.data(), host.size() * sizeof(T),
                 cudaMemcpyHostToDevice);
  }
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;
  ~DeviceBuffer() { cudaFree(data); }
  std::vector<T> read(size_t size) const {
    std::vector<T> host(size);
    cudaMemcpy(host.data(), data, size * sizeof(T), cudaMemcpyDeviceToHost);
    return host;
  }
};

std::mt19937_64 generator(90);

int64_t uniform(int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(generator);
}

std::vector<int8_t> randomBytes(size_t size) {
  std::vector<int8_t> bytes(size);
  for (int8_t &b : bytes)
    b = static_cast<int8_t>(uniform(-128, 127));
  return bytes;
}

int failures = 0;

void report(const std::string &name, int64_t mismatches, int64_t total) {
  if (mismatches)
    ++failures;
  std::printf("%s %s (%lld of %lld outputs differ)\n",
              mismatches ? "FAIL" : "PASS", name.c_str(),
              static_cast<long long>(mismatches),
              static_cast<long long>(total));
}

bool check(cudaError_t error, const std::string &what) {
  if (error == cudaSuccess)
    error = cudaDeviceSynchronize();
  if (error != cudaSuccess) {
    std::printf("FAIL %s: %s\n", what.c_str(), cudaGetErrorString(error));
    ++failures;
    return false;
  }
  return true;
}

/// The reference: raw[i][j] = sum_x a[i][x] bT[j][x] and sumA[i] = sum_x
/// a[i][x], summed in uint32: modulo 2^32, as the kernel's s32 wraps.
void reference(const std::vector<int8_t> &a, int64_t lda,
               const std::vector<int8_t> &bT, int64_t ldb, int64_t m, int64_t n,
               int64_t k, std::vector<int32_t> &raw,
               std::vector<int32_t> &sumA) {
  raw.assign(size_t(m * n), 0);
  sumA.assign(size_t(m), 0);
  for (int64_t i = 0; i < m; ++i) {
    const int8_t *row = a.data() + i * lda;
    uint32_t sum = 0;
    for (int64_t x = 0; x < k; ++x)
      sum += static_cast<uint32_t>(int32_t(row[x]));
    sumA[i] = static_cast<int32_t>(sum);
    for (int64_t j = 0; j < n; ++j) {
      const int8_t *column = bT.data() + j * ldb;
      uint32_t acc = 0;
      for (int64_t x = 0; x < k; ++x)
        acc += static_cast<uint32_t>(int32_t(row[x]) * int32_t(column[x]));
      raw[i * n + j] = static_cast<int32_t>(acc);
    }
  }
}

/// The requantize epilogue's parameters on the host: random folded biases,
/// weight zero points, per-column scales, rounding mode, residual.
struct EpilogueData {
  std::vector<int32_t> folded, bZp, multipliers, shifts;
  std::vector<int8_t> residual;
  RequantizeEpilogue<true> host;

  EpilogueData(int64_t m, int64_t n) {
    folded.resize(n);
    bZp.resize(n);
    multipliers.resize(n);
    shifts.resize(n);
    for (int64_t j = 0; j < n; ++j) {
      folded[j] = static_cast<int32_t>(uniform(-(1 << 20), 1 << 20));
      bZp[j] = static_cast<int32_t>(uniform(-20, 20));
      multipliers[j] = static_cast<int32_t>(uniform(1 << 30, INT32_MAX));
      shifts[j] = static_cast<int32_t>(uniform(38, 46));
    }
    residual = randomBytes(size_t(m * n));
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

/// launchWgmmaGemm<Tile> on an m x n x k product with row strides lda, ldb
/// (>= k): raw and sumA, then the requantize epilogue, against the
/// reference.
template <class Tile>
void checkGemm(int64_t m, int64_t n, int64_t k, int64_t lda, int64_t ldb,
               const char *tile) {
  std::vector<int8_t> a = randomBytes(size_t(m * lda)),
                      bT = randomBytes(size_t(n * ldb));
  std::vector<int32_t> raw, sumA;
  reference(a, lda, bT, ldb, m, n, k, raw, sumA);
  EpilogueData data(m, n);
  DeviceBuffer<int8_t> dA(a), dB(bT);
  DeviceBuffer<int32_t> dRaw(std::vector<int32_t>(m * n, 0x5a5a5a5a)),
      dSum(std::vector<int32_t>(m * n, 0x5a5a5a5a));
  DeviceEpilogue device(data, size_t(m * n));
  std::string name = std::string("wgmma ") + tile + " " + std::to_string(m) +
                     "x" + std::to_string(n) + "x" + std::to_string(k) +
                     " lda " + std::to_string(lda) + " ldb " +
                     std::to_string(ldb);
  if (!check(launchWgmmaGemm<Tile>(dA.data, lda, dB.data, ldb, m, n, k,
                                   RawEpilogue{dRaw.data, dSum.data, n}),
             name) ||
      !check(launchWgmmaGemm<Tile>(dA.data, lda, dB.data, ldb, m, n, k,
                                   device.epilogue),
             name))
    return;
  std::vector<int32_t> gotRaw = dRaw.read(m * n), gotSum = dSum.read(m * n);
  std::vector<int8_t> gotOut = device.out.read(m * n);
  int64_t rawBad = 0, outBad = 0;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      int64_t at = i * n + j;
      rawBad += gotRaw[at] != raw[at] || gotSum[at] != sumA[i];
      outBad += gotOut[at] !=
                data.host.value(i, static_cast<int>(j), raw[at], sumA[i]);
    }
  report(name + " raw accumulators and row sums", rawBad, m * n);
  report(name + " requantized with residual", outBad, m * n);
}

/// One launch captured in a CUDA graph on a stream, replayed twice.
void checkGraph(int64_t m, int64_t n, int64_t k) {
  std::vector<int8_t> a = randomBytes(size_t(m * k)),
                      bT = randomBytes(size_t(n * k));
  std::vector<int32_t> raw, sumA;
  reference(a, k, bT, k, m, n, k, raw, sumA);
  DeviceBuffer<int8_t> dA(a), dB(bT);
  DeviceBuffer<int32_t> dC(std::vector<int32_t>(m * n, 0));
  std::string name = "wgmma captured in a CUDA graph " + std::to_string(m) +
                     "x" + std::to_string(n) + "x" + std::to_string(k);
  cudaStream_t stream;
  cudaGraph_t graph = nullptr;
  cudaGraphExec_t exec = nullptr;
  if (!check(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), name))
    return;
  cudaError_t error =
      cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal);
  if (error == cudaSuccess) {
    cudaError_t launched = launchWgmmaGemm(dA.data, k, dB.data, k, m, n, k,
                                           Int32Epilogue{dC.data, n}, stream);
    error = cudaStreamEndCapture(stream, &graph);
    if (launched != cudaSuccess)
      error = launched;
  }
  if (error == cudaSuccess)
    error = cudaGraphInstantiate(&exec, graph, 0);
  for (int replay = 0; replay < 2 && error == cudaSuccess; ++replay)
    error = cudaGraphLaunch(exec, stream);
  if (error == cudaSuccess)
    error = cudaStreamSynchronize(stream);
  if (exec)
    cudaGraphExecDestroy(exec);
  if (graph)
    cudaGraphDestroy(graph);
  cudaStreamDestroy(stream);
  if (!check(error, name))
    return;
  std::vector<int32_t> got = dC.read(m * n);
  int64_t bad = 0;
  for (int64_t at = 0; at < m * n; ++at)
    bad += got[at] != raw[at];
  report(name, bad, m * n);
}

/// The requirement checks refuse without launching (cudaErrorInvalidValue
/// from the launcher, and no error left behind).
void checkRefusals() {
  DeviceBuffer<int8_t> buffer(std::vector<int8_t>(256));
  DeviceBuffer<int32_t> out(std::vector<int32_t>(16));
  Int32Epilogue epilogue{out.data, 4};
  struct Case {
    const char *what;
    cudaError_t got;
  } cases[] = {
      {"K = 0",
       launchWgmmaGemm(buffer.data, 32, buffer.data, 32, 4, 4, 0, epilogue)},
      {"K % 16",
       launchWgmmaGemm(buffer.data, 32, buffer.data, 32, 4, 4, 24, epilogue)},
      {"lda < K",
       launchWgmmaGemm(buffer.data, 16, buffer.data, 32, 4, 4, 32, epilogue)},
      {"A misaligned", launchWgmmaGemm(buffer.data + 8, 32, buffer.data, 32, 4,
                                       4, 32, epilogue)},
  };
  int64_t bad = 0;
  for (const Case &c : cases)
    if (c.got != cudaErrorInvalidValue) {
      std::printf("  %s: %s\n", c.what, cudaGetErrorString(c.got));
      ++bad;
    }
  bad += cudaGetLastError() != cudaSuccess;
  report("wgmma requirement checks", bad, 4);
}

/// Milliseconds per launch of `launch` over `runs` launches after one
/// checked warm-up; negative on an error.
template <class Launch> double timeLaunches(Launch launch, int runs) {
  if (!check(launch(), "bench warm-up"))
    return -1;
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  cudaEventRecord(start);
  for (int r = 0; r < runs; ++r)
    launch();
  cudaEventRecord(stop);
  float ms = -1;
  if (check(cudaEventSynchronize(stop), "bench"))
    cudaEventElapsedTime(&ms, start, stop);
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return ms < 0 ? -1 : double(ms) / runs;
}

/// Times the int32-output GEMM (what torch._int_mm computes) with
/// launchWgmmaGemm and with the dense launchGemm, after checking 1024
/// random outputs of the wgmma product against the CPU.
void bench(int64_t m, int64_t n, int64_t k, int runs) {
  std::vector<int8_t> a = randomBytes(size_t(m * k)),
                      bT = randomBytes(size_t(n * k));
  DeviceBuffer<int8_t> dA(a), dB(bT);
  DeviceBuffer<int32_t> dC(std::vector<int32_t>(size_t(m * n), 0));
  Int32Epilogue epilogue{dC.data, n};
  auto wgmma = [&] {
    return launchWgmmaGemm(dA.data, k, dB.data, k, m, n, k, epilogue);
  };
  auto dense = [&] {
    return launchGemm(dA.data, k, dB.data, k, m, n, k, epilogue);
  };
  if (!check(wgmma(), "bench"))
    return;
  std::vector<int32_t> got = dC.read(size_t(m * n));
  int64_t bad = 0;
  const int samples = 1024;
  for (int s = 0; s < samples; ++s) {
    int64_t i = uniform(0, m - 1), j = uniform(0, n - 1);
    uint32_t acc = 0;
    for (int64_t x = 0; x < k; ++x)
      acc += static_cast<uint32_t>(int32_t(a[i * k + x]) * bT[j * k + x]);
    bad += got[i * n + j] != static_cast<int32_t>(acc);
  }
  report("wgmma bench product, " + std::to_string(samples) + " sampled", bad,
         samples);
  double ops = 2.0 * m * n * k;
  for (auto [name, ms] :
       {std::pair<const char *, double>{"wgmma", timeLaunches(wgmma, runs)},
        {"gemm (mma.sync)", timeLaunches(dense, runs)}})
    if (ms > 0)
      std::printf("TIME whittle %s %lldx%lldx%lld int32: %.3f ms, %.1f TOPS\n",
                  name, static_cast<long long>(m), static_cast<long long>(n),
                  static_cast<long long>(k), ms, ops / (ms / 1e3) / 1e12);
}

} // namespace

int main(int argc, char **argv) {
  int devices = 0;
  cudaError_t error = cudaGetDeviceCount(&devices);
  if (error != cudaSuccess || devices == 0) {
    std::printf("no CUDA device (%s): the wgmma self-test is skipped\n",
                error != cudaSuccess ? cudaGetErrorString(error)
                                     : "none found");
    return 0;
  }
  cudaDeviceProp properties;
  cudaGetDeviceProperties(&properties, 0);
  std::printf("device: %s, sm_%d%d\n", properties.name, properties.major,
              properties.minor);
  if (properties.major != 9 || properties.minor != 0) {
    std::printf("no sm_90 CUDA device (the kernel is sm_90a code): the "
                "wgmma self-test is skipped\n");
    return 0;
  }

  using Small = WgmmaTile<1, 128, 4>;
  // Ragged shapes (K a multiple of 16: the launcher's contract).
  checkGemm<DefaultWgmmaTile>(1, 1, 16, 16, 16, "128x256");
  checkGemm<DefaultWgmmaTile>(77, 45, 48, 48, 64, "128x256");
  checkGemm<DefaultWgmmaTile>(129, 300, 208, 224, 208, "128x256");
  checkGemm<DefaultWgmmaTile>(3, 5, 16, 16, 16, "128x256");
  checkGemm<DefaultWgmmaTile>(256, 512, 1024, 1024, 1024, "128x256");
  checkGemm<DefaultWgmmaTile>(200, 513, 1040, 1056, 1072, "128x256");
  checkGemm<Small>(130, 250, 400, 400, 416, "64x128");
  // Large: many blocks (the raster's groups), many rounds of the stages.
  checkGemm<DefaultWgmmaTile>(1031, 1283, 4096, 4096, 4096, "128x256");
  checkGraph(256, 256, 256);
  checkRefusals();

  if (argc > 1 && std::strcmp(argv[1], "--bench") == 0) {
    int64_t m = argc > 4 ? std::atoll(argv[2]) : 8192;
    int64_t n = argc > 4 ? std::atoll(argv[3]) : 8192;
    int64_t k = argc > 4 ? std::atoll(argv[4]) : 8192;
    bench(m, n, k, 20);
  }
  std::printf("%s: %d failed\n", failures ? "FAIL" : "PASS", failures);
  return failures ? 1 : 0;
}
