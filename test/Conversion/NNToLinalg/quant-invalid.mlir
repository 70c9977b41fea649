// RUN: whittle-opt %s --convert-nn-to-linalg -split-input-file -verify-diagnostics

// The lowering reads scales and zero points from the operands; quant
// element types (from --nn-materialize-quant-types) are rejected.
!u8 = !quant.uniform<u8:f32, 5.000000e-01:128>
func.func @quant_type(%x: tensor<2x3xf32>, %s: tensor<f32>, %z: tensor<ui8>) -> tensor<2x3x!u8> {
  // expected-error @+2 {{failed to legalize operation 'nn.quantize_linear'}}
  // expected-error @+1 {{cannot lower 'nn.quantize_linear' with the quantized element type '!quant.uniform<u8:f32, 5.000000e-01:128>'; the linalg lowering takes plain integer tensors (as imported, before --nn-materialize-quant-types)}}
  %y = nn.quantize_linear %x, %s, %z : (tensor<2x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x3x!u8>
  return %y : tensor<2x3x!u8>
}

// -----

!i8 = !quant.uniform<i8:f32, 2.500000e-01>
func.func @quant_type_operand(%a: tensor<4x3x!i8>, %b: tensor<3x2xi8>) -> tensor<4x2xi32> {
  %none = nn.none
  // expected-error @+2 {{failed to legalize operation 'nn.matmul_integer'}}
  // expected-error @+1 {{cannot lower 'nn.matmul_integer' with the quantized element type}}
  %y = nn.matmul_integer %a, %b, %none, %none : (tensor<4x3x!i8>, tensor<3x2xi8>, none, none) -> tensor<4x2xi32>
  return %y : tensor<4x2xi32>
}
