// RUN: whittle-opt %s --whittle-verify-sparsity -split-input-file -verify-diagnostics

// Patterns that hold pass.
func.func @valid(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %none = nn.none
  %w = nn.constant dense<[[1.0, 0.0, 0.0, 2.0], [0.0, 3.0, 4.0, 0.0]]> : tensor<2x4xf32>
  %0 = nn.gemm %x, %w, %none {transB = 1 : i64, whittle.sparsity = #nn.sparsity<"n:m", n = 2, m = 4, sparsity = 0.5, weight_operand = 1, out_axis = 0, in_axis = 1>} : (tensor<1x4xf32>, tensor<2x4xf32>, none) -> tensor<1x2xf32>
  %1 = nn.gemm %x, %w, %none {transB = 1 : i64, whittle.sparsity = #nn.sparsity<unstructured, sparsity = 0.5, weight_operand = 1, out_axis = 0, in_axis = 1>} : (tensor<1x4xf32>, tensor<2x4xf32>, none) -> tensor<1x2xf32>
  %2 = nn.add %0, %1 : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  return %2 : tensor<1x2xf32>
}

// -----

func.func @too_many_in_group(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %none = nn.none
  %w = nn.constant dense<[[1.0, 5.0, 0.0, 2.0], [0.0, 3.0, 4.0, 0.0]]> : tensor<2x4xf32>
  // expected-error @+1 {{weight does not obey its 'n:m' sparsity pattern: declares 2:4 but a group of 4 along weight axis 1 has 3 non-zeros}}
  %0 = nn.gemm %x, %w, %none {transB = 1 : i64, whittle.sparsity = #nn.sparsity<"n:m", n = 2, m = 4, sparsity = 0.5, weight_operand = 1, out_axis = 0, in_axis = 1>} : (tensor<1x4xf32>, tensor<2x4xf32>, none) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

func.func @groups_along_the_wrong_axis(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %none = nn.none
  %w = nn.constant dense<[[1.0, 0.0, 0.0, 2.0], [0.0, 3.0, 4.0, 0.0]]> : tensor<2x4xf32>
  // expected-error @+1 {{the reduction length 2 (weight axis 0) is not a multiple of M = 4}}
  %0 = nn.gemm %x, %w, %none {transB = 1 : i64, whittle.sparsity = #nn.sparsity<"n:m", n = 2, m = 4, sparsity = 0.5, weight_operand = 1, out_axis = 1, in_axis = 0>} : (tensor<1x4xf32>, tensor<2x4xf32>, none) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

func.func @wrong_sparsity(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %none = nn.none
  %w = nn.constant dense<[[1.0, 0.0, 0.0, 2.0], [0.0, 3.0, 4.0, 0.0]]> : tensor<2x4xf32>
  // expected-error @+1 {{declares sparsity 0.75 but 4 of 8 weights (0.5) are}}
  %0 = nn.gemm %x, %w, %none {transB = 1 : i64, whittle.sparsity = #nn.sparsity<unstructured, sparsity = 0.75, weight_operand = 1, out_axis = 0, in_axis = 1>} : (tensor<1x4xf32>, tensor<2x4xf32>, none) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

func.func @block_not_zero(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %none = nn.none
  %w = nn.constant dense<[[1.0, 0.0, 0.0, 2.0], [0.0, 3.0, 4.0, 0.0]]> : tensor<2x4xf32>
  // expected-error @+1 {{declares block sparsity 0.5 but 0 of 8 weights lie in all-zero 2x2 blocks}}
  %0 = nn.gemm %x, %w, %none {transB = 1 : i64, whittle.sparsity = #nn.sparsity<block, block = [2, 2], sparsity = 0.5, weight_operand = 1, out_axis = 0, in_axis = 1>} : (tensor<1x4xf32>, tensor<2x4xf32>, none) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

func.func @malformed(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %none = nn.none
  %w = nn.constant dense<1.0> : tensor<2x4xf32>
  // expected-error @+1 {{malformed 'whittle.sparsity' attribute}}
  %0 = nn.gemm %x, %w, %none {transB = 1 : i64, whittle.sparsity = {granularity = "n:m", sparsity = 0.5 : f64, weight_operand = 1 : i64, out_axis = 0 : i64, in_axis = 1 : i64}} : (tensor<1x4xf32>, tensor<2x4xf32>, none) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

func.func @not_constant(%x: tensor<1x4xf32>, %w: tensor<2x4xf32>) -> tensor<1x2xf32> {
  %none = nn.none
  // expected-error @+1 {{'whittle.sparsity' needs a constant weight of static shape to check against}}
  %0 = nn.gemm %x, %w, %none {transB = 1 : i64, whittle.sparsity = #nn.sparsity<unstructured, sparsity = 0.5, weight_operand = 1, out_axis = 0, in_axis = 1>} : (tensor<1x4xf32>, tensor<2x4xf32>, none) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}
