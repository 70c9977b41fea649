// Explicit ranks that would not shrink the layer leave it alone with a
// warning.
// RUN: whittle-opt %s --verify-diagnostics --whittle-factorize="layer-ranks=l:4:8" | FileCheck %s
// CHECK: nn.conv %arg0, %{{.*}}, %{{.*}} {kernel_shape = array<i64: 3, 3>}
// CHECK-NOT: whittle.compression
func.func @main(%x: tensor<1x4x8x8xf32>) -> tensor<1x8x6x6xf32> {
  %w = nn.constant dense<1.0> : tensor<8x4x3x3xf32>
  %none = nn.none
  // expected-warning@unknown {{whittle-factorize: layer 'l' left alone: ranks 4:8 would not reduce both MACs (10368 -> 13696) and parameters (288 -> 368)}}
  %y = nn.conv %x, %w, %none {kernel_shape = array<i64: 3, 3>} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>, none) -> tensor<1x8x6x6xf32> loc("l")
  return %y : tensor<1x8x6x6xf32>
}
