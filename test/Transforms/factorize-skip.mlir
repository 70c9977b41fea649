// RUN: whittle-opt %s --split-input-file --verify-diagnostics --whittle-factorize="ranks=energy=0.95" | FileCheck %s

// A conv with one input channel grows under Tucker-2 at any rank: it stays,
// with a remark saying why (four orthogonal filters: R3 = 1, R4 = 4).
// CHECK-LABEL: func.func @grows
// CHECK: nn.conv %arg0, %{{.*}}, %{{.*}} {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x8x8xf32>, tensor<4x1x3x3xf32>, none) -> tensor<1x4x8x8xf32>
// CHECK-NOT: whittle.compression
func.func @grows(%x: tensor<1x1x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = nn.constant dense<[[[[1.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]], [[[0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]], [[[0.0, 0.0, 1.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]], [[[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]]]> : tensor<4x1x3x3xf32>
  %none = nn.none
  // expected-remark@unknown {{whittle-factorize: layer 'stem' left alone: MACs 2304 -> 3392, parameters 36 -> 53}}
  %y = nn.conv %x, %w, %none {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x8x8xf32>, tensor<4x1x3x3xf32>, none) -> tensor<1x4x8x8xf32> loc("stem")
  return %y : tensor<1x4x8x8xf32>
}

// -----

// Grouped convs are left alone with a remark.
// CHECK-LABEL: func.func @grouped
// CHECK: nn.conv %arg0, %{{.*}}, %{{.*}} {group = 2 : i64
// CHECK-NOT: whittle.compression
func.func @grouped(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = nn.constant dense<1.0> : tensor<4x2x3x3xf32>
  %none = nn.none
  // expected-remark@unknown {{whittle-factorize: layer 'grouped' left alone: it is a grouped convolution (group = 2)}}
  %y = nn.conv %x, %w, %none {group = 2 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>, none) -> tensor<1x4x8x8xf32> loc("grouped")
  return %y : tensor<1x4x8x8xf32>
}

// -----

// Products of two activations are not weight layers: no remark.
// CHECK-LABEL: func.func @activations
// CHECK: nn.matmul %arg0, %arg1
// CHECK: nn.conv %arg2, %arg3
func.func @activations(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>, %x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> (tensor<4x4xf32>, tensor<1x8x6x6xf32>) {
  %y = nn.matmul %a, %b : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32>
  %none = nn.none
  %z = nn.conv %x, %w, %none {kernel_shape = array<i64: 3, 3>} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>, none) -> tensor<1x8x6x6xf32>
  return %y, %z : tensor<4x4xf32>, tensor<1x8x6x6xf32>
}
