// A qnn model with an op the CUDA back end has no kernel for (qnn.resize).
module {
  func.func @main(%arg0: tensor<1x4x2x2xf32>) -> tensor<1x4x4x4xf32> {
    %q = qnn.quantize %arg0 {scale = array<f32: 0.1>, zero_point = array<i32: 0>} : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xi8>
    %r = qnn.resize %q {mode = "nearest"} : (tensor<1x4x2x2xi8>) -> tensor<1x4x4x4xi8>
    %d = qnn.dequantize %r {scale = array<f32: 0.1>, zero_point = array<i32: 0>} : (tensor<1x4x4x4xi8>) -> tensor<1x4x4x4xf32>
    return %d : tensor<1x4x4x4xf32>
  }
}
