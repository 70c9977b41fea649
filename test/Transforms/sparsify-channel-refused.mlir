// RUN: whittle-opt %s --whittle-sparsify="granularity=channel sparsity=0.5 keep-first-last=false" -split-input-file -verify-diagnostics | FileCheck %s

// Channel removal is refused, with a warning, where a use of the layer's
// output cannot follow: the layer keeps all its channels.

// A residual Add cannot lose channels on one side only: the layer stays.
// CHECK-LABEL: func.func @residual
// CHECK: nn.conv {{.*}} -> tensor<1x2x2x2xf32>
// CHECK-NOT: whittle.
func.func @residual(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %none = nn.none
  %w1 = nn.constant dense<[[[[3.0]], [[1.0]]], [[[0.5]], [[1.0]]]]> : tensor<2x2x1x1xf32>
  // expected-warning-re @+1 {{not removing channels of layer 'nn.conv at sparsify-channel-refused.mlir:{{[0-9]+}}:8': its output reaches nn.add, which channel removal cannot rewrite}}
  %0 = nn.conv %x, %w1, %none : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x2x2xf32>
  %1 = nn.add %0, %x : (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %1 : tensor<1x2x2x2xf32>
}

// -----

// Nor can a function result.
func.func @returned(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %none = nn.none
  %w1 = nn.constant dense<[[[[3.0]]], [[[0.5]]]]> : tensor<2x1x1x1xf32>
  // expected-warning-re @+1 {{not removing channels of layer 'nn.conv at sparsify-channel-refused.mlir:{{[0-9]+}}:8': its output reaches func.return, which channel removal cannot rewrite}}
  %0 = nn.conv %x, %w1, %none : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, none) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

// Nor a Reshape into the gemm (the index math is only done for Flatten).
func.func @reshape(%x: tensor<1x1x2x2xf32>) -> tensor<1x2xf32> {
  %none = nn.none
  %w1 = nn.constant dense<[[[[3.0]]], [[[0.5]]]]> : tensor<2x1x1x1xf32>
  %shape = nn.constant dense<[1, 8]> : tensor<2xi64>
  %b = nn.constant dense<1.0> : tensor<2x8xf32>
  // expected-warning-re @+1 {{not removing channels of layer 'nn.conv at sparsify-channel-refused.mlir:{{[0-9]+}}:8': its output reaches nn.reshape, which channel removal cannot rewrite}}
  %0 = nn.conv %x, %w1, %none : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, none) -> tensor<1x2x2x2xf32>
  %1 = nn.reshape %0, %shape : (tensor<1x2x2x2xf32>, tensor<2xi64>) -> tensor<1x8xf32>
  // expected-warning-re @+1 {{not removing channels of layer 'nn.gemm at {{.*}}': its output reaches func.return}}
  %2 = nn.gemm %1, %b, %none {transB = 1 : i64} : (tensor<1x8xf32>, tensor<2x8xf32>, none) -> tensor<1x2xf32>
  return %2 : tensor<1x2xf32>
}
