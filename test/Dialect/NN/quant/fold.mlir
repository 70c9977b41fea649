// RUN: whittle-opt %s -canonicalize | FileCheck %s

// Rounding is half to even; results saturate to [0, 255].
// CHECK-LABEL: func.func @quantize_uint8
// CHECK-NEXT: %[[C:.*]] = nn.constant dense<[0, 0, 2, 2, 4, 255, 128, 0]> : tensor<8xui8>
// CHECK-NEXT: return %[[C]]
func.func @quantize_uint8() -> tensor<8xui8> {
  %x = nn.constant dense<[-10.0, 0.5, 1.5, 2.5, 3.5, 300.0, 127.5, -4.5]> : tensor<8xf32>
  %s = nn.constant dense<1.0> : tensor<f32>
  %z = nn.constant dense<0> : tensor<ui8>
  %y = nn.quantize_linear %x, %s, %z : (tensor<8xf32>, tensor<f32>, tensor<ui8>) -> tensor<8xui8>
  return %y : tensor<8xui8>
}

// The zero point is added after rounding, then the sum saturates.
// CHECK-LABEL: func.func @quantize_uint8_zero_point
// CHECK: nn.constant dense<[6, 0, 255, 10, 10, 11]> : tensor<6xui8>
func.func @quantize_uint8_zero_point() -> tensor<6xui8> {
  %x = nn.constant dense<[-7.0, -30.0, 500.0, 1.0, 0.5, 1.5]> : tensor<6xf32>
  %s = nn.constant dense<2.0> : tensor<f32>
  %z = nn.constant dense<10> : tensor<ui8>
  %y = nn.quantize_linear %x, %s, %z : (tensor<6xf32>, tensor<f32>, tensor<ui8>) -> tensor<6xui8>
  return %y : tensor<6xui8>
}

// Saturation to [-128, 127]; a missing zero point means 0.
// CHECK-LABEL: func.func @quantize_int8
// CHECK: nn.constant dense<[-128, -128, -2, 126, 127, 127, -128]> : tensor<7xi8>
func.func @quantize_int8() -> tensor<7xi8> {
  %x = nn.constant dense<[-200.0, -128.5, -2.5, 126.5, 127.6, 1000.0, -129.0]> : tensor<7xf32>
  %s = nn.constant dense<1.0> : tensor<f32>
  %none = nn.none
  %y = nn.quantize_linear %x, %s, %none {output_dtype = 3 : i64} : (tensor<7xf32>, tensor<f32>, none) -> tensor<7xi8>
  return %y : tensor<7xi8>
}

// Without zero point nor output_dtype the result is uint8.
// CHECK-LABEL: func.func @quantize_default_uint8
// CHECK: nn.constant dense<[0, 3, 255]> : tensor<3xui8>
func.func @quantize_default_uint8() -> tensor<3xui8> {
  %x = nn.constant dense<[-1.0, 1.5, 256.0]> : tensor<3xf32>
  %s = nn.constant dense<0.5> : tensor<1xf32>
  %none = nn.none
  %y = nn.quantize_linear %x, %s, %none : (tensor<3xf32>, tensor<1xf32>, none) -> tensor<3xui8>
  return %y : tensor<3xui8>
}

// Per-axis along axis 1.
// CHECK-LABEL: func.func @quantize_per_axis
// CHECK: nn.constant dense<{{\[}}[4, 3, 3], [-4, -1, 1]]> : tensor<2x3xi8>
func.func @quantize_per_axis() -> tensor<2x3xi8> {
  %x = nn.constant dense<[[4.0, 4.0, 4.0], [-4.0, -4.0, -4.0]]> : tensor<2x3xf32>
  %s = nn.constant dense<[1.0, 2.0, 4.0]> : tensor<3xf32>
  %z = nn.constant dense<[0, 1, 2]> : tensor<3xi8>
  %y = nn.quantize_linear %x, %s, %z : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xi8>) -> tensor<2x3xi8>
  return %y : tensor<2x3xi8>
}

// Blocked along axis 1 with block_size 2 (the last block is partial).
// CHECK-LABEL: func.func @quantize_blocked
// CHECK: nn.constant dense<{{\[}}[8, 8, 4], [2, 2, 1]]> : tensor<2x3xi16>
func.func @quantize_blocked() -> tensor<2x3xi16> {
  %x = nn.constant dense<8.0> : tensor<2x3xf32>
  %s = nn.constant dense<[[1.0, 2.0], [4.0, 8.0]]> : tensor<2x2xf32>
  %z = nn.constant dense<0> : tensor<2x2xi16>
  %y = nn.quantize_linear %x, %s, %z {block_size = 2 : i64} : (tensor<2x3xf32>, tensor<2x2xf32>, tensor<2x2xi16>) -> tensor<2x3xi16>
  return %y : tensor<2x3xi16>
}

// CHECK-LABEL: func.func @dequantize_uint8
// CHECK: nn.constant dense<[-6.400000e+01, 0.000000e+00, 6.350000e+01]> : tensor<3xf32>
func.func @dequantize_uint8() -> tensor<3xf32> {
  %x = nn.constant dense<[0, 128, 255]> : tensor<3xui8>
  %s = nn.constant dense<0.5> : tensor<f32>
  %z = nn.constant dense<128> : tensor<ui8>
  %y = nn.dequantize_linear %x, %s, %z : (tensor<3xui8>, tensor<f32>, tensor<ui8>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// Per-axis int8 along axis 0.
// CHECK-LABEL: func.func @dequantize_per_axis
// CHECK: nn.constant dense<{{\[}}[-1.280000e+02, 1.270000e+02], [-2.600000e+02, 2.500000e+02]]> : tensor<2x2xf32>
func.func @dequantize_per_axis() -> tensor<2x2xf32> {
  %x = nn.constant dense<[[-128, 127], [-128, 127]]> : tensor<2x2xi8>
  %s = nn.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %z = nn.constant dense<[0, 2]> : tensor<2xi8>
  %y = nn.dequantize_linear %x, %s, %z {axis = 0 : i64} : (tensor<2x2xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// An int32 bias has no zero point.
// CHECK-LABEL: func.func @dequantize_int32
// CHECK: nn.constant dense<[-2.500000e-01, 0.000000e+00, 1.000000e+06]> : tensor<3xf32>
func.func @dequantize_int32() -> tensor<3xf32> {
  %x = nn.constant dense<[-1, 0, 4000000]> : tensor<3xi32>
  %s = nn.constant dense<0.25> : tensor<f32>
  %none = nn.none
  %y = nn.dequantize_linear %x, %s, %none : (tensor<3xi32>, tensor<f32>, none) -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// Round trip through both folds.
// CHECK-LABEL: func.func @round_trip
// CHECK: nn.constant dense<[1.000000e+00, 2.000000e+00, 1.270000e+02]> : tensor<3xf32>
func.func @round_trip() -> tensor<3xf32> {
  %x = nn.constant dense<[1.0, 2.0, 200.0]> : tensor<3xf32>
  %s = nn.constant dense<1.0> : tensor<f32>
  %z = nn.constant dense<0> : tensor<i8>
  %q = nn.quantize_linear %x, %s, %z : (tensor<3xf32>, tensor<f32>, tensor<i8>) -> tensor<3xi8>
  %y = nn.dequantize_linear %q, %s, %z : (tensor<3xi8>, tensor<f32>, tensor<i8>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// Non-constant operands and constants over 1024 elements are not folded.
// CHECK-LABEL: func.func @no_fold
// CHECK: nn.quantize_linear
// CHECK: nn.quantize_linear
func.func @no_fold(%arg: tensor<4xf32>) -> (tensor<4xui8>, tensor<2048xui8>) {
  %s = nn.constant dense<1.0> : tensor<f32>
  %z = nn.constant dense<0> : tensor<ui8>
  %y = nn.quantize_linear %arg, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<ui8>) -> tensor<4xui8>
  %big = nn.constant dense<1.0> : tensor<2048xf32>
  %y2 = nn.quantize_linear %big, %s, %z : (tensor<2048xf32>, tensor<f32>, tensor<ui8>) -> tensor<2048xui8>
  return %y, %y2 : tensor<4xui8>, tensor<2048xui8>
}
