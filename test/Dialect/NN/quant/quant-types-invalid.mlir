// RUN: whittle-opt %s -split-input-file -verify-diagnostics

// The quantized data of the nn quantization ops is a plain integer tensor,
// as in ONNX; the scale and zero point operands are the only record of the
// quantization. Upstream `!quant.uniform` element types are rejected by the
// ops' type constraints.

func.func @quantize_result(%x: tensor<2x3xf32>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{'nn.quantize_linear' op result #0 must be ranked tensor of 8-bit signless integer or 8-bit unsigned integer or 16-bit signless integer or 16-bit unsigned integer values, but got 'tensor<2x3x!quant.uniform<u8:f32, 5.000000e-01:128>>'}}
  %0 = nn.quantize_linear %x, %s, %z : (tensor<2x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x3x!quant.uniform<u8:f32, 0.5:128>>
  return
}

// -----

func.func @dequantize_operand(%x: tensor<2x3x!quant.uniform<i8:f32, 0.5>>, %s: tensor<f32>, %z: tensor<i8>) {
  // expected-error @+1 {{'nn.dequantize_linear' op operand #0 must be ranked tensor of 8-bit signless integer or 8-bit unsigned integer or 16-bit signless integer or 16-bit unsigned integer or 32-bit signless integer values, but got 'tensor<2x3x!quant.uniform<i8:f32, 5.000000e-01>>'}}
  %0 = nn.dequantize_linear %x, %s, %z : (tensor<2x3x!quant.uniform<i8:f32, 0.5>>, tensor<f32>, tensor<i8>) -> tensor<2x3xf32>
  return
}

// -----

func.func @matmul_integer_operand(%a: tensor<4x3x!quant.uniform<u8:f32, 0.5:128>>, %b: tensor<3x2xi8>) {
  %none = nn.none
  // expected-error @+1 {{'nn.matmul_integer' op operand #0 must be ranked tensor of 8-bit signless integer or 8-bit unsigned integer values, but got 'tensor<4x3x!quant.uniform<u8:f32, 5.000000e-01:128>>'}}
  %0 = nn.matmul_integer %a, %b, %none, %none : (tensor<4x3x!quant.uniform<u8:f32, 0.5:128>>, tensor<3x2xi8>, none, none) -> tensor<4x2xi32>
  return
}

// -----

func.func @qlinear_conv_weights(%x: tensor<1x3x8x8xui8>, %s: tensor<f32>, %zx: tensor<ui8>,
                                %w: tensor<4x3x3x3x!quant.uniform<i8:f32:0, {0.5,0.25,1.0,2.0}>>,
                                %ws: tensor<4xf32>, %wz: tensor<4xi8>, %zy: tensor<i8>) {
  %none = nn.none
  // expected-error @+1 {{'nn.qlinear_conv' op operand #3 must be ranked tensor of 8-bit signless integer or 8-bit unsigned integer values, but got 'tensor<4x3x3x3x!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01,1.000000e+00,2.000000e+00}>>'}}
  %0 = nn.qlinear_conv %x, %s, %zx, %w, %ws, %wz, %s, %zy, %none : (tensor<1x3x8x8xui8>, tensor<f32>, tensor<ui8>, tensor<4x3x3x3x!quant.uniform<i8:f32:0, {0.5,0.25,1.0,2.0}>>, tensor<4xf32>, tensor<4xi8>, tensor<f32>, tensor<i8>, none) -> tensor<1x4x6x6xi8>
  return
}
