// A qnn model with an op the CUDA back end has no kernel for
// (qnn.conv_transpose).
module {
  func.func @main(%arg0: tensor<1x4x2x2xf32>) -> tensor<1x4x4x4xi32> {
    %w = nn.constant dense<1> : tensor<4x4x2x2xi8>
    %q = qnn.quantize %arg0 {scale = array<f32: 0.1>, zero_point = array<i32: 0>} : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xi8>
    %t = qnn.conv_transpose %q, %w {dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, weight_zero_point = array<i32: 0>} : (tensor<1x4x2x2xi8>, tensor<4x4x2x2xi8>) -> tensor<1x4x4x4xi32>
    return %t : tensor<1x4x4x4xi32>
  }
}
