//===- QNNLoweringTest.cpp - qnn lowered and JIT-run vs naive references --===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Every qnn op goes through the CPU pipeline (convert-qnn-to-linalg and
// on to LLVM) and runs on random int8 data, extremes included; the results
// must equal, bit for bit, naive loops built on QNNArithmetic.h.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/QNN/QNNArithmetic.h"
#include "whittle/InitAllDialects.h"
#include "whittle/Target/CPU/CompiledModel.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/TargetParser/Host.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <type_traits>

using namespace mlir;
using namespace whittle;
using namespace whittle::qnn;

namespace {

constexpr int32_t kInt8 = 3, kInt32 = 6, kFloat = 1;

std::mt19937 &rng() {
  static std::mt19937 generator(20240601);
  return generator;
}

int64_t count(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// Random int8 values with the extremes -128 and 127 well represented.
std::vector<int8_t> randomI8(int64_t n) {
  std::uniform_int_distribution<int> value(-128, 127), pick(0, 9);
  std::vector<int8_t> data(n);
  for (int8_t &v : data) {
    int p = pick(rng());
    v = p == 0 ? -128 : p == 1 ? 127 : static_cast<int8_t>(value(rng()));
  }
  return data;
}

std::vector<int32_t> randomI32(int64_t n, int32_t lo, int32_t hi) {
  std::uniform_int_distribution<int32_t> value(lo, hi);
  std::vector<int32_t> data(n);
  for (int32_t &v : data)
    v = value(rng());
  return data;
}

template <typename T>
HostTensor makeTensor(int32_t dataType, ArrayRef<int64_t> shape,
                      const std::vector<T> &values) {
  HostTensor tensor;
  tensor.dataType = dataType;
  tensor.shape.assign(shape.begin(), shape.end());
  tensor.data.resize(values.size() * sizeof(T));
  std::memcpy(tensor.data.data(), values.data(), tensor.data.size());
  return tensor;
}

template <typename T> std::vector<T> values(const HostTensor &tensor) {
  std::vector<T> result(tensor.data.size() / sizeof(T));
  std::memcpy(result.data(), tensor.data.data(), tensor.data.size());
  return result;
}

std::string shapeType(ArrayRef<int64_t> shape, StringRef element) {
  std::string text = "tensor<";
  for (int64_t d : shape)
    text += std::to_string(d) + "x";
  return text + element.str() + ">";
}

template <typename T> std::string array(StringRef kind, ArrayRef<T> values) {
  std::string text = "array<" + kind.str() + ": ";
  for (auto [i, v] : llvm::enumerate(values))
    text += (i ? ", " : "") + std::to_string(v);
  return text + ">";
}

std::string roundingAttr(RoundingMode mode) {
  return "#qnn.rounding<" + stringifyRoundingMode(mode).str() + ">";
}

/// Compiles `source` (one function @main) and runs it on `inputs`.
std::vector<HostTensor> run(const std::string &source,
                            const std::vector<HostTensor> &inputs) {
  DialectRegistry registry;
  whittle::registerAllDialects(registry);
  MLIRContext context(registry);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &context);
  EXPECT_TRUE(module) << source;
  if (!module)
    return {};
  std::unique_ptr<CompiledModel> model = CompiledModel::compile(*module);
  EXPECT_TRUE(model) << source;
  if (!model)
    return {};
  std::vector<HostTensor> outputs;
  llvm::Error error = model->run(inputs, outputs);
  EXPECT_FALSE(error) << llvm::toString(std::move(error));
  return outputs;
}

/// Compiles and runs `source` on `inputs` and expects its outputs to be
/// `expected`, in order, each read as T.
template <typename T>
void expectOutputs(const std::string &source,
                   const std::vector<HostTensor> &inputs,
                   const std::vector<std::vector<T>> &expected) {
  std::vector<HostTensor> outputs = run(source, inputs);
  ASSERT_EQ(outputs.size(), expected.size());
  for (auto [output, want] : llvm::zip(outputs, expected))
    EXPECT_EQ(values<T>(output), want) << source;
}

constexpr RoundingMode kModes[] = {RoundingMode::nearest_even,
                                   RoundingMode::half_away,
                                   RoundingMode::pseudo_stochastic};
/// The ops that divide by a count or a sum (average pools, softmax) take no
/// pseudo_stochastic, which needs a power-of-two divisor.
constexpr RoundingMode kDivisionModes[] = {RoundingMode::nearest_even,
                                           RoundingMode::half_away};
/// qnn.requantize also rounds as float32.
constexpr RoundingMode kRequantizeModes[] = {
    RoundingMode::nearest_even, RoundingMode::half_away,
    RoundingMode::pseudo_stochastic, RoundingMode::float32};

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

struct ConvCase {
  SmallVector<int64_t> x, w; // N x C x D..., M x C/g x K...
  SmallVector<int64_t> strides, dilations, pads;
  int64_t group;
  int32_t xZp;
  SmallVector<int32_t> wZp;
  bool bias;
  /// Every input (weight) value, instead of random ones.
  std::optional<int8_t> xFill = std::nullopt, wFill = std::nullopt;
};

/// y[n, m, o] = bias[m] + sum (x - xZp)(w - wZp[m]) with padding counted
/// as xZp (a zero term).
std::vector<int32_t> naiveConv(const ConvCase &c, ArrayRef<int64_t> yShape,
                               const std::vector<int8_t> &x,
                               const std::vector<int8_t> &w,
                               const std::vector<int32_t> &bias) {
  int64_t spatial = c.x.size() - 2;
  int64_t channels = c.x[1], filters = c.w[0];
  int64_t perGroupIn = channels / c.group, perGroupOut = filters / c.group;
  std::vector<int32_t> y(count(yShape));
  SmallVector<int64_t> kernel(c.w.begin() + 2, c.w.end());
  int64_t kernelCount = count(kernel);
  int64_t outCount = count(ArrayRef<int64_t>(yShape).drop_front(2));
  for (int64_t n = 0; n < c.x[0]; ++n)
    for (int64_t m = 0; m < filters; ++m)
      for (int64_t o = 0; o < outCount; ++o) {
        SmallVector<int64_t> opos(spatial);
        for (int64_t i = spatial - 1, r = o; i >= 0; --i) {
          opos[i] = r % yShape[2 + i];
          r /= yShape[2 + i];
        }
        int64_t g = m / perGroupOut;
        int64_t zw = c.wZp.size() > 1 ? c.wZp[m] : c.wZp[0];
        int64_t acc = c.bias ? bias[m] : 0;
        for (int64_t ci = 0; ci < perGroupIn; ++ci)
          for (int64_t k = 0; k < kernelCount; ++k) {
            int64_t xIndex = n * channels + g * perGroupIn + ci;
            bool inside = true;
            for (int64_t i = 0, r = k, div = kernelCount; i < spatial; ++i) {
              div /= kernel[i];
              int64_t ki = r / div;
              r %= div;
              int64_t p =
                  opos[i] * c.strides[i] + ki * c.dilations[i] - c.pads[i];
              inside &= p >= 0 && p < c.x[2 + i];
              xIndex = xIndex * c.x[2 + i] + p;
            }
            if (!inside)
              continue;
            int64_t wIndex = (m * perGroupIn + ci) * kernelCount + k;
            acc += (int64_t(x[xIndex]) - c.xZp) * (int64_t(w[wIndex]) - zw);
          }
        y[(n * filters + m) * outCount + o] = static_cast<int32_t>(acc);
      }
  return y;
}

void checkConv(const ConvCase &c) {
  int64_t spatial = c.x.size() - 2;
  SmallVector<int64_t> yShape = {c.x[0], c.w[0]};
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t reach = (c.w[2 + i] - 1) * c.dilations[i] + 1;
    yShape.push_back((c.x[2 + i] + c.pads[i] + c.pads[spatial + i] - reach) /
                         c.strides[i] +
                     1);
  }
  std::vector<int8_t> x = c.xFill ? std::vector<int8_t>(count(c.x), *c.xFill)
                                  : randomI8(count(c.x));
  std::vector<int8_t> w = c.wFill ? std::vector<int8_t>(count(c.w), *c.wFill)
                                  : randomI8(count(c.w));
  std::vector<int32_t> bias = randomI32(c.w[0], -100000, 100000);
  std::string source = llvm::formatv(
      "func.func @main(%x: {0}, %w: {1}{2}) -> {3} {{\n"
      "  %y = qnn.conv %x, %w{4} {{strides = {5}, dilations = {6}, pads = "
      "{7}, group = {8} : i64, input_zero_point = {9} : i32, "
      "weight_zero_point = {10}} : ({0}, {1}{11}) -> {3}\n"
      "  return %y : {3}\n}",
      shapeType(c.x, "i8"), shapeType(c.w, "i8"),
      c.bias ? ", %b: " + shapeType({c.w[0]}, "i32") : "",
      shapeType(yShape, "i32"), c.bias ? ", %b" : "",
      array<int64_t>("i64", c.strides), array<int64_t>("i64", c.dilations),
      array<int64_t>("i64", c.pads), c.group, c.xZp,
      array<int32_t>("i32", c.wZp),
      c.bias ? ", " + shapeType({c.w[0]}, "i32") : "");
  std::vector<HostTensor> inputs = {makeTensor(kInt8, c.x, x),
                                    makeTensor(kInt8, c.w, w)};
  if (c.bias)
    inputs.push_back(makeTensor(kInt32, {c.w[0]}, bias));
  expectOutputs<int32_t>(source, inputs, {naiveConv(c, yShape, x, w, bias)});
}

TEST(QNNLowering, Conv2D) {
  // 3x3 padded, strided, with both zero points at the extremes.
  checkConv({{2, 3, 7, 6},
             {4, 3, 3, 3},
             {2, 1},
             {1, 1},
             {1, 0, 1, 2},
             1,
             -128,
             {0},
             true});
  checkConv({{1, 5, 6, 6},
             {3, 5, 3, 3},
             {1, 1},
             {1, 1},
             {1, 1, 1, 1},
             1,
             127,
             {-128, 5, 127},
             true});
  // 1x1 and odd shapes without bias; dilation.
  checkConv({{1, 7, 5, 3},
             {6, 7, 1, 1},
             {1, 1},
             {1, 1},
             {0, 0, 0, 0},
             1,
             -3,
             {0},
             false});
  checkConv({{1, 4, 9, 8},
             {2, 4, 3, 2},
             {2, 3},
             {2, 1},
             {2, 0, 1, 1},
             1,
             17,
             {-7},
             false});
}

TEST(QNNLowering, Conv2DKernelTiles) {
  // Large enough for the CPU pipeline's register kernel: full 6x16 tiles
  // of filters x output pixels with remainders in both (14 = 2*6 + 2
  // filters, 49 = 3*16 + 1 pixels), the i32 weights broadcast and the i8
  // im2col extended in the kernel, reduction tiles of 16 and of 12 (K =
  // 144, 72); both zero points, per-channel and per-tensor.
  checkConv({{1, 16, 12, 12},
             {14, 16, 3, 3},
             {1, 1},
             {1, 1},
             {1, 1, 1, 1},
             1,
             -128,
             {0},
             true});
  SmallVector<int32_t> zeroPoints;
  for (int32_t m = 0; m < 13; ++m)
    zeroPoints.push_back(m % 2 ? -128 + m : 127 - m);
  checkConv({{2, 8, 9, 9},
             {13, 8, 3, 3},
             {1, 1},
             {1, 1},
             {0, 0, 0, 0},
             1,
             93,
             zeroPoints,
             true});
}

/// Runs `check` once per int8 convolution kernel this CPU can run (the
/// CPU pipeline reads WHITTLE_INT8_KERNEL): the i32 outer-product kernel,
/// AVX2 vpmaddwd and AVX-512 VNNI vpdpbusd.
void forEachInt8Kernel(llvm::function_ref<void()> check) {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  std::vector<const char *> kernels = {"none"};
  if (features.lookup("avx2"))
    kernels.push_back("vpmaddwd");
  if (features.lookup("avx512vnni") && features.lookup("avx512bw") &&
      features.lookup("avx512f"))
    kernels.push_back("vnni");
  // The compile cache's key does not see the variable: no cache (an empty
  // WHITTLE_CACHE) while it is set.
  const char *cache = std::getenv("WHITTLE_CACHE");
  std::optional<std::string> savedCache =
      cache ? std::optional<std::string>(cache) : std::nullopt;
  setenv("WHITTLE_CACHE", "", 1);
  for (const char *kernel : kernels) {
    SCOPED_TRACE(kernel);
    setenv("WHITTLE_INT8_KERNEL", kernel, 1);
    check();
  }
  unsetenv("WHITTLE_INT8_KERNEL");
  if (savedCache)
    setenv("WHITTLE_CACHE", savedCache->c_str(), 1);
  else
    unsetenv("WHITTLE_CACHE");
}

TEST(QNNLowering, Conv2DDotProductEdges) {
  forEachInt8Kernel([] {
    // Constant extremes over K = 576: every vpmaddubsw pair sum of these
    // would saturate int16 (2 * 255 * 127 with the +128 offset of
    // vpdpbusd's unsigned operand, 2 * 128 * 128 for -128 x -128); the
    // accumulators reach 576 * 16384. Zero points 0, so nothing cancels.
    for (auto [xv, wv] : {std::pair<int8_t, int8_t>{127, 127},
                          {-128, -128},
                          {127, -128},
                          {-128, 127}})
      checkConv({{1, 64, 6, 6},
                 {7, 64, 3, 3},
                 {1, 1},
                 {1, 1},
                 {0, 0, 0, 0},
                 1,
                 0,
                 {0},
                 false,
                 xv,
                 wv});
    // Extremes with both zero points at the other end, padded windows.
    checkConv({{1, 16, 5, 5},
               {6, 16, 3, 3},
               {1, 1},
               {1, 1},
               {1, 1, 1, 1},
               1,
               -128,
               {127},
               true,
               int8_t(127),
               int8_t(-128)});
    // K not a multiple of 4 (27, 6, 5), K = 1, pointwise (in place and
    // strided), one pixel, one filter, pixel and filter remainders.
    checkConv({{2, 3, 9, 9},
               {5, 3, 3, 3},
               {1, 1},
               {1, 1},
               {1, 1, 1, 1},
               1,
               -7,
               {0},
               true});
    checkConv({{1, 2, 7, 9},
               {13, 2, 1, 3},
               {1, 2},
               {1, 1},
               {0, 1, 0, 1},
               1,
               127,
               {-3},
               false});
    checkConv({{1, 5, 6, 6},
               {33, 5, 1, 1},
               {1, 1},
               {1, 1},
               {0, 0, 0, 0},
               1,
               3,
               {0},
               true});
    checkConv({{3, 1, 4, 5},
               {1, 1, 1, 1},
               {1, 1},
               {1, 1},
               {0, 0, 0, 0},
               1,
               -128,
               {0},
               false});
    checkConv({{1, 24, 14, 14},
               {20, 24, 1, 1},
               {2, 2},
               {1, 1},
               {0, 0, 0, 0},
               1,
               -128,
               {0},
               true});
    checkConv({{1, 8, 3, 3},
               {7, 8, 3, 3},
               {1, 1},
               {1, 1},
               {0, 0, 0, 0},
               1,
               -128,
               {0},
               true});
    // Panels of 32 pixels with a 17-pixel tail (7 * 7 = 49), full 6-row
    // blocks and per-channel weight zero points.
    SmallVector<int32_t> zeroPoints;
    for (int32_t m = 0; m < 12; ++m)
      zeroPoints.push_back(m % 3 ? -128 + 9 * m : 127 - m);
    checkConv({{2, 32, 9, 9},
               {12, 32, 3, 3},
               {1, 1},
               {1, 1},
               {0, 0, 0, 0},
               1,
               -128,
               zeroPoints,
               true});
  });
}

TEST(QNNLowering, DepthwiseAndGroupedConv) {
  checkConv({{2, 6, 7, 7},
             {6, 1, 3, 3},
             {1, 1},
             {1, 1},
             {1, 1, 1, 1},
             6,
             5,
             {0, 1, -2, 3, 127, -128},
             true});
  checkConv({{1, 4, 8, 8},
             {4, 1, 3, 3},
             {2, 2},
             {1, 1},
             {0, 0, 1, 1},
             4,
             -128,
             {0},
             false});
  checkConv({{1, 6, 5, 5},
             {4, 3, 3, 3},
             {1, 1},
             {1, 1},
             {1, 1, 1, 1},
             2,
             9,
             {3, 0, -1, 2},
             true});
  // Depthwise with a channel multiplier (M = 2C) goes the generic way.
  checkConv({{1, 3, 5, 5},
             {6, 1, 2, 2},
             {1, 1},
             {1, 1},
             {0, 0, 0, 0},
             3,
             -1,
             {0},
             true});
}

TEST(QNNLowering, Conv1DAnd3D) {
  checkConv({{2, 3, 11}, {4, 3, 3}, {2}, {1}, {1, 2}, 1, 4, {2}, true});
  checkConv({{1, 2, 4, 3, 5},
             {3, 2, 2, 2, 3},
             {1, 1, 2},
             {1, 1, 1},
             {0, 1, 1, 1, 0, 1},
             1,
             -5,
             {0, -1, 1},
             true});
}

/// ONNX ConvTranspose on zero-point-corrected values, as a scatter.
TEST(QNNLowering, ConvTranspose) {
  struct Case {
    SmallVector<int64_t> x, w, strides, dilations, pads, outputPadding;
    int64_t group;
    int32_t xZp;
    SmallVector<int32_t> wZp;
  };
  for (const Case &c : {Case{{1, 4, 3, 4},
                             {4, 2, 3, 3},
                             {2, 2},
                             {1, 1},
                             {0, 0, 0, 0},
                             {0, 0},
                             2,
                             3,
                             {3}},
                        Case{{2, 3, 4, 4},
                             {3, 2, 3, 2},
                             {2, 1},
                             {1, 2},
                             {1, 0, 1, 1},
                             {1, 0},
                             1,
                             -128,
                             {1, -2}}}) {
    SmallVector<int64_t> yShape = {c.x[0], c.w[1] * c.group};
    for (int64_t i = 0; i < 2; ++i)
      yShape.push_back(c.strides[i] * (c.x[2 + i] - 1) + c.outputPadding[i] +
                       (c.w[2 + i] - 1) * c.dilations[i] + 1 - c.pads[i] -
                       c.pads[2 + i]);
    std::vector<int8_t> x = randomI8(count(c.x)), w = randomI8(count(c.w));
    std::vector<int32_t> bias = randomI32(yShape[1], -1000, 1000);
    std::vector<int64_t> expected(count(yShape), 0);
    int64_t perGroupIn = c.x[1] / c.group, perGroupOut = c.w[1];
    for (int64_t n = 0; n < c.x[0]; ++n)
      for (int64_t m = 0; m < yShape[1]; ++m)
        for (int64_t i = 0; i < yShape[2] * yShape[3]; ++i)
          expected[(n * yShape[1] + m) * yShape[2] * yShape[3] + i] = bias[m];
    for (int64_t n = 0; n < c.x[0]; ++n)
      for (int64_t ci = 0; ci < c.x[1]; ++ci)
        for (int64_t ih = 0; ih < c.x[2]; ++ih)
          for (int64_t iw = 0; iw < c.x[3]; ++iw)
            for (int64_t mo = 0; mo < perGroupOut; ++mo)
              for (int64_t kh = 0; kh < c.w[2]; ++kh)
                for (int64_t kw = 0; kw < c.w[3]; ++kw) {
                  int64_t oh =
                      ih * c.strides[0] + kh * c.dilations[0] - c.pads[0];
                  int64_t ow =
                      iw * c.strides[1] + kw * c.dilations[1] - c.pads[1];
                  if (oh < 0 || ow < 0 || oh >= yShape[2] || ow >= yShape[3])
                    continue;
                  int64_t m = (ci / perGroupIn) * perGroupOut + mo;
                  int64_t zw = c.wZp.size() > 1 ? c.wZp[m] : c.wZp[0];
                  int64_t xv =
                      x[((n * c.x[1] + ci) * c.x[2] + ih) * c.x[3] + iw] -
                      c.xZp;
                  int64_t wv =
                      w[((ci * c.w[1] + mo) * c.w[2] + kh) * c.w[3] + kw] - zw;
                  expected[((n * yShape[1] + m) * yShape[2] + oh) * yShape[3] +
                           ow] += xv * wv;
                }
    std::string source = llvm::formatv(
        "func.func @main(%x: {0}, %w: {1}, %b: {2}) -> {3} {{\n"
        "  %y = qnn.conv_transpose %x, %w, %b {{strides = {4}, dilations = "
        "{5}, pads = {6}, output_padding = {7}, group = {8} : i64, "
        "input_zero_point = {9} : i32, weight_zero_point = {10}} : ({0}, {1}, "
        "{2}) -> {3}\n  return %y : {3}\n}",
        shapeType(c.x, "i8"), shapeType(c.w, "i8"),
        shapeType({yShape[1]}, "i32"), shapeType(yShape, "i32"),
        array<int64_t>("i64", c.strides), array<int64_t>("i64", c.dilations),
        array<int64_t>("i64", c.pads), array<int64_t>("i64", c.outputPadding),
        c.group, c.xZp, array<int32_t>("i32", c.wZp));
    expectOutputs<int32_t>(
        source,
        {makeTensor(kInt8, c.x, x), makeTensor(kInt8, c.w, w),
         makeTensor(kInt32, {yShape[1]}, bias)},
        {std::vector<int32_t>(expected.begin(), expected.end())});
  }
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

void checkMatMul(SmallVector<int64_t> aShape, SmallVector<int64_t> bShape,
                 int32_t aZp, SmallVector<int32_t> bZp, bool bias) {
  // Promoted shapes and the broadcast batch.
  SmallVector<int64_t> a2 = aShape, b2 = bShape;
  if (a2.size() == 1)
    a2.insert(a2.begin(), 1);
  if (b2.size() == 1)
    b2.push_back(1);
  int64_t m = a2[a2.size() - 2], k = a2.back(), n = b2.back();
  SmallVector<int64_t> aBatch(a2.begin(), a2.end() - 2),
      bBatch(b2.begin(), b2.end() - 2);
  size_t rank = std::max(aBatch.size(), bBatch.size());
  aBatch.insert(aBatch.begin(), rank - aBatch.size(), 1);
  bBatch.insert(bBatch.begin(), rank - bBatch.size(), 1);
  SmallVector<int64_t> batch;
  for (size_t i = 0; i < rank; ++i)
    batch.push_back(std::max(aBatch[i], bBatch[i]));
  SmallVector<int64_t> yShape = batch;
  if (aShape.size() > 1)
    yShape.push_back(m);
  if (bShape.size() > 1)
    yShape.push_back(n);

  std::vector<int8_t> a = randomI8(count(aShape)), b = randomI8(count(bShape));
  std::vector<int32_t> biasValues = randomI32(n, -5000, 5000);
  std::vector<int32_t> expected;
  int64_t batches = count(batch);
  for (int64_t bi = 0; bi < batches; ++bi) {
    int64_t aOffset = 0, bOffset = 0;
    for (size_t i = 0, r = bi, div = batches; i < rank; ++i) {
      div /= batch[i];
      int64_t index = r / div;
      r %= div;
      aOffset = aOffset * aBatch[i] + (aBatch[i] == 1 ? 0 : index);
      bOffset = bOffset * bBatch[i] + (bBatch[i] == 1 ? 0 : index);
    }
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        int64_t zb = bZp.size() > 1 ? bZp[j] : bZp[0];
        int64_t acc = bias ? biasValues[j] : 0;
        for (int64_t kk = 0; kk < k; ++kk)
          acc += (int64_t(a[(aOffset * m + i) * k + kk]) - aZp) *
                 (int64_t(b[(bOffset * k + kk) * n + j]) - zb);
        expected.push_back(static_cast<int32_t>(acc));
      }
  }
  std::string source = llvm::formatv(
      "func.func @main(%a: {0}, %b: {1}{2}) -> {3} {{\n"
      "  %y = qnn.matmul %a, %b{4} {{a_zero_point = {5} : i32, b_zero_point "
      "= {6}} : ({0}, {1}{7}) -> {3}\n  return %y : {3}\n}",
      shapeType(aShape, "i8"), shapeType(bShape, "i8"),
      bias ? ", %c: " + shapeType({n}, "i32") : "", shapeType(yShape, "i32"),
      bias ? ", %c" : "", aZp, array<int32_t>("i32", bZp),
      bias ? ", " + shapeType({n}, "i32") : "");
  std::vector<HostTensor> inputs = {makeTensor(kInt8, aShape, a),
                                    makeTensor(kInt8, bShape, b)};
  if (bias)
    inputs.push_back(makeTensor(kInt32, {n}, biasValues));
  expectOutputs<int32_t>(source, inputs, {expected});
}

TEST(QNNLowering, MatMul) {
  checkMatMul({5, 16}, {16, 7}, -128, {0}, true);
  checkMatMul({2, 5, 13}, {13, 9}, 5, {127, -128, 0, 1, 2, 3, 4, 5, 6}, true);
  checkMatMul({2, 1, 3, 4}, {3, 4, 5}, 0, {-3}, false);
  checkMatMul({7}, {7, 3}, 127, {1}, false);
  checkMatMul({4, 6}, {6}, -1, {-128}, false);
  // Full register-kernel tiles with remainders (20 = 3*6 + 2 rows, 35 =
  // 2*16 + 3 columns), a batch sharing B, and a batch of B.
  checkMatMul({20, 48}, {48, 35}, -128, {0}, true);
  checkMatMul({3, 7, 40}, {40, 33}, 127, {-128}, true);
  checkMatMul({2, 13, 24}, {2, 24, 17}, -5, {0}, false);
}

TEST(QNNLowering, MatMulDotProductKernels) {
  // 2-D products take the dot-product kernels: K = 1, 5, 48, 577; one row,
  // row and column tails; zero points at both ends.
  forEachInt8Kernel([] {
    checkMatMul({5, 1}, {1, 7}, -128, {0}, true);
    checkMatMul({1, 5}, {5, 40}, 127, {-128}, false);
    checkMatMul({20, 48}, {48, 35}, -128, {0}, true);
    checkMatMul({7, 577}, {577, 17}, 3, {127}, true);
  });
}

//===----------------------------------------------------------------------===//
// Rescales
//===----------------------------------------------------------------------===//

/// The output stage of a qnn.requantize: per-channel (dimension 1) or
/// per-tensor multipliers and shifts, the output zero point and clamp.
struct RequantizeCase {
  SmallVector<int32_t> multipliers, shifts;
  int32_t zp, lo, hi;
};

/// qnn.requantize of `x` (i32 or i8, of `shape` [N, C, ...]) against
/// requantize() element by element.
template <typename T>
void checkRequantize(const RequantizeCase &c, RoundingMode mode,
                     ArrayRef<int64_t> shape, const std::vector<T> &x) {
  constexpr bool i8Input = std::is_same_v<T, int8_t>;
  std::string source = llvm::formatv(
      "func.func @main(%x: {0}) -> {1} {{\n"
      "  %y = qnn.requantize %x {{multiplier = {2}, shift = {3}, "
      "rounding = {4}, output_zero_point = {5} : i32, min = {6} : i32, "
      "max = {7} : i32} : ({0}) -> {1}\n  return %y : {1}\n}",
      shapeType(shape, i8Input ? "i8" : "i32"), shapeType(shape, "i8"),
      array<int32_t>("i32", c.multipliers), array<int32_t>("i32", c.shifts),
      roundingAttr(mode), c.zp, c.lo, c.hi);
  std::vector<int8_t> expected;
  int64_t inner = count(shape.drop_front(2));
  for (int64_t i = 0; i < count(shape); ++i) {
    size_t channel = (i / inner) % c.multipliers.size();
    expected.push_back(static_cast<int8_t>(
        requantize(x[i], c.multipliers[channel], c.shifts[channel], mode, c.zp,
                   c.lo, c.hi)));
  }
  expectOutputs<int8_t>(
      source, {makeTensor(i8Input ? kInt8 : kInt32, shape, x)}, {expected});
}

TEST(QNNLowering, Requantize) {
  struct Case {
    RequantizeCase rescale;
    bool i8Input;
  };
  std::vector<Case> cases = {
      {{{1}, {1}, 0, -128, 127}, false},  // every odd value ties
      {{{1}, {2}, -3, -128, 127}, false}, // quarter ties
      {{{1518500250}, {38}, 5, -128, 127}, false},
      {{{1073741824, 2147483647, 1200000000, 1},
        {38, 40, 31, 0},
        -128,
        -128,
        127},
       false},
      {{{3, 1}, {-2, -31}, 7, -10, 100}, false}, // left shifts, saturating
      {{{1, 1, 5, 1}, {3, 0, -1, 62}, 0, 0, 127}, false}, // mixed, ReLU clamp
      {{{1}, {1}, 0, -128, 127}, true},                   // i8 input
  };
  for (const Case &c : cases)
    for (RoundingMode mode : kRequantizeModes) {
      SmallVector<int64_t> shape = {
          2, static_cast<int64_t>(c.rescale.multipliers.size()), 3, 5};
      std::vector<int32_t> x32 = randomI32(count(shape), -(1 << 20), 1 << 20);
      // Extremes and small values (ties for small shifts).
      for (size_t i = 0; i < x32.size(); i += 7)
        x32[i] = i % 2 ? INT32_MIN : INT32_MAX;
      for (size_t i = 3; i < x32.size(); i += 5)
        x32[i] = static_cast<int32_t>(i % 17) - 8;
      std::vector<int8_t> x8 = randomI8(count(shape));
      if (c.i8Input)
        checkRequantize(c.rescale, mode, shape, x8);
      else
        checkRequantize(c.rescale, mode, shape, x32);
    }
}

TEST(QNNLowering, RequantizeNarrowShifts) {
  // Shifts of 32 to 62 take the 32-bit lowering: exact ties of both
  // halves of the 64-bit product (2^30 / 2^33 ties at x = 4 mod 8, 2^30 /
  // 2^32 at x = 2 mod 4 with the half in the low word), remainders just
  // above a tie in the low word only (2^30 + 1), just below one
  // (INT32_MIN * (2^31 - 1) / 2^62), and an exact tie at 2^62.
  std::vector<RequantizeCase> cases = {
      {{1073741824}, {33}, 0, -128, 127},
      {{1073741824}, {32}, -3, -128, 127},
      {{1073741825}, {40}, 5, -100, 100},
      {{2147483647}, {62}, 0, -128, 127},
      {{1073741824}, {62}, 1, -128, 127},
      {{1073741824, 1073741825, 1518500250, 2147483647},
       {32, 33, 40, 62},
       -128,
       -128,
       127},
  };
  std::vector<int32_t> inputs;
  for (int32_t v = -1030; v <= 1030; ++v)
    inputs.push_back(v);
  for (int32_t k = -130; k <= 130; ++k)
    for (int32_t d = -1; d <= 1; ++d)
      inputs.push_back(k * 1024 + 512 + d);
  for (int32_t v : {INT32_MIN, INT32_MIN + 1, INT32_MAX, INT32_MAX - 1, 1 << 30,
                    -(1 << 30), 3 << 29, -(3 << 29)})
    inputs.push_back(v);
  for (const RequantizeCase &c : cases)
    for (RoundingMode mode : kRequantizeModes) {
      auto channels = static_cast<int64_t>(c.multipliers.size());
      SmallVector<int64_t> shape = {1, channels,
                                    static_cast<int64_t>(inputs.size())};
      std::vector<int32_t> x;
      for (int64_t channel = 0; channel < channels; ++channel)
        llvm::append_range(x, inputs);
      checkRequantize(c, mode, shape, x);
    }
}

TEST(QNNLowering, AddAndMul) {
  SmallVector<int64_t> aShape = {2, 3, 4}, bShape = {3, 1}, yShape = {2, 3, 4};
  std::vector<int8_t> a = randomI8(count(aShape)), b = randomI8(count(bShape));
  struct Case {
    int32_t az, bz, am, bm, shift, zp, lo, hi;
  };
  for (const Case &c :
       {Case{0, 0, 3, -5, 2, 0, -128, 127},
        Case{-128, 127, 1518500250, 1073741824, 31, 3, -128, 127},
        Case{5, -7, 2, 2, -3, -20, -20, 60}, Case{1, 1, 1, 1, 1, 0, -128, 127}})
    for (RoundingMode mode : kModes) {
      std::string common = llvm::formatv(
          "shift = {0} : i32, rounding = {1}, output_zero_point = {2} : i32, "
          "min = {3} : i32, max = {4} : i32, a_zero_point = {5} : i32, "
          "b_zero_point = {6} : i32",
          c.shift, roundingAttr(mode), c.zp, c.lo, c.hi, c.az, c.bz);
      std::string source = llvm::formatv(
          "func.func @main(%a: {0}, %b: {1}) -> ({2}, {2}) {{\n"
          "  %s = qnn.add %a, %b {{a_multiplier = {3} : i32, b_multiplier = "
          "{4} : i32, {5}} : ({0}, {1}) -> {2}\n"
          "  %p = qnn.mul %a, %b {{multiplier = {3} : i32, {5}} : ({0}, {1}) "
          "-> {2}\n  return %s, %p : {2}, {2}\n}",
          shapeType(aShape, "i8"), shapeType(bShape, "i8"),
          shapeType(yShape, "i8"), c.am, std::abs(c.bm), common);
      std::vector<int8_t> sums, products;
      for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < 3; ++j)
          for (int64_t k = 0; k < 4; ++k) {
            int64_t av = a[(i * 3 + j) * 4 + k] - c.az, bv = b[j] - c.bz;
            sums.push_back(static_cast<int8_t>(
                requantize(av * c.am + bv * std::abs(c.bm), 1, c.shift, mode,
                           c.zp, c.lo, c.hi)));
            products.push_back(static_cast<int8_t>(
                requantize(av * bv, c.am, c.shift, mode, c.zp, c.lo, c.hi)));
          }
      expectOutputs<int8_t>(
          source, {makeTensor(kInt8, aShape, a), makeTensor(kInt8, bShape, b)},
          {sums, products});
    }
}

TEST(QNNLowering, Concat) {
  SmallVector<int64_t> s0 = {2, 3, 4}, s1 = {2, 2, 4}, s2 = {2, 1, 4};
  std::vector<int8_t> x0 = randomI8(count(s0)), x1 = randomI8(count(s1)),
                      x2 = randomI8(count(s2));
  SmallVector<int32_t> zps = {-3, 4, 127}, multipliers = {1, 3, 1518500250},
                       shifts = {0, 1, 33};
  for (RoundingMode mode : kModes) {
    std::string source = llvm::formatv(
        "func.func @main(%a: {0}, %b: {1}, %c: {2}) -> {3} {{\n"
        "  %y = qnn.concat %a, %b, %c {{axis = 1 : i64, input_zero_points = "
        "{4}, multipliers = {5}, shifts = {6}, rounding = {7}, "
        "output_zero_point = -3 : i32} : ({0}, {1}, {2}) -> {3}\n"
        "  return %y : {3}\n}",
        shapeType(s0, "i8"), shapeType(s1, "i8"), shapeType(s2, "i8"),
        shapeType({2, 6, 4}, "i8"), array<int32_t>("i32", zps),
        array<int32_t>("i32", multipliers), array<int32_t>("i32", shifts),
        roundingAttr(mode));
    std::vector<int8_t> expected;
    const std::vector<int8_t> *parts[] = {&x0, &x1, &x2};
    int64_t rows[] = {3, 2, 1};
    for (int64_t n = 0; n < 2; ++n)
      for (int p = 0; p < 3; ++p)
        for (int64_t i = 0; i < rows[p] * 4; ++i)
          expected.push_back(static_cast<int8_t>(
              requantize(int64_t((*parts[p])[n * rows[p] * 4 + i]) - zps[p],
                         multipliers[p], shifts[p], mode, -3)));
    expectOutputs<int8_t>(source,
                          {makeTensor(kInt8, s0, x0), makeTensor(kInt8, s1, x1),
                           makeTensor(kInt8, s2, x2)},
                          {expected});
  }
}

//===----------------------------------------------------------------------===//
// Pools
//===----------------------------------------------------------------------===//

/// `clamp(round(dividend * multiplier / (divisor * 2^shift)) + zp)`: an
/// average (sum / count) or a softmax entry (exp / row sum).
int8_t naiveQuotient(int64_t dividend, int64_t divisor, int32_t multiplier,
                     int32_t shift, RoundingMode mode, int32_t zp,
                     int32_t lo = -128, int32_t hi = 127) {
  __int128 numerator = __int128(dividend) * multiplier;
  if (shift < 0)
    numerator *= __int128(1) << -shift;
  __int128 denominator = __int128(divisor) << std::max(shift, 0);
  int64_t value = roundingDivide(numerator, denominator, mode);
  return static_cast<int8_t>(std::clamp<int64_t>(
      std::clamp<int64_t>(value, INT32_MIN, INT32_MAX) + zp, lo, hi));
}

TEST(QNNLowering, Pools) {
  SmallVector<int64_t> shape = {2, 3, 7, 6};
  std::vector<int8_t> x = randomI8(count(shape));
  struct Case {
    SmallVector<int64_t> kernel, strides, pads;
    bool ceil, includePad;
    int32_t zi, multiplier, shift;
  };
  for (const Case &c :
       {Case{{3, 3}, {2, 2}, {1, 1, 1, 1}, false, false, -5, 1, 0},
        Case{{3, 2}, {2, 2}, {1, 0, 1, 1}, true, true, 127, 1518500250, 31},
        Case{{2, 2}, {1, 2}, {0, 0, 0, 0}, true, false, -128, 3, -2},
        Case{{3, 3}, {3, 3}, {0, 1, 2, 0}, false, true, 0, 1, 62}})
    for (RoundingMode mode : kDivisionModes) {
      SmallVector<int64_t> yShape = {2, 3};
      for (int i = 0; i < 2; ++i) {
        int64_t span = shape[2 + i] + c.pads[i] + c.pads[2 + i] - c.kernel[i];
        int64_t out = (c.ceil ? (span + c.strides[i] - 1) / c.strides[i]
                              : span / c.strides[i]) +
                      1;
        // ONNX: the last window must start inside the input or left pad.
        if (c.ceil && (out - 1) * c.strides[i] >= shape[2 + i] + c.pads[i])
          --out;
        yShape.push_back(out);
      }
      std::string window = llvm::formatv(
          "kernel_shape = {0}, strides = {1}, pads = {2}, ceil_mode = {3}",
          array<int64_t>("i64", c.kernel), array<int64_t>("i64", c.strides),
          array<int64_t>("i64", c.pads), c.ceil ? "true" : "false");
      std::string source = llvm::formatv(
          "func.func @main(%x: {0}) -> ({1}, {1}) {{\n"
          "  %m = qnn.max_pool %x {{{2}, dilations = array<i64: 1, 1>} : ({0}) "
          "-> {1}\n"
          "  %a = qnn.avg_pool %x {{{2}, count_include_pad = {3}, "
          "input_zero_point = {4} : i32, multiplier = {5} : i32, shift = {6} "
          ": i32, rounding = {7}, output_zero_point = 2 : i32} : ({0}) -> {1}\n"
          "  return %m, %a : {1}, {1}\n}",
          shapeType(shape, "i8"), shapeType(yShape, "i8"), window,
          c.includePad ? "true" : "false", c.zi, c.multiplier, c.shift,
          roundingAttr(mode));
      std::vector<int8_t> maxima, averages;
      for (int64_t nc = 0; nc < 6; ++nc)
        for (int64_t oh = 0; oh < yShape[2]; ++oh)
          for (int64_t ow = 0; ow < yShape[3]; ++ow) {
            int64_t best = -128, sum = 0, inside = 0, padded = 0;
            for (int64_t kh = 0; kh < c.kernel[0]; ++kh)
              for (int64_t kw = 0; kw < c.kernel[1]; ++kw) {
                int64_t h = oh * c.strides[0] + kh - c.pads[0];
                int64_t w = ow * c.strides[1] + kw - c.pads[1];
                if (h < shape[2] + c.pads[2] && w < shape[3] + c.pads[3])
                  ++padded;
                if (h < 0 || w < 0 || h >= shape[2] || w >= shape[3])
                  continue;
                int64_t v = x[(nc * shape[2] + h) * shape[3] + w];
                best = std::max(best, v);
                sum += v - c.zi;
                ++inside;
              }
            maxima.push_back(static_cast<int8_t>(best));
            averages.push_back(naiveQuotient(sum,
                                             c.includePad ? padded : inside,
                                             c.multiplier, c.shift, mode, 2));
          }
      expectOutputs<int8_t>(source, {makeTensor(kInt8, shape, x)},
                            {maxima, averages});
    }
}

TEST(QNNLowering, GlobalAvgPool) {
  SmallVector<int64_t> shape = {2, 5, 7, 3};
  std::vector<int8_t> x = randomI8(count(shape));
  for (auto [zi, multiplier, shift] :
       {std::tuple{-128, 1, 0}, {3, 1518500250, 35}, {127, 5, -3}})
    for (RoundingMode mode : kDivisionModes) {
      std::string source = llvm::formatv(
          "func.func @main(%x: {0}) -> {1} {{\n"
          "  %y = qnn.global_avg_pool %x {{input_zero_point = {2} : i32, "
          "multiplier = {3} : i32, shift = {4} : i32, rounding = {5}, "
          "output_zero_point = -1 : i32, min = -100 : i32} : ({0}) -> {1}\n"
          "  return %y : {1}\n}",
          shapeType(shape, "i8"), shapeType({2, 5, 1, 1}, "i8"), zi, multiplier,
          shift, roundingAttr(mode));
      std::vector<int8_t> expected;
      for (int64_t nc = 0; nc < 10; ++nc) {
        int64_t sum = 0;
        for (int64_t i = 0; i < 21; ++i)
          sum += x[nc * 21 + i] - zi;
        expected.push_back(
            naiveQuotient(sum, 21, multiplier, shift, mode, -1, -100, 127));
      }
      expectOutputs<int8_t>(source, {makeTensor(kInt8, shape, x)}, {expected});
    }
}

//===----------------------------------------------------------------------===//
// Nonlinearities and the edges
//===----------------------------------------------------------------------===//

TEST(QNNLowering, LookupTable) {
  SmallVector<int64_t> shape = {3, 5, 7};
  std::vector<int8_t> x = randomI8(count(shape));
  std::vector<int8_t> table = randomI8(256);
  std::string source = llvm::formatv(
      "func.func @main(%x: {0}) -> {0} {{\n  %y = qnn.lut %x {{table = {1}} : "
      "({0}) -> {0}\n  return %y : {0}\n}",
      shapeType(shape, "i8"),
      array<int>("i8", SmallVector<int>(table.begin(), table.end())));
  std::vector<int8_t> expected;
  for (int8_t v : x)
    expected.push_back(table[v + 128]);
  expectOutputs<int8_t>(source, {makeTensor(kInt8, shape, x)}, {expected});
}

TEST(QNNLowering, Softmax) {
  SmallVector<int64_t> shape = {3, 10, 4};
  std::vector<int8_t> x = randomI8(count(shape));
  SmallVector<int32_t> table;
  for (int d = 0; d < 256; ++d)
    table.push_back(
        static_cast<int32_t>(std::lround(1048576 * std::exp(-d * 0.07))));
  for (auto [axis, multiplier, shift] :
       {std::tuple{1, 1, -8}, {-1, 1518500250, 23}, {0, 1, -31}})
    for (RoundingMode mode : kDivisionModes) {
      std::string source = llvm::formatv(
          "func.func @main(%x: {0}) -> {0} {{\n  %y = qnn.softmax %x {{axis = "
          "{1} : i64, exp_table = {2}, multiplier = {3} : i32, shift = {4} : "
          "i32, rounding = {5}, output_zero_point = -128 : i32} : ({0}) -> "
          "{0}\n  return %y : {0}\n}",
          shapeType(shape, "i8"), axis, array<int32_t>("i32", table),
          multiplier, shift, roundingAttr(mode));
      int64_t a = axis < 0 ? axis + 3 : axis;
      int64_t strides[3] = {40, 4, 1};
      std::vector<int8_t> expected(count(shape));
      for (int64_t i = 0; i < count(shape); ++i) {
        int64_t base = i - ((i / strides[a]) % shape[a]) * strides[a];
        int64_t mx = -128;
        for (int64_t j = 0; j < shape[a]; ++j)
          mx = std::max<int64_t>(mx, x[base + j * strides[a]]);
        int64_t sum = 0;
        for (int64_t j = 0; j < shape[a]; ++j)
          sum += table[mx - x[base + j * strides[a]]];
        expected[i] =
            naiveQuotient(table[mx - x[i]], sum, multiplier, shift, mode, -128);
      }
      expectOutputs<int8_t>(source, {makeTensor(kInt8, shape, x)}, {expected});
    }
}

TEST(QNNLowering, QuantizeAndDequantize) {
  SmallVector<int64_t> shape = {2, 3, 5};
  std::uniform_real_distribution<float> value(-3.0f, 3.0f);
  std::vector<float> x(count(shape));
  for (float &v : x)
    v = value(rng());
  // Exact ties x / scale = k + 0.5 and saturation.
  x[0] = 0.25f, x[1] = 0.75f, x[2] = -0.25f, x[3] = 1e6f, x[4] = -1e6f;
  SmallVector<float> scales = {0.5f, 0.0235f, 0.125f};
  SmallVector<int32_t> zps = {0, -128, 127};
  std::vector<int32_t> acc = randomI32(count(shape), INT32_MIN, INT32_MAX);
  std::string source = llvm::formatv(
      "func.func @main(%x: {0}, %a: {1}) -> ({2}, {2}, {0}, {0}) {{\n"
      "  %q = qnn.quantize %x {{scale = array<f32: 0.5, 0.0235, 0.125>, "
      "zero_point = {3}} : ({0}) -> {2}\n"
      "  %t = qnn.quantize %x {{scale = array<f32: 0.0235>, zero_point = "
      "array<i32: 3>} : ({0}) -> {2}\n"
      "  %d = qnn.dequantize %q {{scale = array<f32: 0.5, 0.0235, 0.125>, "
      "zero_point = {3}} : ({2}) -> {0}\n"
      "  %e = qnn.dequantize %a {{scale = array<f32: 0.001>, zero_point = "
      "array<i32: -7>} : ({1}) -> {0}\n"
      "  return %q, %t, %d, %e : {2}, {2}, {0}, {0}\n}",
      shapeType(shape, "f32"), shapeType(shape, "i32"), shapeType(shape, "i8"),
      array<int32_t>("i32", zps));
  auto quantize = [](float v, float scale, int32_t zp) {
    float q = std::nearbyint(v / scale);
    q = std::clamp(q, -131072.0f, 131072.0f);
    return static_cast<int8_t>(
        std::clamp<int32_t>(static_cast<int32_t>(q) + zp, -128, 127));
  };
  std::vector<int8_t> perChannel, perTensor;
  std::vector<float> dequantized, accumulators;
  for (int64_t i = 0; i < count(shape); ++i) {
    int64_t c = (i / 5) % 3;
    perChannel.push_back(quantize(x[i], scales[c], zps[c]));
    perTensor.push_back(quantize(x[i], 0.0235f, 3));
    dequantized.push_back(
        static_cast<float>(int64_t(perChannel.back()) - zps[c]) * scales[c]);
    accumulators.push_back(static_cast<float>(int64_t(acc[i]) + 7) * 0.001f);
  }
  std::vector<HostTensor> outputs = run(
      source, {makeTensor(kFloat, shape, x), makeTensor(kInt32, shape, acc)});
  ASSERT_EQ(outputs.size(), 4u);
  EXPECT_EQ(values<int8_t>(outputs[0]), perChannel);
  EXPECT_EQ(values<int8_t>(outputs[1]), perTensor);
  EXPECT_EQ(values<float>(outputs[2]), dequantized);
  EXPECT_EQ(values<float>(outputs[3]), accumulators);
}

} // namespace
