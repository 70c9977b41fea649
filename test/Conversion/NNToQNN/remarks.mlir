// RUN: whittle-opt --nn-to-qnn --split-input-file --verify-diagnostics %s | FileCheck %s

// A scale computed at run time: the QuantizeLinear stays in nn, with a
// remark (not an error), and so does the DequantizeLinear reading it.
// CHECK-LABEL: func.func @runtime_scale
// CHECK: nn.quantize_linear
// CHECK: nn.dequantize_linear
// CHECK-NOT: qnn.
func.func @runtime_scale(%x: tensor<4xf32>, %s: tensor<f32>) -> tensor<4xf32> {
  %z = nn.constant dense<0> : tensor<i8>
  // expected-remark @+1 {{nn-to-qnn: the scale or zero point is not a constant, so this QuantizeLinear and the ops around it stay in nn}}
  %q = nn.quantize_linear %x, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4xi8>
  %d = nn.dequantize_linear %q, %s, %z : (tensor<4xi8>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// Conv weights quantized per axis along their input channels have no qnn
// form: the conv keeps its float sandwich.
// CHECK-LABEL: func.func @weights_per_input_channel
// CHECK: qnn.quantize
// CHECK: nn.dequantize_linear %{{.*}} : (tensor<1x2x1x1xi8>, tensor<2xf32>, tensor<2xi8>)
// CHECK: nn.conv
// CHECK: qnn.quantize
// CHECK-NOT: qnn.conv
func.func @weights_per_input_channel(%x: tensor<1x2x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %s = nn.constant dense<0.5> : tensor<f32>
  %z = nn.constant dense<0> : tensor<i8>
  %q = nn.quantize_linear %x, %s, %z : (tensor<1x2x3x3xf32>, tensor<f32>, tensor<i8>) -> tensor<1x2x3x3xi8>
  %dq = nn.dequantize_linear %q, %s, %z : (tensor<1x2x3x3xi8>, tensor<f32>, tensor<i8>) -> tensor<1x2x3x3xf32>
  %w = nn.constant dense<1> : tensor<1x2x1x1xi8>
  %ws = nn.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %wz = nn.constant dense<0> : tensor<2xi8>
  %wdq = nn.dequantize_linear %w, %ws, %wz {axis = 1 : i64} : (tensor<1x2x1x1xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<1x2x1x1xf32>
  %none = nn.none
  %c = nn.conv %dq, %wdq, %none : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>, none) -> tensor<1x1x3x3xf32>
  %y = nn.quantize_linear %c, %s, %z : (tensor<1x1x3x3xf32>, tensor<f32>, tensor<i8>) -> tensor<1x1x3x3xi8>
  %d = nn.dequantize_linear %y, %s, %z : (tensor<1x1x3x3xi8>, tensor<f32>, tensor<i8>) -> tensor<1x1x3x3xf32>
  return %d : tensor<1x1x3x3xf32>
}
