// RUN: whittle-opt --whittle-cuda-plan %s --split-input-file --verify-diagnostics
// RUN: not whittle-opt --whittle-cuda-plan=gpu=sm_75 %S/plan-kernels.mlir 2>&1 | FileCheck %s --check-prefix=GPU
// GPU: error: unknown GPU 'sm_75'; give gpu=sm_80 (A100) or gpu=sm_90a (H100, H200)

// What the CUDA back end cannot run is named, and the module is left
// unchanged (nothing is written before every op is planned).

func.func @main(%arg0: tensor<1x16x4x4xf32>, %w: tensor<16x16x3x3xi8>) -> tensor<1x16x4x4xi32> {
  %q = qnn.quantize %arg0 {scale = array<f32: 0.1>, zero_point = array<i32: 0>} : (tensor<1x16x4x4xf32>) -> tensor<1x16x4x4xi8>
  // expected-error @+1 {{has weights computed at run time; the CUDA back end takes constant weights}}
  %c = qnn.conv %q, %w {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>} : (tensor<1x16x4x4xi8>, tensor<16x16x3x3xi8>) -> tensor<1x16x4x4xi32>
  return %c : tensor<1x16x4x4xi32>
}

// -----

func.func @main(%arg0: tensor<1x16x2x4x4xf32>) -> tensor<1x16x2x4x4xi32> {
  %w = nn.constant dense<1> : tensor<16x16x1x3x3xi8>
  %q = qnn.quantize %arg0 {scale = array<f32: 0.1>, zero_point = array<i32: 0>} : (tensor<1x16x2x4x4xf32>) -> tensor<1x16x2x4x4xi8>
  // expected-error @+1 {{is a 3-D convolution; the CUDA back end has 1-D and 2-D ones}}
  %c = qnn.conv %q, %w {dilations = array<i64: 1, 1, 1>, pads = array<i64: 0, 1, 1, 0, 1, 1>, strides = array<i64: 1, 1, 1>, weight_zero_point = array<i32: 0>} : (tensor<1x16x2x4x4xi8>, tensor<16x16x1x3x3xi8>) -> tensor<1x16x2x4x4xi32>
  return %c : tensor<1x16x2x4x4xi32>
}

// -----

// A constant activation lies row-major; a convolution reads channels last.
func.func @main(%arg0: tensor<1x16x4x4xi8>) -> tensor<1x16x4x4xi32> {
  %w = nn.constant dense<1> : tensor<16x16x3x3xi8>
  %x = nn.constant dense<3> : tensor<1x16x4x4xi8>
  // expected-error @+1 {{reads a constant, which the CUDA back end holds row-major, but its kernel reads channels innermost}}
  %c = qnn.conv %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>} : (tensor<1x16x4x4xi8>, tensor<16x16x3x3xi8>) -> tensor<1x16x4x4xi32>
  return %c : tensor<1x16x4x4xi32>
}

// -----

func.func @main(%arg0: tensor<2x8xf32>, %b: tensor<8x4xi8>) -> tensor<2x4xi32> {
  %q = qnn.quantize %arg0 {scale = array<f32: 0.1>, zero_point = array<i32: 0>} : (tensor<2x8xf32>) -> tensor<2x8xi8>
  // expected-error @+1 {{multiplies by a computed or batched right operand; the CUDA back end takes a constant K x N matrix}}
  %m = qnn.matmul %q, %b {b_zero_point = array<i32: 0>} : (tensor<2x8xi8>, tensor<8x4xi8>) -> tensor<2x4xi32>
  return %m : tensor<2x4xi32>
}

// -----

func.func @main(%arg0: tensor<1x4x2x2xf32>) -> tensor<1x4x4x4xi32> {
  %w = nn.constant dense<1> : tensor<4x4x2x2xi8>
  %q = qnn.quantize %arg0 {scale = array<f32: 0.1>, zero_point = array<i32: 0>} : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xi8>
  // expected-error @+1 {{has no CUDA kernel; the CUDA back end cannot emit it}}
  %t = qnn.conv_transpose %q, %w {dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, weight_zero_point = array<i32: 0>} : (tensor<1x4x2x2xi8>, tensor<4x4x2x2xi8>) -> tensor<1x4x4x4xi32>
  return %t : tensor<1x4x4x4xi32>
}

// -----

func.func @main(%arg0: tensor<2x8xi8>) -> tensor<2x8xi8> {
  // expected-error @+1 {{returns operand 0 straight from an argument or a constant; the CUDA back end returns values that a kernel computes}}
  return %arg0 : tensor<2x8xi8>
}
