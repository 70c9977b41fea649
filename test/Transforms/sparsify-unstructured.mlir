// RUN: whittle-opt %s --whittle-sparsify="layer-sparsity=fc:0.5" -split-input-file | FileCheck %s
// RUN: whittle-opt %s --whittle-sparsify="layer-sparsity=fc:0.5" -split-input-file | whittle-opt --whittle-verify-sparsity -split-input-file | FileCheck %s --check-prefix=VERIFY

// One threshold per output channel (rows of B with transB = 1): each row
// of 8 loses its 4 smallest magnitudes. Row 0: 0.1, 0.5, 1, -2 go. Row 1:
// 0.3, 1, then the tie at |2| is broken by position (columns 0 and 1 go,
// column 2 stays). The mask is the zeros; the op says so.
// CHECK-LABEL: func.func @gemm_rows
// CHECK: %[[W:.*]] = nn.constant dense<{{\[\[}}0.000000e+00, -8.000000e+00, 3.000000e+00, 0.000000e+00, 0.000000e+00, 7.000000e+00, 0.000000e+00, 4.000000e+00], [0.000000e+00, 0.000000e+00, -2.000000e+00, 0.000000e+00, 5.000000e+00, -6.000000e+00, 0.000000e+00, 3.000000e+00]]> : tensor<2x8xf32>
// CHECK: nn.gemm %{{.*}}, %[[W]], %{{.*}} {transB = 1 : i64,
// CHECK-SAME: whittle.compression = #nn.compression<layer = "fc", form = "mask-unstructured", sparsity = 5.000000e-01, params_before = 18, params_after = 10, macs_before = 16, macs_after = 8, relative_error = {{[^>]*}}>
// CHECK-SAME: whittle.sparsity = #nn.sparsity<unstructured, sparsity = 5.000000e-01, weight_operand = 1, out_axis = 0, in_axis = 1>
// VERIFY-LABEL: func.func @gemm_rows
func.func @gemm_rows(%x: tensor<1x8xf32>) -> tensor<1x2xf32> {
  %w = nn.constant dense<[[1.0, -8.0, 3.0, 0.5, -2.0, 7.0, 0.1, 4.0], [2.0, 2.0, -2.0, 1.0, 5.0, -6.0, 0.3, 3.0]]> : tensor<2x8xf32>
  %b = nn.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %0 = nn.gemm %x, %w, %b {transB = 1 : i64} : (tensor<1x8xf32>, tensor<2x8xf32>, tensor<2xf32>) -> tensor<1x2xf32> loc("fc")
  return %0 : tensor<1x2xf32>
}

// -----

// Without transB the output channels are the columns of B [K, N].
// CHECK-LABEL: func.func @gemm_columns
// CHECK: nn.constant dense<{{\[\[}}0.000000e+00, 4.000000e+00], [-3.000000e+00, 0.000000e+00], [0.000000e+00, -5.000000e+00], [4.000000e+00, 0.000000e+00]]> : tensor<4x2xf32>
// CHECK: whittle.sparsity = #nn.sparsity<unstructured{{.*}}, out_axis = 1, in_axis = 0
func.func @gemm_columns(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %none = nn.none
  %w = nn.constant dense<[[1.0, 4.0], [-3.0, 1.0], [2.0, -5.0], [4.0, 2.0]]> : tensor<4x2xf32>
  %0 = nn.gemm %x, %w, %none : (tensor<1x4xf32>, tensor<4x2xf32>, none) -> tensor<1x2xf32> loc("fc")
  return %0 : tensor<1x2xf32>
}

// -----

// A conv's output channels are dimension 0 of W [T, S, k, k]: each filter
// of 4 loses its 2 smallest.
// CHECK-LABEL: func.func @conv_filters
// CHECK: nn.constant dense<{{\[\[\[\[}}0.000000e+00, 2.000000e+00], [0.000000e+00, -4.000000e+00]]], {{\[\[\[}}-8.000000e+00, 0.000000e+00], [6.000000e+00, 0.000000e+00]]]]> : tensor<2x1x2x2xf32>
// CHECK: nn.conv
// CHECK-SAME: whittle.sparsity = #nn.sparsity<unstructured, sparsity = 5.000000e-01{{.*}}, out_axis = 0, in_axis = 1
func.func @conv_filters(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x3x3xf32> {
  %none = nn.none
  %w = nn.constant dense<[[[[1.0, 2.0], [-0.5, -4.0]]], [[[-8.0, 0.25], [6.0, 1.0]]]]> : tensor<2x1x2x2xf32>
  %0 = nn.conv %x, %w, %none : (tensor<1x1x4x4xf32>, tensor<2x1x2x2xf32>, none) -> tensor<1x2x3x3xf32> loc("fc")
  return %0 : tensor<1x2x3x3xf32>
}

// -----

// A layer trained sparse that already meets its target keeps its weights
// and only gets the pattern; it has no compression record (nothing was
// done to it).
// CHECK-LABEL: func.func @already_sparse
// CHECK: nn.constant dense<{{\[\[}}0.000000e+00, 1.000000e+00, 0.000000e+00, 2.000000e+00], [3.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e+00]]>
// CHECK: nn.gemm
// CHECK-NOT: whittle.compression
// CHECK-SAME: whittle.sparsity = #nn.sparsity<unstructured, sparsity = 5.000000e-01{{.*}}, out_axis = 0, in_axis = 1
func.func @already_sparse(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %none = nn.none
  %w = nn.constant dense<[[0.0, 1.0, 0.0, 2.0], [3.0, 0.0, 0.0, 1.0]]> : tensor<2x4xf32>
  %0 = nn.gemm %x, %w, %none {transB = 1 : i64} : (tensor<1x4xf32>, tensor<2x4xf32>, none) -> tensor<1x2xf32> loc("fc")
  return %0 : tensor<1x2xf32>
}

// -----

// A factorized layer's record is extended: forms joined by '+', the layer
// name kept, the counts lowered by what this op lost (2 of the second
// factor's 4 weights: the columns of B [K, N] are its output channels),
// the sparsity taken over both factors (2 of 12), and the sibling op of
// the same layer updated too.
// CHECK-LABEL: func.func @after_factorize
// CHECK: nn.matmul
// CHECK-SAME: whittle.compression = #nn.compression<layer = "fc", form = "svd+mask-unstructured", ranks = [2], sparsity = 0.16666666666666666, params_before = 16, params_after = 10, macs_before = 16, macs_after = 10, relative_error = {{[^>]*}}>
// CHECK-NOT: whittle.sparsity
// CHECK: nn.constant dense<{{\[\[}}0.000000e+00, 0.000000e+00], [3.000000e+00, 4.000000e+00]]>
// CHECK: nn.matmul
// CHECK-SAME: whittle.compression = #nn.compression<layer = "fc", form = "svd+mask-unstructured", ranks = [2]{{.*}}, params_before = 16, params_after = 10, macs_before = 16, macs_after = 10
// CHECK-SAME: whittle.sparsity = #nn.sparsity<unstructured, sparsity = 5.000000e-01{{.*}}, out_axis = 1, in_axis = 0
func.func @after_factorize(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %u = nn.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
  %v = nn.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %0 = nn.matmul %x, %u {whittle.compression = #nn.compression<layer = "fc", form = "svd", ranks = [2], sparsity = 0.0, params_before = 16, params_after = 12, macs_before = 16, macs_after = 12, relative_error = 0.1>} : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32> loc("fc_a")
  %1 = nn.matmul %0, %v {whittle.compression = #nn.compression<layer = "fc", form = "svd", ranks = [2], sparsity = 0.0, params_before = 16, params_after = 12, macs_before = 16, macs_after = 12, relative_error = 0.1>} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32> loc("fc")
  return %1 : tensor<1x2xf32>
}
