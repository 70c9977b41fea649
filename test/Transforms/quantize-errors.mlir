// Errors name the layer (the ONNX node name, here the location).
// RUN: not whittle-opt %s --split-input-file --whittle-quantize 2>&1 | FileCheck %s

func.func @relu(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // CHECK: error: whittle-quantize: no calibrated range for this value; run whittle-calibrate (data=PATH) first
  %0 = nn.relu %x : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

func.func @lrn(%x: tensor<1x2x4x4xf32> {whittle.range = array<f64: -1.0, 1.0>}) -> tensor<1x2x4x4xf32> {
  // CHECK: error: {{.*}}whittle-quantize: cannot quantize 'lrn' (nn.lrn): qnn has no integer form of it; supported are Conv, Gemm, MatMul with constant weights, Add, Sub, Mul, Div by a constant, Relu, Clip, MaxPool, AveragePool, GlobalAveragePool, Concat, Softmax, Resize, data movement and the elementwise Sigmoid, Tanh, Exp, Erf, Gelu, HardSigmoid, HardSwish and LeakyRelu. Replace it in the model or leave the model in float
  %0 = nn.lrn %x {size = 3 : i64, whittle.range = array<f64: -1.0, 1.0>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("lrn")
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// 140000 weights of 127 times |x| <= 128 reach 2.28e9 >= 2^31.
func.func @matmul(%x: tensor<1x140000xf32> {whittle.range = array<f64: -1.0, 1.0>}) -> tensor<1x1xf32> {
  %w = nn.constant dense<1.0> : tensor<140000x1xf32>
  // CHECK: error: {{.*}}whittle-quantize: the i32 accumulator of 'huge_k' can overflow: output channel 0 can reach 2275840000 >= 2^31 (sum |w| = 17780000 times |x - zx| <= 128); split the layer's reduction (fewer input channels per layer) before quantizing
  %0 = nn.matmul %x, %w {whittle.range = array<f64: -1.0, 1.0>} : (tensor<1x140000xf32>, tensor<140000x1xf32>) -> tensor<1x1xf32> loc("huge_k")
  return %0 : tensor<1x1xf32>
}

// -----

func.func @gemm(%x: tensor<3x4xf32> {whittle.range = array<f64: -1.0, 1.0>}) -> tensor<4x2xf32> {
  %w = nn.constant dense<1.0> : tensor<3x2xf32>
  %none = nn.none
  // CHECK: error: {{.*}}whittle-quantize: 'fc' transposes A; only Gemm with transA = 0 can be quantized
  %0 = nn.gemm %x, %w, %none {transA = 1 : i64, whittle.range = array<f64: -1.0, 1.0>} : (tensor<3x4xf32>, tensor<3x2xf32>, none) -> tensor<4x2xf32> loc("fc")
  return %0 : tensor<4x2xf32>
}

// -----

func.func @conv(%x: tensor<1x1x4x4xf32> {whittle.range = array<f64: -1.0, 1.0>}, %w: tensor<1x1x3x3xf32> {whittle.range = array<f64: -1.0, 1.0>}) -> tensor<1x1x2x2xf32> {
  %none = nn.none
  // CHECK: error: {{.*}}whittle-quantize: 'dynamic' has computed weights; only convolutions with constant weights can be quantized
  %0 = nn.conv %x, %w, %none {whittle.range = array<f64: -1.0, 1.0>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>, none) -> tensor<1x1x2x2xf32> loc("dynamic")
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @max_pool(%x: tensor<1x1x4x4xf32> {whittle.range = array<f64: -1.0, 1.0>}) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) {
  // CHECK: error: {{.*}}whittle-quantize: 'pool' uses MaxPool's Indices, which integer models do not compute
  %y, %i = nn.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) loc("pool")
  return %y, %i : tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>
}

// -----

func.func @div(%x: tensor<1x4xf32> {whittle.range = array<f64: -1.0, 1.0>}, %y: tensor<1x4xf32> {whittle.range = array<f64: -1.0, 1.0>}) -> tensor<1x4xf32> {
  // CHECK: error: {{.*}}whittle-quantize: 'ratio' divides by a computed tensor; only division by a constant is supported
  %0 = nn.div %x, %y {whittle.range = array<f64: -1.0, 1.0>} : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32> loc("ratio")
  return %0 : tensor<1x4xf32>
}

// -----

// Cubic interpolation has no integer form.
func.func @resize(%x: tensor<1x1x2x2xf32> {whittle.range = array<f64: -1.27, 1.27>}) -> tensor<1x1x4x4xf32> {
  %none = nn.none
  %scales = nn.constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
  // CHECK: error: {{.*}}whittle-quantize: cannot quantize '{{.*}}' (nn.resize): 'cubic' interpolation has no integer form
  %y = nn.resize %x, %none, %scales, %none {mode = "cubic", whittle.range = array<f64: -1.27, 1.27>} : (tensor<1x1x2x2xf32>, none, tensor<4xf32>, none) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// CHECK: error: whittle-quantize: the module has more than one public function (@first, @second); make the helpers private
func.func @first(%x: tensor<1x4xf32> {whittle.range = array<f64: -1.0, 1.0>}) -> tensor<1x4xf32> {
  return %x : tensor<1x4xf32>
}
func.func @second(%x: tensor<1x4xf32> {whittle.range = array<f64: -1.0, 1.0>}) -> tensor<1x4xf32> {
  return %x : tensor<1x4xf32>
}
