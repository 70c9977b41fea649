// RUN: whittle-opt %s | whittle-opt | FileCheck %s
// RUN: whittle-opt %s -mlir-print-op-generic | whittle-opt | FileCheck %s

// A quantized layer as the quantizer emits it: float in, int8 conv with an
// i32 accumulator, requantize with a fused ReLU, float out.
// CHECK-LABEL: func.func @conv_layer
// CHECK: qnn.quantize %{{.*}} {scale = array<f32: 3.906250e-03>, zero_point = array<i32: -128>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xi8>
// CHECK: qnn.conv %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, input_zero_point = -128 : i32, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, weight_zero_point = array<i32: 0>} : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi8>, tensor<4xi32>) -> tensor<1x4x4x4xi32>
// CHECK: qnn.requantize %{{.*}} {min = -10 : i32, multiplier = array<i32: 1073741824, 1200000000, 1300000000, 1400000000>, output_zero_point = -10 : i32, rounding = #qnn.rounding<pseudo_stochastic>, shift = array<i32: 38, 38, 39, 39>} : (tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xi8>
// CHECK: qnn.dequantize %{{.*}} {scale = array<f32: 5.000000e-01>, zero_point = array<i32: -10>} : (tensor<1x4x4x4xi8>) -> tensor<1x4x4x4xf32>
func.func @conv_layer(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xi8>,
                      %b: tensor<4xi32>) -> tensor<1x4x4x4xf32> {
  %q = qnn.quantize %x {scale = array<f32: 0.00390625>, zero_point = array<i32: -128>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xi8>
  %acc = qnn.conv %q, %w, %b {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, input_zero_point = -128 : i32, weight_zero_point = array<i32: 0>} : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi8>, tensor<4xi32>) -> tensor<1x4x4x4xi32>
  %y = qnn.requantize %acc {multiplier = array<i32: 1073741824, 1200000000, 1300000000, 1400000000>, shift = array<i32: 38, 38, 39, 39>, rounding = #qnn.rounding<pseudo_stochastic>, output_zero_point = -10 : i32, min = -10 : i32} : (tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xi8>
  %f = qnn.dequantize %y {scale = array<f32: 0.5>, zero_point = array<i32: -10>} : (tensor<1x4x4x4xi8>) -> tensor<1x4x4x4xf32>
  return %f : tensor<1x4x4x4xf32>
}

// CHECK-LABEL: func.func @depthwise_and_grouped
// CHECK: qnn.conv {{.*}} {dilations = array<i64: 2, 2>, group = 8 : i64{{.*}} -> tensor<2x8x6x6xi32>
// CHECK: qnn.conv {{.*}} group = 2 : i64{{.*}} -> tensor<2x6x10x10xi32>
func.func @depthwise_and_grouped(%x: tensor<2x8x10x10xi8>, %dw: tensor<8x1x3x3xi8>, %gw: tensor<6x4x1x1xi8>) -> (tensor<2x8x6x6xi32>, tensor<2x6x10x10xi32>) {
  %0 = qnn.conv %x, %dw {strides = array<i64: 1, 1>, dilations = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, group = 8, weight_zero_point = array<i32: 0, 1, 2, 3, 4, 5, 6, 7>} : (tensor<2x8x10x10xi8>, tensor<8x1x3x3xi8>) -> tensor<2x8x6x6xi32>
  %1 = qnn.conv %x, %gw {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 2, weight_zero_point = array<i32: 0>} : (tensor<2x8x10x10xi8>, tensor<6x4x1x1xi8>) -> tensor<2x6x10x10xi32>
  return %0, %1 : tensor<2x8x6x6xi32>, tensor<2x6x10x10xi32>
}

// CHECK-LABEL: func.func @products
// CHECK: qnn.conv_transpose {{.*}} -> tensor<1x4x9x9xi32>
// CHECK: qnn.matmul {{.*}} -> tensor<2x5x7xi32>
func.func @products(%x: tensor<1x4x4x4xi8>, %w: tensor<4x2x3x3xi8>, %a: tensor<2x5x16xi8>, %b: tensor<16x7xi8>, %bias: tensor<7xi32>) -> (tensor<1x4x9x9xi32>, tensor<2x5x7xi32>) {
  %0 = qnn.conv_transpose %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, output_padding = array<i64: 0, 0>, group = 2, weight_zero_point = array<i32: 3>} : (tensor<1x4x4x4xi8>, tensor<4x2x3x3xi8>) -> tensor<1x4x9x9xi32>
  %1 = qnn.matmul %a, %b, %bias {a_zero_point = 5 : i32, b_zero_point = array<i32: 0>} : (tensor<2x5x16xi8>, tensor<16x7xi8>, tensor<7xi32>) -> tensor<2x5x7xi32>
  return %0, %1 : tensor<1x4x9x9xi32>, tensor<2x5x7xi32>
}

// CHECK-LABEL: func.func @rescaling
// CHECK: qnn.add {{.*}} -> tensor<2x3x4xi8>
// CHECK: qnn.mul {{.*}} -> tensor<2x3x4xi8>
// CHECK: qnn.concat {{.*}} -> tensor<2x6x4xi8>
func.func @rescaling(%a: tensor<2x3x4xi8>, %b: tensor<3x1xi8>) -> (tensor<2x3x4xi8>, tensor<2x3x4xi8>, tensor<2x6x4xi8>) {
  %0 = qnn.add %a, %b {a_multiplier = 3 : i32, b_multiplier = -5 : i32, shift = 2 : i32, rounding = #qnn.rounding<half_away>} : (tensor<2x3x4xi8>, tensor<3x1xi8>) -> tensor<2x3x4xi8>
  %1 = qnn.mul %a, %b {a_zero_point = 1 : i32, multiplier = 1518500250 : i32, shift = 37 : i32} : (tensor<2x3x4xi8>, tensor<3x1xi8>) -> tensor<2x3x4xi8>
  %2 = qnn.concat %a, %0 {axis = 1 : i64, input_zero_points = array<i32: 0, 4>, multipliers = array<i32: 1, 3>, shifts = array<i32: 0, 1>} : (tensor<2x3x4xi8>, tensor<2x3x4xi8>) -> tensor<2x6x4xi8>
  return %0, %1, %2 : tensor<2x3x4xi8>, tensor<2x3x4xi8>, tensor<2x6x4xi8>
}

// CHECK-LABEL: func.func @pools_and_nonlinearities
// CHECK: qnn.max_pool {{.*}} -> tensor<1x2x4x4xi8>
// CHECK: qnn.avg_pool {{.*}} -> tensor<1x2x4x4xi8>
// CHECK: qnn.global_avg_pool {{.*}} -> tensor<1x2x1x1xi8>
// CHECK: qnn.softmax {{.*}} -> tensor<1x10xi8>
// CHECK: qnn.resize {{.*}} -> tensor<1x2x16x16xi8>
func.func @pools_and_nonlinearities(%x: tensor<1x2x8x8xi8>, %logits: tensor<1x10xi8>) -> (tensor<1x2x4x4xi8>, tensor<1x2x4x4xi8>, tensor<1x2x1x1xi8>, tensor<1x10xi8>, tensor<1x2x16x16xi8>) {
  %0 = qnn.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, ceil_mode = false} : (tensor<1x2x8x8xi8>) -> tensor<1x2x4x4xi8>
  %1 = qnn.avg_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, multiplier = 1 : i32, shift = 0 : i32} : (tensor<1x2x8x8xi8>) -> tensor<1x2x4x4xi8>
  %2 = qnn.global_avg_pool %x {input_zero_point = -3 : i32, multiplier = 1 : i32, shift = 0 : i32} : (tensor<1x2x8x8xi8>) -> tensor<1x2x1x1xi8>
  %3 = qnn.softmax %logits {exp_table = array<i32: 1048576, 948791, 858501, 776804, 702882, 635993, 575471, 520707, 471156, 426319, 385750, 349041, 315825, 285770, 258576, 233969, 211704, 191558, 173328, 156834, 141909, 128405, 116186, 105129, 95125, 86072, 77881, 70470, 63764, 57696, 52206, 47238, 42742, 38675, 34994, 31664, 28651, 25924, 23457, 21225, 19205, 17378, 15724, 14228, 12874, 11649, 10540, 9537, 8630, 7808, 7065, 6393, 5785, 5234, 4736, 4285, 3877, 3508, 3175, 2873, 2599, 2352, 2128, 1926, 1742, 1576, 1426, 1291, 1168, 1057, 956, 865, 783, 708, 641, 580, 525, 475, 430, 389, 352, 318, 288, 261, 236, 213, 193, 175, 158, 143, 129, 117, 106, 96, 87, 78, 71, 64, 58, 53, 48, 43, 39, 35, 32, 29, 26, 24, 21, 19, 18, 16, 14, 13, 12, 11, 10, 9, 8, 7, 6, 6, 5, 5, 4, 4, 4, 3, 3, 3, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0>, multiplier = 1 : i32, shift = -8 : i32, output_zero_point = -128 : i32} : (tensor<1x10xi8>) -> tensor<1x10xi8>
  %4 = qnn.resize %x {mode = "linear", coordinate_transformation_mode = "align_corners"} : (tensor<1x2x8x8xi8>) -> tensor<1x2x16x16xi8>
  return %0, %1, %2, %3, %4 : tensor<1x2x4x4xi8>, tensor<1x2x4x4xi8>, tensor<1x2x1x1xi8>, tensor<1x10xi8>, tensor<1x2x16x16xi8>
}

// float32 rounding on requantize (a float requantization's results).
// CHECK-LABEL: func.func @float32_requantize
// CHECK: qnn.requantize %{{.*}} {multiplier = array<i32: 1513309056>, rounding = #qnn.rounding<float32>, shift = array<i32: 35>}
func.func @float32_requantize(%acc: tensor<8xi32>) -> tensor<8xi8> {
  %y = qnn.requantize %acc {multiplier = array<i32: 1513309056>, shift = array<i32: 35>, rounding = #qnn.rounding<float32>} : (tensor<8xi32>) -> tensor<8xi8>
  return %y : tensor<8xi8>
}

// Signed attributes keep their spelling: negative multipliers, shifts, zero
// points, clamp bounds and axes print as they were written (the getters
// read them sign-extended), and the defaults stay elided.
// CHECK-LABEL: func.func @signed_attributes
// CHECK: qnn.add %{{.*}}, %{{.*}} {a_multiplier = 1497942794 : i32, a_zero_point = -128 : i32, b_multiplier = -860196588 : i32, max = -1 : i32, min = -100 : i32, output_zero_point = -50 : i32, shift = 31 : i32}
// CHECK: qnn.mul %{{.*}}, %{{.*}} {b_zero_point = -7 : i32, multiplier = 1 : i32, shift = -31 : i32}
// CHECK: qnn.concat %{{.*}}, %{{.*}} {axis = -1 : i64, input_zero_points = array<i32: -128, 127>, multipliers = array<i32: 1, 2147483647>, shifts = array<i32: 0, -31>}
// CHECK: qnn.requantize %{{.*}} {axis = 0 : i64, multiplier = array<i32: 1, 2>, shift = array<i32: -31, 62>}
func.func @signed_attributes(%a: tensor<2x2xi8>, %b: tensor<2x2xi8>, %acc: tensor<2x2xi32>) -> (tensor<2x2xi8>, tensor<2x2xi8>, tensor<2x4xi8>, tensor<2x2xi8>) {
  %0 = qnn.add %a, %b {a_multiplier = 1497942794 : i32, a_zero_point = -128 : i32, b_multiplier = -860196588 : i32, shift = 31 : i32, output_zero_point = -50 : i32, min = -100 : i32, max = -1 : i32} : (tensor<2x2xi8>, tensor<2x2xi8>) -> tensor<2x2xi8>
  %1 = qnn.mul %a, %b {b_zero_point = -7 : i32, multiplier = 1 : i32, shift = -31 : i32, rounding = #qnn.rounding<nearest_even>} : (tensor<2x2xi8>, tensor<2x2xi8>) -> tensor<2x2xi8>
  %2 = qnn.concat %a, %b {axis = -1 : i64, input_zero_points = array<i32: -128, 127>, multipliers = array<i32: 1, 2147483647>, shifts = array<i32: 0, -31>} : (tensor<2x2xi8>, tensor<2x2xi8>) -> tensor<2x4xi8>
  %3 = qnn.requantize %acc {axis = 0 : i64, multiplier = array<i32: 1, 2>, shift = array<i32: -31, 62>} : (tensor<2x2xi32>) -> tensor<2x2xi8>
  return %0, %1, %2, %3 : tensor<2x2xi8>, tensor<2x2xi8>, tensor<2x4xi8>, tensor<2x2xi8>
}
