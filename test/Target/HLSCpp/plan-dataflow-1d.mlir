// A 1-D convolution is costed as the emitted stages see it, a 2-D window of
// height 1: one row of 16 pixels, the kernel along the width, so streamed
// weights have one row tile (the whole row) and the window needs the first
// 2 pixels of the row (pad 1) before its first output.
// RUN: whittle-opt %s --hlscpp-attach-device=device=zu3eg "--hlscpp-plan-dataflow=costs-file=%t.json" -o /dev/null
// RUN: FileCheck %s < %t.json

// CHECK:      "in_hw": [
// CHECK-NEXT:   1,
// CHECK-NEXT:   16
// CHECK-NEXT: ],
// CHECK:      "kernel": [
// CHECK-NEXT:   1,
// CHECK-NEXT:   3
// CHECK-NEXT: ],
// CHECK:      "out_hw": [
// CHECK-NEXT:   1,
// CHECK-NEXT:   16
// CHECK-NEXT: ],
// CHECK-NOT:  "row_tile": 4
func.func @main(%x: tensor<1x4x16xi8>) -> tensor<1x8x16xi8> {
  %w = nn.constant dense<1> : tensor<8x4x3xi8>
  %c = qnn.conv %x, %w {dilations = array<i64: 1>, pads = array<i64: 1, 1>, strides = array<i64: 1>, weight_zero_point = array<i32: 0>} : (tensor<1x4x16xi8>, tensor<8x4x3xi8>) -> tensor<1x8x16xi32>
  %r = qnn.requantize %c {multiplier = array<i32: 1073741824>, shift = array<i32: 40>} : (tensor<1x8x16xi32>) -> tensor<1x8x16xi8>
  return %r : tensor<1x8x16xi8>
}
