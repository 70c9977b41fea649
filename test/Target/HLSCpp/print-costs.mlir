// --hlscpp-print-costs evaluates the cost model's cycles with one
// parallelism for every stage (a layer-sequential engine such as the DPU):
// here 8 pixels x 4 input x 4 output channels.
// RUN: whittle-opt %s "--hlscpp-print-costs=simd=4 pe=4 pixels=8" -o /dev/null | FileCheck %s

// The 3x3 convolution: ceil(8/4) output x 9 positions x ceil(6/4) input
// tiles x ceil(64/8) pixel groups = 2 * 9 * 2 * 8 cycles.
// CHECK:      "cycles": 288,
// CHECK-NEXT: "in_bytes": 384,
// CHECK-NEXT: "kind": "matrix_vector",
// CHECK-NEXT: "macs": 27648,
// CHECK-NEXT: "op": "qnn.conv",
// CHECK-NEXT: "out_bytes": 512,
// CHECK-NEXT: "weight_bytes": 432
// The depthwise convolution: ceil(8/4) channel groups x 9 positions x 8
// pixel groups.
// CHECK:      "cycles": 144,
// CHECK:      "kind": "depthwise",
// CHECK-NEXT: "macs": 4608,
// The add: 512 elements in 4 x 8 lanes.
// CHECK:      "cycles": 16,
// CHECK:      "kind": "elementwise",
// CHECK:      "op": "qnn.add",
func.func @layers(%x: tensor<1x6x8x8xi8>) -> tensor<1x8x8x8xi8> {
  %w = nn.constant dense<1> : tensor<8x6x3x3xi8>
  %d = nn.constant dense<1> : tensor<8x1x3x3xi8>
  %c = qnn.conv %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>} : (tensor<1x6x8x8xi8>, tensor<8x6x3x3xi8>) -> tensor<1x8x8x8xi32>
  %r = qnn.requantize %c {multiplier = array<i32: 1073741824>, shift = array<i32: 40>} : (tensor<1x8x8x8xi32>) -> tensor<1x8x8x8xi8>
  %e = qnn.conv %r, %d {dilations = array<i64: 1, 1>, group = 8 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>} : (tensor<1x8x8x8xi8>, tensor<8x1x3x3xi8>) -> tensor<1x8x8x8xi32>
  %s = qnn.requantize %e {multiplier = array<i32: 1073741824>, shift = array<i32: 40>} : (tensor<1x8x8x8xi32>) -> tensor<1x8x8x8xi8>
  %y = qnn.add %r, %s {a_multiplier = 1073741824 : i32, b_multiplier = 1073741824 : i32, shift = 31 : i32} : (tensor<1x8x8x8xi8>, tensor<1x8x8x8xi8>) -> tensor<1x8x8x8xi8>
  return %y : tensor<1x8x8x8xi8>
}
