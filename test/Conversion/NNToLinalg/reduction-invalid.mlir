// RUN: whittle-opt %s --convert-nn-to-linalg -split-input-file -verify-diagnostics

// Without keepdims the result shape does not say which axes went.
func.func @reduce_runtime_axes_no_keepdims(%x: tensor<2x3x4xf32>, %axes: tensor<1xi64>) -> tensor<2x4xf32> {
  // expected-error @+2 {{failed to legalize operation 'nn.reduce_sum'}}
  // expected-error @+1 {{cannot lower 'nn.reduce_sum' with non-constant axes that the shapes do not determine}}
  %0 = nn.reduce_sum %x, %axes {keepdims = 0 : i64} : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
