// RUN: whittle-opt %s --nn-print-model-summary -o /dev/null | FileCheck %s

// conv: 2*8*6*6 outputs x (4/2 channels * 3*3) = 10368 MACs.
// conv_transpose: every input element (2*4*5*5 = 200) meets the M/group *
//   kernel = 4*2*2 weights of its channel: 3200.
// matmul: 2x3x5 by 5x7 -> 2*3*7 outputs x K=5 = 210.
// gemm with transA: A is 5x3 (K=5), output 3x7 -> 21*5 = 105.
// Parameters: conv W 8*2*3*3=144 + B 8, conv_transpose W 4*4*2*2=64,
//   matmul B 35, gemm B 35; the i64 reshape shape is not a parameter.
func.func @model(%x: tensor<2x4x8x8xf32>, %y: tensor<2x4x5x5xf32>,
                 %a: tensor<2x3x5xf32>, %at: tensor<5x3xf32>) {
  %w = nn.constant dense<1.0> : tensor<8x2x3x3xf32>
  %b = nn.constant dense<0.0> : tensor<8xf32>
  %0 = nn.conv %x, %w, %b {group = 2 : i64} : (tensor<2x4x8x8xf32>, tensor<8x2x3x3xf32>, tensor<8xf32>) -> tensor<2x8x6x6xf32>
  %none = nn.none
  %wt = nn.constant dense<1.0> : tensor<4x4x2x2xf32>
  %1 = nn.conv_transpose %y, %wt, %none {group = 2 : i64} : (tensor<2x4x5x5xf32>, tensor<4x4x2x2xf32>, none) -> tensor<2x8x6x6xf32>
  %m = nn.constant dense<1.0> : tensor<5x7xf32>
  %2 = nn.matmul %a, %m : (tensor<2x3x5xf32>, tensor<5x7xf32>) -> tensor<2x3x7xf32>
  %g = nn.constant dense<1.0> : tensor<5x7xf32>
  %3 = nn.gemm %at, %g, %none {transA = 1 : i64} : (tensor<5x3xf32>, tensor<5x7xf32>, none) -> tensor<3x7xf32>
  %s = nn.constant dense<[2, 3, 7]> : tensor<3xi64>
  %4 = nn.reshape %2, %s : (tensor<2x3x7xf32>, tensor<3xi64>) -> tensor<2x3x7xf32>
  %5 = nn.relu %4 : (tensor<2x3x7xf32>) -> tensor<2x3x7xf32>
  return
}
// CHECK: op count MACs
// CHECK: conv 1 10368
// CHECK: conv_transpose 1 3200
// CHECK: matmul 1 210
// CHECK: gemm 1 105
// CHECK-DAG: relu 1 0
// CHECK-DAG: reshape 1 0
// CHECK: total MACs 13883
// CHECK: parameters 286
