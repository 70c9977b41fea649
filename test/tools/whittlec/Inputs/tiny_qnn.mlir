// A small qnn model (batch 1) for whittlec --target hls to plan: quantize,
// 3x3 conv with requantize, max pool, flatten, matmul with requantize,
// dequantize.
module {
  func.func @main(%arg0: tensor<1x1x8x8xf32> {nn.name = "image"}) -> (tensor<1x10xf32> {nn.name = "logits"}) {
    %w = nn.constant dense<[[[[1, -2, 3], [4, 5, -6], [7, 8, 9]]], [[[-1, 2, -3], [4, -5, 6], [-7, 8, -9]]], [[[1, 1, 1], [1, 1, 1], [1, 1, 1]]], [[[0, 2, 0], [2, -8, 2], [0, 2, 0]]]]> : tensor<4x1x3x3xi8>
    %b = nn.constant dense<[1, -200, 3, 40]> : tensor<4xi32>
    %fc = nn.constant dense<3> : tensor<64x10xi8>
    %q = qnn.quantize %arg0 {scale = array<f32: 0.00784313772>, zero_point = array<i32: -128>} : (tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xi8>
    %c = qnn.conv %q, %w, %b {dilations = array<i64: 1, 1>, input_zero_point = -128 : i32, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>} : (tensor<1x1x8x8xi8>, tensor<4x1x3x3xi8>, tensor<4xi32>) -> tensor<1x4x8x8xi32>
    %r = qnn.requantize %c {multiplier = array<i32: 1073741824, 1200000000, 1300000000, 1400000000>, shift = array<i32: 40, 40, 41, 39>, output_zero_point = -128 : i32, min = -100 : i32} : (tensor<1x4x8x8xi32>) -> tensor<1x4x8x8xi8>
    %p = qnn.max_pool %r {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xi8>) -> tensor<1x4x4x4xi8>
    %f = nn.flatten %p : (tensor<1x4x4x4xi8>) -> tensor<1x64xi8>
    %m = qnn.matmul %f, %fc {a_zero_point = -128 : i32, b_zero_point = array<i32: 0>} : (tensor<1x64xi8>, tensor<64x10xi8>) -> tensor<1x10xi32>
    %r2 = qnn.requantize %m {multiplier = array<i32: 1073741824>, shift = array<i32: 38>, rounding = #qnn.rounding<half_away>} : (tensor<1x10xi32>) -> tensor<1x10xi8>
    %d = qnn.dequantize %r2 {scale = array<f32: 0.25>, zero_point = array<i32: 0>} : (tensor<1x10xi8>) -> tensor<1x10xf32>
    return %d : tensor<1x10xf32>
  }
}
