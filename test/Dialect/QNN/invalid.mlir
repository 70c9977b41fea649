// RUN: whittle-opt %s -split-input-file -verify-diagnostics

func.func @weight_zero_point_count(%x: tensor<1x3x8x8xi8>, %w: tensor<4x3x3x3xi8>) -> tensor<1x4x6x6xi32> {
  // expected-error @+1 {{weight_zero_point has 2 elements for 4 output channels; give one, or one per channel}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, weight_zero_point = array<i32: 0, 1>} : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi8>) -> tensor<1x4x6x6xi32>
  return %0 : tensor<1x4x6x6xi32>
}

// -----

func.func @zero_point_range(%x: tensor<1x3x8x8xi8>, %w: tensor<4x3x3x3xi8>) -> tensor<1x4x6x6xi32> {
  // expected-error @+1 {{input_zero_point 128 is outside the i8 range [-128, 127]}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, input_zero_point = 128 : i32, weight_zero_point = array<i32: 0>} : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi8>) -> tensor<1x4x6x6xi32>
  return %0 : tensor<1x4x6x6xi32>
}

// -----

func.func @window_attributes(%x: tensor<1x3x8x8xi8>, %w: tensor<4x3x3x3xi8>) -> tensor<1x4x6x6xi32> {
  // expected-error @+1 {{needs 2 strides, 2 dilations and 4 pads for 2 spatial dimensions}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, weight_zero_point = array<i32: 0>} : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi8>) -> tensor<1x4x6x6xi32>
  return %0 : tensor<1x4x6x6xi32>
}

// -----

func.func @float_weights(%x: tensor<1x3x8x8xi8>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xi32> {
  // expected-error @+1 {{operand #1 must be ranked tensor of 8-bit signless integer values}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, weight_zero_point = array<i32: 0>} : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xi32>
  return %0 : tensor<1x4x6x6xi32>
}

// -----

func.func @bias_shape(%a: tensor<5x16xi8>, %b: tensor<16x7xi8>, %bias: tensor<5xi32>) -> tensor<5x7xi32> {
  // expected-error @+1 {{bias must have shape [7], one i32 per output channel}}
  %0 = qnn.matmul %a, %b, %bias {b_zero_point = array<i32: 0>} : (tensor<5x16xi8>, tensor<16x7xi8>, tensor<5xi32>) -> tensor<5x7xi32>
  return %0 : tensor<5x7xi32>
}

// -----

func.func @requantize_multiplier(%acc: tensor<1x4xi32>) -> tensor<1x4xi8> {
  // expected-error @+1 {{multiplier 0 must be positive}}
  %0 = qnn.requantize %acc {multiplier = array<i32: 0>, shift = array<i32: 3>} : (tensor<1x4xi32>) -> tensor<1x4xi8>
  return %0 : tensor<1x4xi8>
}

// -----

func.func @requantize_shift(%acc: tensor<1x4xi32>) -> tensor<1x4xi8> {
  // expected-error @+1 {{shift 63 is outside [-31, 62]}}
  %0 = qnn.requantize %acc {multiplier = array<i32: 1>, shift = array<i32: 63>} : (tensor<1x4xi32>) -> tensor<1x4xi8>
  return %0 : tensor<1x4xi8>
}

// -----

func.func @requantize_channels(%acc: tensor<1x4xi32>) -> tensor<1x4xi8> {
  // expected-error @+1 {{multiplier has 3 elements for 4 channels along axis 1; give one element per channel, or one for the tensor}}
  %0 = qnn.requantize %acc {multiplier = array<i32: 1, 1, 1>, shift = array<i32: 0, 0, 0>} : (tensor<1x4xi32>) -> tensor<1x4xi8>
  return %0 : tensor<1x4xi8>
}

// -----

func.func @requantize_clamp(%acc: tensor<1x4xi32>) -> tensor<1x4xi8> {
  // expected-error @+1 {{clamp [10, 5] must be a non-empty subrange of [-128, 127]}}
  %0 = qnn.requantize %acc {multiplier = array<i32: 1>, shift = array<i32: 0>, min = 10 : i32, max = 5 : i32} : (tensor<1x4xi32>) -> tensor<1x4xi8>
  return %0 : tensor<1x4xi8>
}

// -----

func.func @average_rounding(%x: tensor<1x2x8x8xi8>) -> tensor<1x2x1x1xi8> {
  // expected-error @+1 {{divides by a number that need not be a power of two, so it cannot round pseudo-stochastically; use nearest_even or half_away}}
  %0 = qnn.global_avg_pool %x {multiplier = 1 : i32, shift = 0 : i32, rounding = #qnn.rounding<pseudo_stochastic>} : (tensor<1x2x8x8xi8>) -> tensor<1x2x1x1xi8>
  return %0 : tensor<1x2x1x1xi8>
}

// -----

func.func @table_size(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{table has 3 entries; it needs 256, one per i8 value}}
  %0 = qnn.lut %x {table = array<i8: 1, 2, 3>} : (tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @quantize_scale(%x: tensor<4xf32>) -> tensor<4xi8> {
  // expected-error @+1 {{scale -1.000000e+00 must be positive and finite}}
  %0 = qnn.quantize %x {scale = array<f32: -1.0>, zero_point = array<i32: 0>} : (tensor<4xf32>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @concat_parameters(%a: tensor<2x3xi8>, %b: tensor<2x3xi8>) -> tensor<2x6xi8> {
  // expected-error @+1 {{needs one input zero point, multiplier and shift per input (2)}}
  %0 = qnn.concat %a, %b {axis = 1 : i64, input_zero_points = array<i32: 0>, multipliers = array<i32: 1, 1>, shifts = array<i32: 0, 0>} : (tensor<2x3xi8>, tensor<2x3xi8>) -> tensor<2x6xi8>
  return %0 : tensor<2x6xi8>
}

// -----

func.func @resize_mode(%x: tensor<1x2x8x8xi8>) -> tensor<1x2x16x16xi8> {
  // expected-error @+1 {{mode 'cubic' is not supported; use nearest or linear}}
  %0 = qnn.resize %x {mode = "cubic"} : (tensor<1x2x8x8xi8>) -> tensor<1x2x16x16xi8>
  return %0 : tensor<1x2x16x16xi8>
}

// -----

func.func @result_type(%a: tensor<5x16xi8>, %b: tensor<16x7xi8>) -> tensor<5x7xi8> {
  // expected-error @+1 {{result #0 must be ranked tensor of 32-bit signless integer values}}
  %0 = qnn.matmul %a, %b {b_zero_point = array<i32: 0>} : (tensor<5x16xi8>, tensor<16x7xi8>) -> tensor<5x7xi8>
  return %0 : tensor<5x7xi8>
}

// -----

func.func @float32_rounding_outside_requantize(%a: tensor<4xi8>, %b: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{cannot round as float32 (only qnn.requantize can); use nearest_even}}
  %0 = qnn.add %a, %b {a_multiplier = 1 : i32, b_multiplier = 1 : i32, shift = 1 : i32, rounding = #qnn.rounding<float32>} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @resize_negative_fraction_bits(%x: tensor<1x2x8x8xi8>) -> tensor<1x2x16x16xi8> {
  // expected-error @+1 {{fraction_bits -1 must be in [0, 15]}}
  %0 = qnn.resize %x {mode = "linear", fraction_bits = -1 : i64} : (tensor<1x2x8x8xi8>) -> tensor<1x2x16x16xi8>
  return %0 : tensor<1x2x16x16xi8>
}

// -----

func.func @resize_too_many_fraction_bits(%x: tensor<1x2x8x8xi8>) -> tensor<1x2x16x16xi8> {
  // expected-error @+1 {{fraction_bits 16 must be in [0, 15]}}
  %0 = qnn.resize %x {mode = "linear", fraction_bits = 16 : i64} : (tensor<1x2x8x8xi8>) -> tensor<1x2x16x16xi8>
  return %0 : tensor<1x2x16x16xi8>
}

// -----

// The output stage (OutputStageOpInterface) verifies the same way on every
// rescaling op.

func.func @add_shift(%a: tensor<4xi8>, %b: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{'qnn.add' op shift -32 is outside [-31, 62]}}
  %0 = qnn.add %a, %b {a_multiplier = 1 : i32, b_multiplier = -1 : i32, shift = -32 : i32} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @mul_negative_multiplier(%a: tensor<4xi8>, %b: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{'qnn.mul' op multiplier -7 must be positive}}
  %0 = qnn.mul %a, %b {multiplier = -7 : i32, shift = 3 : i32} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @concat_multiplier(%a: tensor<2x3xi8>, %b: tensor<2x3xi8>) -> tensor<2x6xi8> {
  // expected-error @+1 {{'qnn.concat' op multiplier 0 must be positive}}
  %0 = qnn.concat %a, %b {axis = 1 : i64, input_zero_points = array<i32: 0, 0>, multipliers = array<i32: 1, 0>, shifts = array<i32: 0, 0>} : (tensor<2x3xi8>, tensor<2x3xi8>) -> tensor<2x6xi8>
  return %0 : tensor<2x6xi8>
}

// -----

func.func @concat_shift(%a: tensor<2x3xi8>, %b: tensor<2x3xi8>) -> tensor<2x6xi8> {
  // expected-error @+1 {{'qnn.concat' op shift 63 is outside [-31, 62]}}
  %0 = qnn.concat %a, %b {axis = 1 : i64, input_zero_points = array<i32: 0, 0>, multipliers = array<i32: 1, 1>, shifts = array<i32: 0, 63>} : (tensor<2x3xi8>, tensor<2x3xi8>) -> tensor<2x6xi8>
  return %0 : tensor<2x6xi8>
}

// -----

func.func @requantize_output_zero_point(%acc: tensor<1x4xi32>) -> tensor<1x4xi8> {
  // expected-error @+1 {{'qnn.requantize' op output_zero_point 128 is outside the i8 range [-128, 127]}}
  %0 = qnn.requantize %acc {multiplier = array<i32: 1>, shift = array<i32: 0>, output_zero_point = 128 : i32} : (tensor<1x4xi32>) -> tensor<1x4xi8>
  return %0 : tensor<1x4xi8>
}

// -----

func.func @mul_output_zero_point(%a: tensor<4xi8>, %b: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{'qnn.mul' op output_zero_point -129 is outside the i8 range [-128, 127]}}
  %0 = qnn.mul %a, %b {multiplier = 1 : i32, shift = 0 : i32, output_zero_point = -129 : i32} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @softmax_clamp_order(%x: tensor<2x4xi8>) -> tensor<2x4xi8> {
  // expected-error @+1 {{'qnn.softmax' op clamp [3, 2] must be a non-empty subrange of [-128, 127]}}
  %0 = qnn.softmax %x {exp_table = array<i32: 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0>, multiplier = 1 : i32, shift = 0 : i32, min = 3 : i32, max = 2 : i32} : (tensor<2x4xi8>) -> tensor<2x4xi8>
  return %0 : tensor<2x4xi8>
}

// -----

func.func @avg_pool_clamp_range(%x: tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8> {
  // expected-error @+1 {{'qnn.avg_pool' op clamp [-128, 200] must be a non-empty subrange of [-128, 127]}}
  %0 = qnn.avg_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, multiplier = 1 : i32, shift = 2 : i32, max = 200 : i32} : (tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8>
  return %0 : tensor<1x2x2x2xi8>
}

// -----

func.func @softmax_rounding(%x: tensor<2x4xi8>) -> tensor<2x4xi8> {
  // expected-error @+1 {{'qnn.softmax' op divides by a number that need not be a power of two, so it cannot round pseudo-stochastically}}
  %0 = qnn.softmax %x {exp_table = array<i32: 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0>, multiplier = 1 : i32, shift = 0 : i32, rounding = #qnn.rounding<pseudo_stochastic>} : (tensor<2x4xi8>) -> tensor<2x4xi8>
  return %0 : tensor<2x4xi8>
}

// -----

func.func @concat_float32(%a: tensor<2x3xi8>) -> tensor<2x3xi8> {
  // expected-error @+1 {{'qnn.concat' op cannot round as float32 (only qnn.requantize can); use nearest_even}}
  %0 = qnn.concat %a {axis = 1 : i64, input_zero_points = array<i32: 0>, multipliers = array<i32: 3>, shifts = array<i32: 1>, rounding = #qnn.rounding<float32>} : (tensor<2x3xi8>) -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// -----

// The window (ConvLikeOpInterface) verifies the same way on convolutions
// and pools.

func.func @max_pool_kernel_sizes(%x: tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8> {
  // expected-error @+1 {{'qnn.max_pool' op needs 2 kernel sizes}}
  %0 = qnn.max_pool %x {kernel_shape = array<i64: 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8>
  return %0 : tensor<1x2x2x2xi8>
}

// -----

func.func @avg_pool_pads(%x: tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8> {
  // expected-error @+1 {{'qnn.avg_pool' op needs 2 strides, 2 dilations and 4 pads for 2 spatial dimensions}}
  %0 = qnn.avg_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0>, multiplier = 1 : i32, shift = 2 : i32} : (tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8>
  return %0 : tensor<1x2x2x2xi8>
}

// -----

func.func @conv_transpose_negative_pad(%x: tensor<1x2x4x4xi8>, %w: tensor<2x3x3x3xi8>) -> tensor<1x3x9x9xi32> {
  // expected-error @+1 {{'qnn.conv_transpose' op strides and dilations must be positive and pads non-negative}}
  %0 = qnn.conv_transpose %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, -1, 0, 0>, output_padding = array<i64: 0, 0>, weight_zero_point = array<i32: 0>} : (tensor<1x2x4x4xi8>, tensor<2x3x3x3xi8>) -> tensor<1x3x9x9xi32>
  return %0 : tensor<1x3x9x9xi32>
}
