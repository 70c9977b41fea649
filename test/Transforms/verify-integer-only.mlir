// RUN: whittle-opt %s --split-input-file --verify-integer-only -verify-diagnostics | FileCheck %s

// An integer-only model: float input, data movement before the quantize,
// integer layers and data movement on i8, data movement after the
// dequantize. Unchanged.
// CHECK-LABEL: func @integer_only
// CHECK: qnn.quantize
// CHECK: qnn.dequantize
func.func @integer_only(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xi8>) -> tensor<1x8xf32> {
  %pads = nn.constant dense<[0, 0, 1, 1, 0, 0, 1, 1]> : tensor<8xi64>
  %value = nn.constant dense<0.0> : tensor<f32>
  %none = nn.none
  %p = nn.pad %x, %pads, %value, %none {mode = "constant"} : (tensor<1x1x4x4xf32>, tensor<8xi64>, tensor<f32>, none) -> tensor<1x1x6x6xf32>
  %q = qnn.quantize %p {scale = array<f32: 0.1>, zero_point = array<i32: 0>} : (tensor<1x1x6x6xf32>) -> tensor<1x1x6x6xi8>
  %acc = qnn.conv %q, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, weight_zero_point = array<i32: 0>} : (tensor<1x1x6x6xi8>, tensor<2x1x3x3xi8>) -> tensor<1x2x4x4xi32>
  %y = qnn.requantize %acc {multiplier = array<i32: 1073741824>, shift = array<i32: 36>} : (tensor<1x2x4x4xi32>) -> tensor<1x2x4x4xi8>
  %m = qnn.max_pool %y {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8>
  %f = qnn.dequantize %m {scale = array<f32: 0.5>, zero_point = array<i32: 0>} : (tensor<1x2x2x2xi8>) -> tensor<1x2x2x2xf32>
  %flat = nn.flatten %f {axis = 1 : i64} : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
  return %flat : tensor<1x8xf32>
}

// -----

// A float activation left in the middle.
func.func @float_sigmoid(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = qnn.quantize %x {scale = array<f32: 0.1>, zero_point = array<i32: 0>} : (tensor<4xf32>) -> tensor<4xi8>
  // expected-error @+1 {{'qnn.dequantize' dequantizes a value that is used inside the model}}
  %d = qnn.dequantize %q {scale = array<f32: 0.1>, zero_point = array<i32: 0>} : (tensor<4xi8>) -> tensor<4xf32>
  // expected-error @+1 {{'nn.sigmoid' computes on tensor<4xf32> inside the integer-only region}}
  %s = nn.sigmoid %d : (tensor<4xf32>) -> tensor<4xf32>
  // expected-error @+1 {{'qnn.quantize' quantizes a float value computed inside the model}}
  %r = qnn.quantize %s {scale = array<f32: 0.01>, zero_point = array<i32: 0>} : (tensor<4xf32>) -> tensor<4xi8>
  %f = qnn.dequantize %r {scale = array<f32: 0.01>, zero_point = array<i32: 0>} : (tensor<4xi8>) -> tensor<4xf32>
  return %f : tensor<4xf32>
}

// -----

// A dequantize -> float add -> quantize sandwich.
func.func @sandwich(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %a = qnn.quantize %x {scale = array<f32: 0.1>, zero_point = array<i32: 0>} : (tensor<4xf32>) -> tensor<4xi8>
  %b = qnn.quantize %y {scale = array<f32: 0.1>, zero_point = array<i32: 0>} : (tensor<4xf32>) -> tensor<4xi8>
  // expected-error @+1 {{'qnn.dequantize' dequantizes a value that is used inside the model}}
  %fa = qnn.dequantize %a {scale = array<f32: 0.1>, zero_point = array<i32: 0>} : (tensor<4xi8>) -> tensor<4xf32>
  // expected-error @+1 {{'qnn.dequantize' dequantizes a value that is used inside the model}}
  %fb = qnn.dequantize %b {scale = array<f32: 0.1>, zero_point = array<i32: 0>} : (tensor<4xi8>) -> tensor<4xf32>
  // expected-error @+1 {{'nn.add' computes on tensor<4xf32>}}
  %s = nn.add %fa, %fb : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  // expected-error @+1 {{'qnn.quantize' quantizes a float value computed inside the model}}
  %q = qnn.quantize %s {scale = array<f32: 0.2>, zero_point = array<i32: 0>} : (tensor<4xf32>) -> tensor<4xi8>
  %f = qnn.dequantize %q {scale = array<f32: 0.2>, zero_point = array<i32: 0>} : (tensor<4xi8>) -> tensor<4xf32>
  return %f : tensor<4xf32>
}

// -----

// Float weights left over from an unquantized layer.
func.func @float_weights(%x: tensor<1x4xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{'nn.constant' is a float constant used inside the model (float weights left over)}}
  %w = nn.constant dense<0.5> : tensor<4x3xf32>
  // expected-error @+1 {{'nn.matmul' computes on tensor<1x4xf32>}}
  %y = nn.matmul %x, %w : (tensor<1x4xf32>, tensor<4x3xf32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}
