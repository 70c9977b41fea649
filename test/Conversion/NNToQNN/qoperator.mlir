// RUN: whittle-opt --nn-to-qnn --split-input-file %s | FileCheck %s

// QLinearConv -> MaxPool on uint8 -> Flatten -> QLinearMatMul, as ONNX
// Runtime's quantizer writes QOperator models.
// CHECK-LABEL: func.func @qlinear_chain
// CHECK: %[[Q:.*]] = qnn.quantize %arg0 {scale = array<f32: 2.500000e-01>, zero_point = array<i32: -118>}
// CHECK: %[[ACC:.*]] = qnn.conv %[[Q]], %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, input_zero_point = -118 : i32, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0, 0>}
// 0.25 * {0.5, 0.25} / 0.5 = {2^-2, 2^-3}
// CHECK: %[[Y:.*]] = qnn.requantize %[[ACC]] {multiplier = array<i32: 1073741824, 1073741824>, output_zero_point = -128 : i32, rounding = #qnn.rounding<float32>, shift = array<i32: 32, 33>}
// CHECK: %[[P:.*]] = qnn.max_pool %[[Y]] {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
// CHECK: %[[F:.*]] = nn.flatten %[[P]] : (tensor<1x2x1x1xi8>) -> tensor<1x2xi8>
// CHECK: %[[MM:.*]] = qnn.matmul %[[F]], %{{.*}} {a_zero_point = -128 : i32, b_zero_point = array<i32: 1>}
// CHECK: %[[Z:.*]] = qnn.requantize %[[MM]] {multiplier = array<i32: 1073741824>, output_zero_point = 5 : i32, rounding = #qnn.rounding<float32>, shift = array<i32: 33>}
// CHECK: qnn.dequantize %[[Z]] {scale = array<f32: 1.000000e+00>, zero_point = array<i32: 5>}
func.func @qlinear_chain(%x: tensor<1x1x3x3xf32>) -> tensor<1x3xf32> {
  %xs = nn.constant dense<0.25> : tensor<f32>
  %xz = nn.constant dense<10> : tensor<ui8>
  %q = nn.quantize_linear %x, %xs, %xz : (tensor<1x1x3x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x1x3x3xui8>
  %w = nn.constant dense<1> : tensor<2x1x2x2xi8>
  %ws = nn.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %wz = nn.constant dense<0> : tensor<2xi8>
  %ys = nn.constant dense<0.5> : tensor<f32>
  %yz = nn.constant dense<0> : tensor<ui8>
  %b = nn.constant dense<[4, -4]> : tensor<2xi32>
  %c = nn.qlinear_conv %q, %xs, %xz, %w, %ws, %wz, %ys, %yz, %b : (tensor<1x1x3x3xui8>, tensor<f32>, tensor<ui8>, tensor<2x1x2x2xi8>, tensor<2xf32>, tensor<2xi8>, tensor<f32>, tensor<ui8>, tensor<2xi32>) -> tensor<1x2x2x2xui8>
  %p, %i = nn.max_pool %c {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x2x2xui8>) -> (tensor<1x2x1x1xui8>, tensor<1x2x1x1xi64>)
  %f = nn.flatten %p : (tensor<1x2x1x1xui8>) -> tensor<1x2xui8>
  %m = nn.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8>
  %ms = nn.constant dense<0.25> : tensor<f32>
  %mz = nn.constant dense<1> : tensor<i8>
  %os = nn.constant dense<1.0> : tensor<f32>
  %oz = nn.constant dense<133> : tensor<ui8>
  %mm = nn.qlinear_matmul %f, %ys, %yz, %m, %ms, %mz, %os, %oz : (tensor<1x2xui8>, tensor<f32>, tensor<ui8>, tensor<2x3xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<1x3xui8>
  %d = nn.dequantize_linear %mm, %os, %oz : (tensor<1x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x3xf32>
  return %d : tensor<1x3xf32>
}

// -----

// ConvInteger and MatMulInteger give the i32 accumulators directly.
// CHECK-LABEL: func.func @integer_products
// CHECK: %[[X:.*]] = qnn.quantize %arg0
// CHECK: %[[C:.*]] = qnn.conv %[[X]], %{{.*}} {dilations = array<i64: 1, 1>, input_zero_point = -125 : i32, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: -128>} : (tensor<1x1x3x3xi8>, tensor<1x1x3x3xi8>) -> tensor<1x1x3x3xi32>
// CHECK: %[[M:.*]] = qnn.matmul %{{.*}}, %{{.*}} {a_zero_point = -125 : i32, b_zero_point = array<i32: 2, 3>} : (tensor<3x3xi8>, tensor<3x2xi8>) -> tensor<3x2xi32>
// CHECK: return %[[C]], %[[M]]
func.func @integer_products(%x: tensor<1x1x3x3xf32>) -> (tensor<1x1x3x3xi32>, tensor<3x2xi32>) {
  %s = nn.constant dense<0.25> : tensor<f32>
  %z = nn.constant dense<3> : tensor<ui8>
  %q = nn.quantize_linear %x, %s, %z : (tensor<1x1x3x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x1x3x3xui8>
  %w = nn.constant dense<7> : tensor<1x1x3x3xui8>
  %none = nn.none
  %c = nn.conv_integer %q, %w, %z, %none {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x3x3xui8>, tensor<1x1x3x3xui8>, tensor<ui8>, none) -> tensor<1x1x3x3xi32>
  %shape = nn.constant dense<[3, 3]> : tensor<2xi64>
  %r = nn.reshape %q, %shape : (tensor<1x1x3x3xui8>, tensor<2xi64>) -> tensor<3x3xui8>
  %b = nn.constant dense<1> : tensor<3x2xi8>
  %bz = nn.constant dense<[2, 3]> : tensor<2xi8>
  %m = nn.matmul_integer %r, %b, %z, %bz : (tensor<3x3xui8>, tensor<3x2xi8>, tensor<ui8>, tensor<2xi8>) -> tensor<3x2xi32>
  return %c, %m : tensor<1x1x3x3xi32>, tensor<3x2xi32>
}

// -----

// Integer I/O in uint8 (a QOperator model cut at uint8 tensors): the
// inputs become i8 as `q - 128` and the result goes back to uint8 as
// `q + 128`, both exact through i32.
// CHECK-LABEL: func.func @uint8_io
// CHECK: %[[AW:.*]] = nn.cast %arg0 {to = 6 : i64} : (tensor<1x2x2x2xui8>) -> tensor<1x2x2x2xi32>
// CHECK: %[[MINUS128:.*]] = nn.constant dense<-128> : tensor<i32>
// CHECK: %[[AS:.*]] = nn.add %[[AW]], %[[MINUS128]]
// CHECK: %[[A:.*]] = nn.cast %[[AS]] {to = 3 : i64} : (tensor<1x2x2x2xi32>) -> tensor<1x2x2x2xi8>
// CHECK: %[[SUM:.*]] = qnn.add %[[A]], %{{.*}} {{{.*}}output_zero_point = -125 : i32
// CHECK: %[[W:.*]] = nn.cast %[[SUM]] {to = 6 : i64} : (tensor<1x2x2x2xi8>) -> tensor<1x2x2x2xi32>
// CHECK: %[[PLUS128:.*]] = nn.constant dense<128> : tensor<i32>
// CHECK: %[[U:.*]] = nn.add %[[W]], %[[PLUS128]] : (tensor<1x2x2x2xi32>, tensor<i32>) -> tensor<1x2x2x2xi32>
// CHECK: %[[Y:.*]] = nn.cast %[[U]] {to = 2 : i64} : (tensor<1x2x2x2xi32>) -> tensor<1x2x2x2xui8>
// CHECK: return %[[Y]]
// CHECK-NOT: nn.ms.
func.func @uint8_io(%a: tensor<1x2x2x2xui8>, %b: tensor<1x2x2x2xui8>) -> tensor<1x2x2x2xui8> {
  %s = nn.constant dense<0.5> : tensor<f32>
  %z = nn.constant dense<128> : tensor<ui8>
  %s2 = nn.constant dense<0.25> : tensor<f32>
  %z2 = nn.constant dense<3> : tensor<ui8>
  %c = nn.ms.qlinear_add %a, %s, %z, %b, %s, %z, %s2, %z2 : (tensor<1x2x2x2xui8>, tensor<f32>, tensor<ui8>, tensor<1x2x2x2xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>) -> tensor<1x2x2x2xui8>
  return %c : tensor<1x2x2x2xui8>
}
