// A two-layer qnn model for whittle-run: float in, i8 matmul with i32
// accumulator, requantize, float out.
func.func @main(%x: tensor<2x4xf32> {nn.name = "x"}) -> (tensor<2x3xf32> {nn.name = "y"}) {
  %w = arith.constant dense<[[1, -2, 3], [-128, 127, 0], [5, 6, -7], [8, -9, 10]]> : tensor<4x3xi8>
  %b = arith.constant dense<[100, -200, 300]> : tensor<3xi32>
  %q = qnn.quantize %x {scale = array<f32: 0.05>, zero_point = array<i32: -3>} : (tensor<2x4xf32>) -> tensor<2x4xi8>
  %acc = qnn.matmul %q, %w, %b {a_zero_point = -3 : i32, b_zero_point = array<i32: 0>} : (tensor<2x4xi8>, tensor<4x3xi8>, tensor<3xi32>) -> tensor<2x3xi32>
  %y = qnn.requantize %acc {multiplier = array<i32: 1518500250>, shift = array<i32: 40>, output_zero_point = 2 : i32} : (tensor<2x3xi32>) -> tensor<2x3xi8>
  %f = qnn.dequantize %y {scale = array<f32: 0.1>, zero_point = array<i32: 2>} : (tensor<2x3xi8>) -> tensor<2x3xf32>
  return %f : tensor<2x3xf32>
}
