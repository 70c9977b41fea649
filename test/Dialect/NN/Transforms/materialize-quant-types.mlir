// RUN: whittle-opt %s --nn-materialize-quant-types --split-input-file | FileCheck %s
// The rewritten IR verifies and round-trips:
// RUN: whittle-opt %s --nn-materialize-quant-types --split-input-file | whittle-opt --split-input-file | FileCheck %s

// Per-tensor uint8: ui8 storage is `u8`; the scale is the f32 constant's
// exact value. The dequantize takes the quant-typed value.
// CHECK-LABEL: func.func @per_tensor_u8
// CHECK: %[[Q:.*]] = nn.quantize_linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x3x!quant.uniform<u8:f32, 0.10000000149011612:128>>
// CHECK: nn.dequantize_linear %[[Q]], %{{.*}}, %{{.*}} : (tensor<2x3x!quant.uniform<u8:f32, 0.10000000149011612:128>>, tensor<f32>, tensor<ui8>) -> tensor<2x3xf32>
func.func @per_tensor_u8(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %s = nn.constant dense<0.1> : tensor<f32>
  %z = nn.constant dense<128> : tensor<ui8>
  %q = nn.quantize_linear %x, %s, %z : (tensor<2x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x3xui8>
  %d = nn.dequantize_linear %q, %s, %z : (tensor<2x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<2x3xf32>
  return %d : tensor<2x3xf32>
}

// -----

// Per-tensor int8 (signless i8 is signed storage `i8`) without a zero point
// (zero point 0, not printed) and a one-element 1-D scale.
// CHECK-LABEL: func.func @per_tensor_i8_no_zero_point
// CHECK: nn.quantize_linear %{{.*}}, %{{.*}}, %{{.*}} {output_dtype = 3 : i64} : (tensor<4xf32>, tensor<1xf32>, none) -> tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>
// CHECK: nn.dequantize_linear %{{.*}} : (tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>, tensor<1xf32>, none) -> tensor<4xf32>
func.func @per_tensor_i8_no_zero_point(%x: tensor<4xf32>) -> tensor<4xf32> {
  %none = nn.none
  %s = nn.constant dense<0.5> : tensor<1xf32>
  %q = nn.quantize_linear %x, %s, %none {output_dtype = 3 : i64} : (tensor<4xf32>, tensor<1xf32>, none) -> tensor<4xi8>
  %d = nn.dequantize_linear %q, %s, %none : (tensor<4xi8>, tensor<1xf32>, none) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// 16-bit storage with an f16 expressed type.
// CHECK-LABEL: func.func @per_tensor_u16_f16
// CHECK: nn.quantize_linear {{.*}} -> tensor<8x!quant.uniform<u16:f16, 2.500000e-01:1000>>
func.func @per_tensor_u16_f16(%x: tensor<8xf16>) -> tensor<8xf16> {
  %s = nn.constant dense<0.25> : tensor<f16>
  %z = nn.constant dense<1000> : tensor<ui16>
  %q = nn.quantize_linear %x, %s, %z : (tensor<8xf16>, tensor<f16>, tensor<ui16>) -> tensor<8xui16>
  %d = nn.dequantize_linear %q, %s, %z : (tensor<8xui16>, tensor<f16>, tensor<ui16>) -> tensor<8xf16>
  return %d : tensor<8xf16>
}

// -----

// Per-axis: the quantized dimension is the normalized axis (-1 -> 1).
// CHECK-LABEL: func.func @per_axis_i8
// CHECK: nn.quantize_linear %{{.*}}, %{{.*}}, %{{.*}} {axis = -1 : i64} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xi8>) -> tensor<2x3x!quant.uniform<i8:f32:1, {5.000000e-01:-3,2.500000e-01,2.000000e+00:7}>>
// CHECK: nn.dequantize_linear {{.*}} : (tensor<2x3x!quant.uniform<i8:f32:1, {5.000000e-01:-3,2.500000e-01,2.000000e+00:7}>>, tensor<3xf32>, tensor<3xi8>) -> tensor<2x3xf32>
func.func @per_axis_i8(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %s = nn.constant dense<[0.5, 0.25, 2.0]> : tensor<3xf32>
  %z = nn.constant dense<[-3, 0, 7]> : tensor<3xi8>
  %q = nn.quantize_linear %x, %s, %z {axis = -1 : i64} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xi8>) -> tensor<2x3xi8>
  %d = nn.dequantize_linear %q, %s, %z {axis = 1 : i64} : (tensor<2x3xi8>, tensor<3xf32>, tensor<3xi8>) -> tensor<2x3xf32>
  return %d : tensor<2x3xf32>
}

// -----

// The integer layers take quant-typed data: all three users accept it.
// CHECK-LABEL: func.func @integer_layers
// CHECK: %[[Q:.*]] = nn.quantize_linear {{.*}} -> tensor<4x3x!quant.uniform<u8:f32, 5.000000e-01:10>>
// CHECK: nn.matmul_integer %[[Q]], {{.*}} : (tensor<4x3x!quant.uniform<u8:f32, 5.000000e-01:10>>, tensor<3x2xui8>, tensor<ui8>, none) -> tensor<4x2xi32>
// CHECK: nn.qlinear_matmul %[[Q]], {{.*}} : (tensor<4x3x!quant.uniform<u8:f32, 5.000000e-01:10>>, tensor<f32>, tensor<ui8>, tensor<3x2xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>) -> tensor<4x2xui8>
// CHECK: nn.dequantize_linear %[[Q]]
func.func @integer_layers(%x: tensor<4x3xf32>, %b: tensor<3x2xui8>, %bs: tensor<f32>, %bz: tensor<ui8>) -> (tensor<4x2xi32>, tensor<4x2xui8>, tensor<4x3xf32>) {
  %none = nn.none
  %s = nn.constant dense<0.5> : tensor<f32>
  %z = nn.constant dense<10> : tensor<ui8>
  %q = nn.quantize_linear %x, %s, %z : (tensor<4x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<4x3xui8>
  %0 = nn.matmul_integer %q, %b, %z, %none : (tensor<4x3xui8>, tensor<3x2xui8>, tensor<ui8>, none) -> tensor<4x2xi32>
  %1 = nn.qlinear_matmul %q, %s, %z, %b, %bs, %bz, %s, %z : (tensor<4x3xui8>, tensor<f32>, tensor<ui8>, tensor<3x2xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>) -> tensor<4x2xui8>
  %2 = nn.dequantize_linear %q, %s, %z : (tensor<4x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<4x3xf32>
  return %0, %1, %2 : tensor<4x2xi32>, tensor<4x2xui8>, tensor<4x3xf32>
}

// -----

// Left alone: the result is returned from the function (func.return cannot
// take a quant-typed value without changing the signature).
// CHECK-LABEL: func.func @returned
// CHECK-NOT: quant.uniform
// CHECK: return
func.func @returned(%x: tensor<2x3xf32>) -> tensor<2x3xui8> {
  %s = nn.constant dense<0.1> : tensor<f32>
  %z = nn.constant dense<128> : tensor<ui8>
  %q = nn.quantize_linear %x, %s, %z : (tensor<2x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x3xui8>
  return %q : tensor<2x3xui8>
}

// -----

// Left alone: one of the users is an op without quant-typed operands.
// CHECK-LABEL: func.func @other_user
// CHECK-NOT: quant.uniform
// CHECK: return
func.func @other_user(%x: tensor<2x3xf32>, %shape: tensor<2xi64>) -> (tensor<2x3xf32>, tensor<3x2xui8>) {
  %s = nn.constant dense<0.1> : tensor<f32>
  %z = nn.constant dense<128> : tensor<ui8>
  %q = nn.quantize_linear %x, %s, %z : (tensor<2x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x3xui8>
  %d = nn.dequantize_linear %q, %s, %z : (tensor<2x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<2x3xf32>
  %r = nn.reshape %q, %shape : (tensor<2x3xui8>, tensor<2xi64>) -> tensor<3x2xui8>
  return %d, %r : tensor<2x3xf32>, tensor<3x2xui8>
}

// -----

// Left alone: the scale and zero point are not constants (the form of the
// ONNX backend test models, whose parameters are graph inputs).
// CHECK-LABEL: func.func @non_constant
// CHECK-NOT: quant.uniform
// CHECK: return
func.func @non_constant(%x: tensor<6xf32>, %s: tensor<f32>, %z: tensor<ui8>) -> tensor<6xf32> {
  %q = nn.quantize_linear %x, %s, %z : (tensor<6xf32>, tensor<f32>, tensor<ui8>) -> tensor<6xui8>
  %d = nn.dequantize_linear %q, %s, %z : (tensor<6xui8>, tensor<f32>, tensor<ui8>) -> tensor<6xf32>
  return %d : tensor<6xf32>
}

// -----

// Left alone: the dequantize uses a different constant scale, so it would
// not verify with the quantize's type.
// CHECK-LABEL: func.func @disagreeing_user
// CHECK-NOT: quant.uniform
// CHECK: return
func.func @disagreeing_user(%x: tensor<6xf32>) -> tensor<6xf32> {
  %s = nn.constant dense<0.1> : tensor<f32>
  %s2 = nn.constant dense<0.2> : tensor<f32>
  %z = nn.constant dense<128> : tensor<ui8>
  %q = nn.quantize_linear %x, %s, %z : (tensor<6xf32>, tensor<f32>, tensor<ui8>) -> tensor<6xui8>
  %d = nn.dequantize_linear %q, %s2, %z : (tensor<6xui8>, tensor<f32>, tensor<ui8>) -> tensor<6xf32>
  return %d : tensor<6xf32>
}

// -----

// Left alone: blocked quantization has no !quant.uniform type, and the int32
// bias dequantization is never touched.
// CHECK-LABEL: func.func @blocked_and_bias
// CHECK-NOT: quant.uniform
// CHECK: return
func.func @blocked_and_bias(%x: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<3xf32>) {
  %s = nn.constant dense<[[0.5, 0.25], [1.0, 2.0]]> : tensor<2x2xf32>
  %z = nn.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %q = nn.quantize_linear %x, %s, %z {block_size = 2 : i64} : (tensor<2x4xf32>, tensor<2x2xf32>, tensor<2x2xi8>) -> tensor<2x4xi8>
  %d = nn.dequantize_linear %q, %s, %z {block_size = 2 : i64} : (tensor<2x4xi8>, tensor<2x2xf32>, tensor<2x2xi8>) -> tensor<2x4xf32>
  %none = nn.none
  %b = nn.constant dense<[100, -7, 3]> : tensor<3xi32>
  %bs = nn.constant dense<0.01> : tensor<f32>
  %bd = nn.dequantize_linear %b, %bs, %none : (tensor<3xi32>, tensor<f32>, none) -> tensor<3xf32>
  return %d, %bd : tensor<2x4xf32>, tensor<3xf32>
}
