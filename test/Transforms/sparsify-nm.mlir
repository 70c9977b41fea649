// RUN: whittle-opt %s --whittle-sparsify="granularity=n:m layer-sparsity=l:0.5" -split-input-file | FileCheck %s
// RUN: whittle-opt %s --whittle-sparsify="granularity=n:m n=1 m=2 layer-sparsity=l:0.5" -split-input-file | FileCheck %s --check-prefix=ONE-TWO

// Conv weights [T, S, kh, kw]: the groups of 4 run along S (input
// channels) at a fixed output channel and kernel position, the innermost K
// index of an NHWC implicit GEMM. Each group keeps its 2 largest
// magnitudes; ties are broken by position (t = 1, kw = 1: -7, 1, 1, 1
// keeps -7 and the last 1).
// CHECK-LABEL: func.func @conv_along_input_channels
// CHECK: nn.constant dense<{{\[\[\[\[}}0.000000e+00, 4.000000e+00]], {{\[\[}}-5.000000e+00, 0.000000e+00]], {{\[\[}}2.000000e+00, 0.000000e+00]], {{\[\[}}0.000000e+00, 6.000000e+00]]], {{\[\[\[}}0.000000e+00, -7.000000e+00]], {{\[\[}}0.000000e+00, 0.000000e+00]], {{\[\[}}3.000000e-01, 0.000000e+00]], {{\[\[}}4.000000e-01, 1.000000e+00]]]]> : tensor<2x4x1x2xf32>
// CHECK: nn.conv
// CHECK-SAME: whittle.compression = #nn.compression<layer = "l", form = "mask-n:m"
// CHECK-SAME: sparsity = 5.000000e-01, params_before
// CHECK-SAME: whittle.sparsity = #nn.sparsity<"n:m", n = 2, m = 4, sparsity = 5.000000e-01, weight_operand = 1, out_axis = 0, in_axis = 1>
func.func @conv_along_input_channels(%x: tensor<1x4x3x3xf32>) -> tensor<1x2x3x2xf32> {
  %none = nn.none
  %w = nn.constant dense<[[[[1.0, 4.0]], [[-5.0, 3.0]], [[2.0, -1.0]], [[0.5, 6.0]]], [[[0.1, -7.0]], [[0.2, 1.0]], [[0.3, 1.0]], [[0.4, 1.0]]]]> : tensor<2x4x1x2xf32>
  %0 = nn.conv %x, %w, %none : (tensor<1x4x3x3xf32>, tensor<2x4x1x2xf32>, none) -> tensor<1x2x3x2xf32> loc("l")
  return %0 : tensor<1x2x3x2xf32>
}

// -----

// Gemm B [K, N]: the groups run along K (dimension 0).
// CHECK-LABEL: func.func @gemm_along_k
// CHECK: nn.constant dense<{{\[\[}}0.000000e+00], [-3.000000e+00], [2.000000e+00], [0.000000e+00], [0.000000e+00], [0.000000e+00], [8.000000e+00], [-9.000000e+00]]> : tensor<8x1xf32>
// CHECK: whittle.sparsity = #nn.sparsity<"n:m", n = 2, m = 4{{.*}}, out_axis = 1, in_axis = 0
// ONE-TWO-LABEL: func.func @gemm_along_k
// ONE-TWO: nn.constant dense<{{\[\[}}0.000000e+00], [-3.000000e+00], [2.000000e+00], [0.000000e+00], [6.000000e+00], [0.000000e+00], [0.000000e+00], [-9.000000e+00]]> : tensor<8x1xf32>
// ONE-TWO: whittle.sparsity = #nn.sparsity<"n:m", n = 1, m = 2{{.*}}, out_axis = 1, in_axis = 0
func.func @gemm_along_k(%x: tensor<1x8xf32>) -> tensor<1x1xf32> {
  %none = nn.none
  %w = nn.constant dense<[[1.0], [-3.0], [2.0], [0.5], [6.0], [-5.0], [8.0], [-9.0]]> : tensor<8x1xf32>
  %0 = nn.gemm %x, %w, %none : (tensor<1x8xf32>, tensor<8x1xf32>, none) -> tensor<1x1xf32> loc("l")
  return %0 : tensor<1x1xf32>
}

// -----

// A layer trained 2:4 already has the pattern: the weights stay, the op is
// annotated, and there is no compression record.
// CHECK-LABEL: func.func @already_two_four
// CHECK: nn.constant dense<{{\[\[}}1.000000e+00, 0.000000e+00, 0.000000e+00, 2.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 3.000000e+00]]>
// CHECK-NOT: whittle.compression
// CHECK: whittle.sparsity = #nn.sparsity<"n:m", n = 2, m = 4, sparsity = 6.250000e-01{{.*}}, out_axis = 0, in_axis = 1
func.func @already_two_four(%x: tensor<1x8xf32>) -> tensor<1x1xf32> {
  %none = nn.none
  %w = nn.constant dense<[[1.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 3.0]]> : tensor<1x8xf32>
  %0 = nn.gemm %x, %w, %none {transB = 1 : i64} : (tensor<1x8xf32>, tensor<1x8xf32>, none) -> tensor<1x1xf32> loc("l")
  return %0 : tensor<1x1xf32>
}
