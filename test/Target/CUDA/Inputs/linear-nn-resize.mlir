// A linear nn.resize of int8, which the CUDA back end refuses.
module {
  func.func @main(%arg0: tensor<1x16x4x4xf32>) -> tensor<1x16x8x8xi8> {
    %none = nn.none
    %scales = nn.constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
    %q = qnn.quantize %arg0 {scale = array<f32: 0.02>, zero_point = array<i32: 3>} : (tensor<1x16x4x4xf32>) -> tensor<1x16x4x4xi8>
    %up = nn.resize %q, %none, %scales, %none {mode = "linear"} : (tensor<1x16x4x4xi8>, none, tensor<4xf32>, none) -> tensor<1x16x8x8xi8>
    return %up : tensor<1x16x8x8xi8>
  }
}
