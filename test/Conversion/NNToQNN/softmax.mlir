// RUN: whittle-opt --nn-to-qnn --split-input-file --verify-diagnostics %s | FileCheck %s

// com.microsoft QLinearSoftmax (opset 13: one axis) on uint8. The table
// holds exp(-d * x_scale) in units of 2^-24 and the sum is divided out at
// the exact 1 / y_scale = 256 (multiplier 2^30, shift 22).
// CHECK-LABEL: func.func @qlinear_softmax
// CHECK: %[[Q:.*]] = qnn.quantize %arg0
// CHECK: %[[S:.*]] = qnn.softmax %[[Q]] {axis = 1 : i64, exp_table = array<i32: 16777216, 8388608, 4194304,
// CHECK-SAME: multiplier = 1073741824 : i32, output_zero_point = -128 : i32, shift = 22 : i32}
// CHECK-SAME: (tensor<2x5x3xi8>) -> tensor<2x5x3xi8>
// CHECK: qnn.dequantize %[[S]] {scale = array<f32: 3.906250e-03>, zero_point = array<i32: -128>}
func.func @qlinear_softmax(%x: tensor<2x5x3xf32>) -> tensor<2x5x3xf32> {
  %xs = nn.constant dense<0.693147182> : tensor<f32>
  %xz = nn.constant dense<128> : tensor<ui8>
  %ys = nn.constant dense<0.00390625> : tensor<f32>
  %yz = nn.constant dense<0> : tensor<ui8>
  %q = nn.quantize_linear %x, %xs, %xz : (tensor<2x5x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x5x3xui8>
  %s = nn.ms.qlinear_softmax %q, %xs, %xz, %ys, %yz {axis = 1 : i64, opset = 13 : i64} : (tensor<2x5x3xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>) -> tensor<2x5x3xui8>
  %y = nn.dequantize_linear %s, %ys, %yz : (tensor<2x5x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<2x5x3xf32>
  return %y : tensor<2x5x3xf32>
}

// -----

// Before opset 13 the softmax runs over every dimension from `axis` on:
// those are flattened into one around qnn.softmax.
// CHECK-LABEL: func.func @qlinear_softmax_opset12
// CHECK: %[[Q:.*]] = qnn.quantize %arg0
// CHECK: %[[SHAPE:.*]] = nn.constant dense<[2, 15]> : tensor<2xi64>
// CHECK: %[[FLAT:.*]] = nn.reshape %[[Q]], %[[SHAPE]] {{.*}} -> tensor<2x15xi8>
// CHECK: %[[S:.*]] = qnn.softmax %[[FLAT]] {axis = 1 : i64
// CHECK: %[[BACK:.*]] = nn.constant dense<[2, 5, 3]> : tensor<3xi64>
// CHECK: %[[Y:.*]] = nn.reshape %[[S]], %[[BACK]] {{.*}} -> tensor<2x5x3xi8>
// CHECK: qnn.dequantize %[[Y]]
func.func @qlinear_softmax_opset12(%x: tensor<2x5x3xf32>) -> tensor<2x5x3xf32> {
  %xs = nn.constant dense<0.5> : tensor<f32>
  %xz = nn.constant dense<3> : tensor<i8>
  %ys = nn.constant dense<0.00390625> : tensor<f32>
  %yz = nn.constant dense<-128> : tensor<i8>
  %q = nn.quantize_linear %x, %xs, %xz : (tensor<2x5x3xf32>, tensor<f32>, tensor<i8>) -> tensor<2x5x3xi8>
  %s = nn.ms.qlinear_softmax %q, %xs, %xz, %ys, %yz {axis = 1 : i64, opset = 12 : i64} : (tensor<2x5x3xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<i8>) -> tensor<2x5x3xi8>
  %y = nn.dequantize_linear %s, %ys, %yz : (tensor<2x5x3xi8>, tensor<f32>, tensor<i8>) -> tensor<2x5x3xf32>
  return %y : tensor<2x5x3xf32>
}

// -----

// Softmax between DequantizeLinear and QuantizeLinear (QDQ) is fused the
// same way; 1 / y_scale (255 up to float32 rounding) is not a power of two.
// CHECK-LABEL: func.func @qdq_softmax
// CHECK: %[[Q:.*]] = qnn.quantize %arg0
// CHECK: %[[S:.*]] = qnn.softmax %[[Q]] {exp_table
// CHECK-SAME: multiplier = 2139094913 : i32, output_zero_point = -128 : i32, shift = 23 : i32}
// CHECK: qnn.dequantize %[[S]]
// CHECK-NOT: nn.softmax
func.func @qdq_softmax(%x: tensor<3x4x7xf32>) -> tensor<3x4x7xf32> {
  %xs = nn.constant dense<0.05> : tensor<f32>
  %xz = nn.constant dense<0> : tensor<i8>
  %ys = nn.constant dense<0.00392156886> : tensor<f32>
  %yz = nn.constant dense<-128> : tensor<i8>
  %q = nn.quantize_linear %x, %xs, %xz : (tensor<3x4x7xf32>, tensor<f32>, tensor<i8>) -> tensor<3x4x7xi8>
  %dq = nn.dequantize_linear %q, %xs, %xz : (tensor<3x4x7xi8>, tensor<f32>, tensor<i8>) -> tensor<3x4x7xf32>
  %s = nn.softmax %dq {axis = -1 : i64} : (tensor<3x4x7xf32>) -> tensor<3x4x7xf32>
  %sq = nn.quantize_linear %s, %ys, %yz : (tensor<3x4x7xf32>, tensor<f32>, tensor<i8>) -> tensor<3x4x7xi8>
  %y = nn.dequantize_linear %sq, %ys, %yz : (tensor<3x4x7xi8>, tensor<f32>, tensor<i8>) -> tensor<3x4x7xf32>
  return %y : tensor<3x4x7xf32>
}

// -----

// A com.microsoft op with a scale known only at run time has no qnn form,
// and no float lowering either: an error that says what is needed.
func.func @runtime_scale(%x: tensor<2x3xf32>, %xs: tensor<f32>) -> tensor<2x3xf32> {
  %xz = nn.constant dense<0> : tensor<i8>
  %ys = nn.constant dense<0.00390625> : tensor<f32>
  %yz = nn.constant dense<-128> : tensor<i8>
  // expected-remark @+1 {{the scale or zero point is not a constant}}
  %q = nn.quantize_linear %x, %xs, %xz : (tensor<2x3xf32>, tensor<f32>, tensor<i8>) -> tensor<2x3xi8>
  // expected-error @+1 {{nn-to-qnn: cannot convert 'nn.ms.qlinear_softmax' to qnn, the only way whittle runs com.microsoft quantized ops: its scales and zero points must be constants, per tensor}}
  %s = nn.ms.qlinear_softmax %q, %xs, %xz, %ys, %yz {opset = 13 : i64} : (tensor<2x3xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<i8>) -> tensor<2x3xi8>
  %y = nn.dequantize_linear %s, %ys, %yz : (tensor<2x3xi8>, tensor<f32>, tensor<i8>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
