// RUN: whittle-opt %s -split-input-file -verify-diagnostics

func.func @quantize_scale_type(%x: tensor<2x3xf32>, %s: tensor<f16>, %z: tensor<ui8>) {
  // expected-error @+1 {{y_scale must have the element type of x ('f32'), got 'f16'}}
  %0 = nn.quantize_linear %x, %s, %z : (tensor<2x3xf32>, tensor<f16>, tensor<ui8>) -> tensor<2x3xui8>
  return
}

// -----

func.func @quantize_zp_shape(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %z: tensor<ui8>) {
  // expected-error @+1 {{y_zero_point must have the shape of y_scale ('tensor<3xf32>'), got 'tensor<ui8>'}}
  %0 = nn.quantize_linear %x, %s, %z : (tensor<2x3xf32>, tensor<3xf32>, tensor<ui8>) -> tensor<2x3xui8>
  return
}

// -----

func.func @quantize_zp_type(%x: tensor<2x3xf32>, %s: tensor<f32>, %z: tensor<i32>) {
  // expected-error @+1 {{operand #2 must be 8- or 16-bit integer tensor or none}}
  %0 = nn.quantize_linear %x, %s, %z : (tensor<2x3xf32>, tensor<f32>, tensor<i32>) -> tensor<2x3xi32>
  return
}

// -----

func.func @quantize_result_type(%x: tensor<2x3xf32>, %s: tensor<f32>, %z: tensor<i8>) {
  // expected-error @+1 {{y_zero_point must have the type of y ('ui8'), got 'i8'}}
  %0 = nn.quantize_linear %x, %s, %z : (tensor<2x3xf32>, tensor<f32>, tensor<i8>) -> tensor<2x3xui8>
  return
}

// -----

func.func @quantize_output_dtype_unsupported(%x: tensor<2x3xf32>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{'output_dtype' 1 is not a quantized type that whittle supports (2 = uint8, 3 = int8, 4 = uint16, 5 = int16)}}
  %0 = nn.quantize_linear %x, %s, %z {output_dtype = 1 : i64} : (tensor<2x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x3xui8>
  return
}

// -----

func.func @quantize_output_dtype_mismatch(%x: tensor<2x3xf32>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{'output_dtype' 3 ('i8') does not match the type of y_zero_point ('ui8')}}
  %0 = nn.quantize_linear %x, %s, %z {output_dtype = 3 : i64} : (tensor<2x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x3xui8>
  return
}

// -----

func.func @quantize_saturate(%x: tensor<2x3xf32>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{'saturate' must be 0 or 1, got 2}}
  %0 = nn.quantize_linear %x, %s, %z {saturate = 2 : i64} : (tensor<2x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x3xui8>
  return
}

// -----

func.func @quantize_negative_block(%x: tensor<2x3xf32>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{'block_size' must be non-negative, got -1}}
  %0 = nn.quantize_linear %x, %s, %z {block_size = -1 : i64} : (tensor<2x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x3xui8>
  return
}

// -----

func.func @quantize_scale_rank(%x: tensor<2x3xf32>, %s: tensor<2x3xf32>, %z: tensor<2x3xui8>) {
  // expected-error @+1 {{y_scale must be a scalar (per-tensor) or 1-D (per-axis) unless 'block_size' is set, got rank 2}}
  %0 = nn.quantize_linear %x, %s, %z : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xui8>) -> tensor<2x3xui8>
  return
}

// -----

func.func @quantize_axis_range(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %z: tensor<3xui8>) {
  // expected-error @+1 {{'axis' 2 is out of range for x of rank 2}}
  %0 = nn.quantize_linear %x, %s, %z {axis = 2 : i64} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xui8>) -> tensor<2x3xui8>
  return
}

// -----

func.func @quantize_per_axis(%x: tensor<2x4xf32>, %s: tensor<3xf32>, %z: tensor<3xi8>) {
  // expected-error @+1 {{per-axis y_scale has 3 elements but dimension 1 of x has 4}}
  %0 = nn.quantize_linear %x, %s, %z : (tensor<2x4xf32>, tensor<3xf32>, tensor<3xi8>) -> tensor<2x4xi8>
  return
}

// -----

func.func @quantize_blocked_rank(%x: tensor<2x6xf32>, %s: tensor<3xf32>, %z: tensor<3xi8>) {
  // expected-error @+1 {{blocked quantization needs y_scale of x's rank 2, got rank 1}}
  %0 = nn.quantize_linear %x, %s, %z {block_size = 2 : i64} : (tensor<2x6xf32>, tensor<3xf32>, tensor<3xi8>) -> tensor<2x6xi8>
  return
}

// -----

func.func @quantize_blocked_blocks(%x: tensor<2x6xf32>, %s: tensor<2x2xf32>, %z: tensor<2x2xi8>) {
  // expected-error @+1 {{blocked y_scale has 2 blocks along axis 1 but 'block_size' 2 splits dimension 1 of size 6 into 3}}
  %0 = nn.quantize_linear %x, %s, %z {block_size = 2 : i64} : (tensor<2x6xf32>, tensor<2x2xf32>, tensor<2x2xi8>) -> tensor<2x6xi8>
  return
}

// -----

func.func @quantize_blocked_other_dim(%x: tensor<2x6xf32>, %s: tensor<3x3xf32>, %z: tensor<3x3xi8>) {
  // expected-error @+1 {{blocked y_scale dimension 0 is 3 but dimension 0 of x is 2}}
  %0 = nn.quantize_linear %x, %s, %z {block_size = 2 : i64} : (tensor<2x6xf32>, tensor<3x3xf32>, tensor<3x3xi8>) -> tensor<2x6xi8>
  return
}

// -----

func.func @dequantize_zp_type(%x: tensor<4xui8>, %s: tensor<f32>, %z: tensor<i8>) {
  // expected-error @+1 {{x_zero_point must have the type of x ('ui8'), got 'i8'}}
  %0 = nn.dequantize_linear %x, %s, %z : (tensor<4xui8>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  return
}

// -----

func.func @dequantize_per_axis(%x: tensor<4x3xi8>, %s: tensor<3xf32>, %z: tensor<3xi8>) {
  // expected-error @+1 {{per-axis x_scale has 3 elements but dimension 0 of x has 4}}
  %0 = nn.dequantize_linear %x, %s, %z {axis = 0 : i64} : (tensor<4x3xi8>, tensor<3xf32>, tensor<3xi8>) -> tensor<4x3xf32>
  return
}

// -----

func.func @dequantize_scale_int(%x: tensor<4xi32>, %s: tensor<i32>) {
  %none = nn.none
  // expected-error @+1 {{operand #1 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %0 = nn.dequantize_linear %x, %s, %none : (tensor<4xi32>, tensor<i32>, none) -> tensor<4xi32>
  return
}

// -----

func.func @dynamic_quantize_f16(%x: tensor<4xf16>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float values}}
  %y, %s, %z = nn.dynamic_quantize_linear %x : (tensor<4xf16>) -> (tensor<4xui8>, tensor<f32>, tensor<ui8>)
  return
}

// -----

func.func @qlinear_conv_group(%x: tensor<1x4x5x5xui8>, %s: tensor<f32>, %z: tensor<ui8>, %w: tensor<6x2x3x3xui8>) {
  %none = nn.none
  // expected-error @+1 {{'group' must be positive, got 0}}
  %0 = nn.qlinear_conv %x, %s, %z, %w, %s, %z, %s, %z, %none {group = 0 : i64} : (tensor<1x4x5x5xui8>, tensor<f32>, tensor<ui8>, tensor<6x2x3x3xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>, none) -> tensor<1x6x3x3xui8>
  return
}

// -----

func.func @qlinear_conv_channels(%x: tensor<1x4x5x5xui8>, %s: tensor<f32>, %z: tensor<ui8>, %w: tensor<6x2x3x3xui8>) {
  %none = nn.none
  // expected-error @+1 {{input has 4 channels but the weight expects 2 x group 1}}
  %0 = nn.qlinear_conv %x, %s, %z, %w, %s, %z, %s, %z, %none : (tensor<1x4x5x5xui8>, tensor<f32>, tensor<ui8>, tensor<6x2x3x3xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>, none) -> tensor<1x6x3x3xui8>
  return
}

// -----

func.func @qlinear_conv_out_channels(%x: tensor<1x4x5x5xui8>, %s: tensor<f32>, %z: tensor<ui8>, %w: tensor<5x1x3x3xui8>) {
  %none = nn.none
  // expected-error @+1 {{output channels (5) must be divisible by 'group' (4)}}
  %0 = nn.qlinear_conv %x, %s, %z, %w, %s, %z, %s, %z, %none {group = 4 : i64} : (tensor<1x4x5x5xui8>, tensor<f32>, tensor<ui8>, tensor<5x1x3x3xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>, none) -> tensor<1x5x3x3xui8>
  return
}

// -----

func.func @qlinear_conv_w_zp_type(%x: tensor<1x2x5x5xui8>, %s: tensor<f32>, %z: tensor<ui8>, %w: tensor<4x2x3x3xi8>) {
  %none = nn.none
  // expected-error @+1 {{w_zero_point must have the type of w ('i8'), got 'ui8'}}
  %0 = nn.qlinear_conv %x, %s, %z, %w, %s, %z, %s, %z, %none : (tensor<1x2x5x5xui8>, tensor<f32>, tensor<ui8>, tensor<4x2x3x3xi8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>, none) -> tensor<1x4x3x3xui8>
  return
}

// -----

func.func @qlinear_conv_x_scale(%x: tensor<1x2x5x5xui8>, %s: tensor<f32>, %s2: tensor<2xf32>, %z: tensor<ui8>, %z2: tensor<2xui8>, %w: tensor<4x2x3x3xui8>) {
  %none = nn.none
  // expected-error @+1 {{x_scale must be a scalar or one-element tensor (per-tensor), got 'tensor<2xf32>'}}
  %0 = nn.qlinear_conv %x, %s2, %z2, %w, %s, %z, %s, %z, %none : (tensor<1x2x5x5xui8>, tensor<2xf32>, tensor<2xui8>, tensor<4x2x3x3xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>, none) -> tensor<1x4x3x3xui8>
  return
}

// -----

func.func @qlinear_conv_w_scale(%x: tensor<1x2x5x5xui8>, %s: tensor<f32>, %z: tensor<ui8>, %w: tensor<4x2x3x3xi8>, %ws: tensor<3xf32>, %wz: tensor<3xi8>) {
  %none = nn.none
  // expected-error @+1 {{per-channel w_scale has 3 elements but w has 4 output channels}}
  %0 = nn.qlinear_conv %x, %s, %z, %w, %ws, %wz, %s, %z, %none : (tensor<1x2x5x5xui8>, tensor<f32>, tensor<ui8>, tensor<4x2x3x3xi8>, tensor<3xf32>, tensor<3xi8>, tensor<f32>, tensor<ui8>, none) -> tensor<1x4x3x3xui8>
  return
}

// -----

func.func @qlinear_conv_w_scale_rank(%x: tensor<1x2x5x5xui8>, %s: tensor<f32>, %z: tensor<ui8>, %w: tensor<4x2x3x3xi8>, %ws: tensor<4x1xf32>, %wz: tensor<4x1xi8>) {
  %none = nn.none
  // expected-error @+1 {{w_scale must be a scalar (per-tensor) or 1-D (per output channel), got 'tensor<4x1xf32>'}}
  %0 = nn.qlinear_conv %x, %s, %z, %w, %ws, %wz, %s, %z, %none : (tensor<1x2x5x5xui8>, tensor<f32>, tensor<ui8>, tensor<4x2x3x3xi8>, tensor<4x1xf32>, tensor<4x1xi8>, tensor<f32>, tensor<ui8>, none) -> tensor<1x4x3x3xui8>
  return
}

// -----

func.func @qlinear_conv_bias(%x: tensor<1x2x5x5xui8>, %s: tensor<f32>, %z: tensor<ui8>, %w: tensor<4x2x3x3xui8>, %b: tensor<3xi32>) {
  // expected-error @+1 {{bias B must have shape [4], got 'tensor<3xi32>'}}
  %0 = nn.qlinear_conv %x, %s, %z, %w, %s, %z, %s, %z, %b : (tensor<1x2x5x5xui8>, tensor<f32>, tensor<ui8>, tensor<4x2x3x3xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>, tensor<3xi32>) -> tensor<1x4x3x3xui8>
  return
}

// -----

func.func @qlinear_conv_kernel_shape(%x: tensor<1x2x5x5xui8>, %s: tensor<f32>, %z: tensor<ui8>, %w: tensor<4x2x3x3xui8>) {
  %none = nn.none
  // expected-error @+2 {{'kernel_shape' does not match the spatial dimensions of w}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.qlinear_conv %x, %s, %z, %w, %s, %z, %s, %z, %none {kernel_shape = array<i64: 2, 2>} : (tensor<1x2x5x5xui8>, tensor<f32>, tensor<ui8>, tensor<4x2x3x3xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>, none) -> tensor<1x4x3x3xui8>
  return
}

// -----

func.func @conv_integer_x_zp(%x: tensor<1x2x5x5xui8>, %w: tensor<4x2x3x3xui8>, %z: tensor<2xui8>) {
  %none = nn.none
  // expected-error @+1 {{x_zero_point must be a scalar or one-element tensor (per-tensor), got 'tensor<2xui8>'}}
  %0 = nn.conv_integer %x, %w, %z, %none : (tensor<1x2x5x5xui8>, tensor<4x2x3x3xui8>, tensor<2xui8>, none) -> tensor<1x4x3x3xi32>
  return
}

// -----

func.func @conv_integer_zp_type(%x: tensor<1x2x5x5xui8>, %w: tensor<4x2x3x3xui8>, %z: tensor<i8>) {
  %none = nn.none
  // expected-error @+1 {{x_zero_point must have the type of x ('ui8'), got 'i8'}}
  %0 = nn.conv_integer %x, %w, %z, %none : (tensor<1x2x5x5xui8>, tensor<4x2x3x3xui8>, tensor<i8>, none) -> tensor<1x4x3x3xi32>
  return
}

// -----

func.func @conv_integer_rank(%x: tensor<2x5xui8>, %w: tensor<4x5xui8>) {
  %none = nn.none
  // expected-error @+2 {{ConvInteger expects x of rank >= 3 and w of the same rank, got ranks 2 and 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.conv_integer %x, %w, %none, %none : (tensor<2x5xui8>, tensor<4x5xui8>, none, none) -> tensor<2x4xi32>
  return
}

// -----

func.func @qlinear_matmul_scale_types(%a: tensor<2x3xui8>, %s: tensor<f32>, %h: tensor<f16>, %z: tensor<ui8>, %b: tensor<3x4xui8>) {
  // expected-error @+1 {{b_scale must have the element type of a_scale ('f32'), got 'f16'}}
  %0 = nn.qlinear_matmul %a, %s, %z, %b, %h, %z, %s, %z : (tensor<2x3xui8>, tensor<f32>, tensor<ui8>, tensor<3x4xui8>, tensor<f16>, tensor<ui8>, tensor<f32>, tensor<ui8>) -> tensor<2x4xui8>
  return
}

// -----

func.func @qlinear_matmul_per_row(%a: tensor<2x3xui8>, %s: tensor<f32>, %z: tensor<ui8>, %as: tensor<3xf32>, %az: tensor<3xui8>, %b: tensor<3x4xui8>) {
  // expected-error @+1 {{per-row a_scale has 3 elements but dimension 0 of a has 2}}
  %0 = nn.qlinear_matmul %a, %as, %az, %b, %s, %z, %s, %z : (tensor<2x3xui8>, tensor<3xf32>, tensor<3xui8>, tensor<3x4xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>) -> tensor<2x4xui8>
  return
}

// -----

func.func @qlinear_matmul_per_column(%a: tensor<2x3xui8>, %s: tensor<f32>, %z: tensor<ui8>, %b: tensor<2x3x4xi8>, %bs: tensor<2x3x4xf32>, %bz: tensor<2x3x4xi8>) {
  // expected-error @+1 {{per-column b_scale of shape 'tensor<2x3x4xf32>' does not match b 'tensor<2x3x4xi8>' (dimension 1 must be 1)}}
  %0 = nn.qlinear_matmul %a, %s, %z, %b, %bs, %bz, %s, %z : (tensor<2x3xui8>, tensor<f32>, tensor<ui8>, tensor<2x3x4xi8>, tensor<2x3x4xf32>, tensor<2x3x4xi8>, tensor<f32>, tensor<ui8>) -> tensor<2x2x4xui8>
  return
}

// -----

func.func @qlinear_matmul_param_rank(%a: tensor<2x3xui8>, %s: tensor<f32>, %z: tensor<ui8>, %as: tensor<1x2x1xf32>, %az: tensor<1x2x1xui8>, %b: tensor<3x4xui8>) {
  // expected-error @+1 {{a_scale must be a scalar (per-tensor) or per-row of a, got 'tensor<1x2x1xf32>'}}
  %0 = nn.qlinear_matmul %a, %as, %az, %b, %s, %z, %s, %z : (tensor<2x3xui8>, tensor<1x2x1xf32>, tensor<1x2x1xui8>, tensor<3x4xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>) -> tensor<2x4xui8>
  return
}

// -----

func.func @qlinear_matmul_y_scale(%a: tensor<2x3xui8>, %s: tensor<f32>, %z: tensor<ui8>, %b: tensor<3x4xui8>, %ys: tensor<4xf32>, %yz: tensor<4xui8>) {
  // expected-error @+1 {{y_scale must be a scalar or one-element tensor (per-tensor), got 'tensor<4xf32>'}}
  %0 = nn.qlinear_matmul %a, %s, %z, %b, %s, %z, %ys, %yz : (tensor<2x3xui8>, tensor<f32>, tensor<ui8>, tensor<3x4xui8>, tensor<f32>, tensor<ui8>, tensor<4xf32>, tensor<4xui8>) -> tensor<2x4xui8>
  return
}

// -----

func.func @qlinear_matmul_contraction(%a: tensor<2x3xui8>, %s: tensor<f32>, %z: tensor<ui8>, %b: tensor<4x4xui8>) {
  // expected-error @+2 {{matmul contracts dimension of size 3 with dimension of size 4; shapes [2,3] and [4,4] are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.qlinear_matmul %a, %s, %z, %b, %s, %z, %s, %z : (tensor<2x3xui8>, tensor<f32>, tensor<ui8>, tensor<4x4xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>) -> tensor<2x4xui8>
  return
}

// -----

func.func @matmul_integer_zp_type(%a: tensor<2x3xui8>, %b: tensor<3x4xi8>, %z: tensor<ui8>) {
  %none = nn.none
  // expected-error @+1 {{b_zero_point must have the type of B ('i8'), got 'ui8'}}
  %0 = nn.matmul_integer %a, %b, %none, %z : (tensor<2x3xui8>, tensor<3x4xi8>, none, tensor<ui8>) -> tensor<2x4xi32>
  return
}

// -----

func.func @matmul_integer_per_column(%a: tensor<2x3xui8>, %b: tensor<3x4xi8>, %z: tensor<3xi8>) {
  %none = nn.none
  // expected-error @+1 {{per-column b_zero_point has 3 elements but dimension 1 of B has 4}}
  %0 = nn.matmul_integer %a, %b, %none, %z : (tensor<2x3xui8>, tensor<3x4xi8>, none, tensor<3xi8>) -> tensor<2x4xi32>
  return
}
