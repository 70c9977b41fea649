// RUN: whittle-opt %s --convert-nn-to-linalg -split-input-file -verify-diagnostics
// The pattern reports why; the conversion then fails on the op.

func.func @resize_antialias(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %n = nn.none
  %scales = nn.constant dense<[1.0, 1.0, 0.5, 0.5]> : tensor<4xf32>
  // expected-error @+2 {{antialias is not supported}}
  // expected-error @+1 {{failed to legalize}}
  %0 = nn.resize %x, %n, %scales, %n {antialias = 1 : i64, mode = "linear"} : (tensor<1x1x4x4xf32>, none, tensor<4xf32>, none) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @resize_linear_int(%x: tensor<1x4xi32>) -> tensor<1x8xi32> {
  %n = nn.none
  %scales = nn.constant dense<[1.0, 2.0]> : tensor<2xf32>
  // expected-error @+2 {{'linear' interpolation of 'i32' is not supported}}
  // expected-error @+1 {{failed to legalize}}
  %0 = nn.resize %x, %n, %scales, %n {mode = "linear"} : (tensor<1x4xi32>, none, tensor<2xf32>, none) -> tensor<1x8xi32>
  return %0 : tensor<1x8xi32>
}

// -----

func.func @pad_reflect_empty(%x: tensor<0x3xf32>) -> tensor<2x3xf32> {
  %pads = nn.constant dense<[1, 0, 1, 0]> : tensor<4xi64>
  %n = nn.none
  // expected-error @+2 {{cannot pad an empty dimension in mode 'reflect'}}
  // expected-error @+1 {{failed to legalize}}
  %0 = nn.pad %x, %pads, %n, %n {mode = "reflect"} : (tensor<0x3xf32>, tensor<4xi64>, none, none) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
