// RUN: whittle-opt --nn-to-qnn --split-input-file %s | FileCheck %s

// Conv with per-channel weights, an int32 bias and a fused ReLU; uint8
// activations become i8 with zero point - 128.
// CHECK-LABEL: func.func @conv_relu
// CHECK: %[[Q:.*]] = qnn.quantize %arg0 {scale = array<f32: 5.000000e-01>, zero_point = array<i32: 0>}
// CHECK: %[[W:.*]] = nn.constant dense<3> : tensor<3x2x3x3xi8>
// CHECK: %[[B:.*]] = nn.constant dense<[1, 2, 3]> : tensor<3xi32>
// CHECK: %[[ACC:.*]] = qnn.conv %[[Q]], %[[W]], %[[B]] {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0, 0, 0>}
// 0.5 * {0.25, 0.125, 0.5} / 0.75 as 31-bit multipliers; ReLU clamps at the
// output zero point.
// CHECK: %[[Y:.*]] = qnn.requantize %[[ACC]] {min = -28 : i32, multiplier = array<i32: 1431655808, 1431655808, 1431655808>, output_zero_point = -28 : i32, rounding = #qnn.rounding<float32>, shift = array<i32: 33, 34, 32>}
// CHECK: %[[F:.*]] = qnn.dequantize %[[Y]] {scale = array<f32: 7.500000e-01>, zero_point = array<i32: -28>}
// CHECK: return %[[F]]
// CHECK-NOT: nn.
func.func @conv_relu(%x: tensor<1x2x4x4xf32>) -> tensor<1x3x4x4xf32> {
  %s = nn.constant dense<0.5> : tensor<f32>
  %z = nn.constant dense<128> : tensor<ui8>
  %q = nn.quantize_linear %x, %s, %z : (tensor<1x2x4x4xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x4x4xui8>
  %dq = nn.dequantize_linear %q, %s, %z : (tensor<1x2x4x4xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x2x4x4xf32>
  %w = nn.constant dense<3> : tensor<3x2x3x3xi8>
  %ws = nn.constant dense<[0.25, 0.125, 0.5]> : tensor<3xf32>
  %wz = nn.constant dense<0> : tensor<3xi8>
  %wdq = nn.dequantize_linear %w, %ws, %wz {axis = 0 : i64} : (tensor<3x2x3x3xi8>, tensor<3xf32>, tensor<3xi8>) -> tensor<3x2x3x3xf32>
  %b = nn.constant dense<[1, 2, 3]> : tensor<3xi32>
  %bs = nn.constant dense<[0.125, 0.0625, 0.25]> : tensor<3xf32>
  %bz = nn.constant dense<0> : tensor<3xi32>
  %bdq = nn.dequantize_linear %b, %bs, %bz {axis = 0 : i64} : (tensor<3xi32>, tensor<3xf32>, tensor<3xi32>) -> tensor<3xf32>
  %c = nn.conv %dq, %wdq, %bdq {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  %r = nn.relu %c : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  %ys = nn.constant dense<0.75> : tensor<f32>
  %yz = nn.constant dense<100> : tensor<ui8>
  %y = nn.quantize_linear %r, %ys, %yz : (tensor<1x3x4x4xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x3x4x4xui8>
  %ydq = nn.dequantize_linear %y, %ys, %yz : (tensor<1x3x4x4xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x3x4x4xf32>
  return %ydq : tensor<1x3x4x4xf32>
}

// -----

// Gemm with transB: the uint8 weights are shifted and transposed at compile
// time, the bias is per tensor, Clip(0, 6) becomes the clamp.
// CHECK-LABEL: func.func @gemm_clip
// CHECK: %[[Q:.*]] = qnn.quantize %arg0
// CHECK: %[[W:.*]] = nn.constant dense<{{\[}}[-127, -125, -123], [-126, -124, -122]]> : tensor<2x3xi8>
// CHECK: %[[ACC:.*]] = qnn.matmul %[[Q]], %[[W]], %{{.*}} {b_zero_point = array<i32: -118>} : (tensor<4x2xi8>, tensor<2x3xi8>, tensor<3xi32>) -> tensor<4x3xi32>
// 0.25 * 0.125 / (1/12) = 0.375; Clip's 6 is 72 steps of 1/12.
// CHECK: qnn.requantize %[[ACC]] {max = 72 : i32, min = 0 : i32, multiplier = array<i32: 1610612736>, rounding = #qnn.rounding<float32>, shift = array<i32: 32>}
func.func @gemm_clip(%x: tensor<4x2xf32>) -> tensor<4x3xf32> {
  %s = nn.constant dense<0.25> : tensor<f32>
  %z = nn.constant dense<0> : tensor<i8>
  %q = nn.quantize_linear %x, %s, %z : (tensor<4x2xf32>, tensor<f32>, tensor<i8>) -> tensor<4x2xi8>
  %dq = nn.dequantize_linear %q, %s, %z : (tensor<4x2xi8>, tensor<f32>, tensor<i8>) -> tensor<4x2xf32>
  %w = nn.constant dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xui8>
  %ws = nn.constant dense<0.125> : tensor<f32>
  %wz = nn.constant dense<10> : tensor<ui8>
  %wdq = nn.dequantize_linear %w, %ws, %wz : (tensor<3x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<3x2xf32>
  %b = nn.constant dense<[7, 8, 9]> : tensor<3xi32>
  %bs = nn.constant dense<0.03125> : tensor<1xf32>
  %bz = nn.constant dense<0> : tensor<i32>
  %bdq = nn.dequantize_linear %b, %bs, %bz : (tensor<3xi32>, tensor<1xf32>, tensor<i32>) -> tensor<3xf32>
  %g = nn.gemm %dq, %wdq, %bdq {transB = 1 : i64} : (tensor<4x2xf32>, tensor<3x2xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %lo = nn.constant dense<0.0> : tensor<f32>
  %hi = nn.constant dense<6.0> : tensor<f32>
  %c = nn.clip %g, %lo, %hi : (tensor<4x3xf32>, tensor<f32>, tensor<f32>) -> tensor<4x3xf32>
  %ys = nn.constant dense<0.0833333358> : tensor<f32>
  %yz = nn.constant dense<0> : tensor<i8>
  %y = nn.quantize_linear %c, %ys, %yz : (tensor<4x3xf32>, tensor<f32>, tensor<i8>) -> tensor<4x3xi8>
  %ydq = nn.dequantize_linear %y, %ys, %yz : (tensor<4x3xi8>, tensor<f32>, tensor<i8>) -> tensor<4x3xf32>
  return %ydq : tensor<4x3xf32>
}

// -----

// Residual add of two uint8 tensors, then average pools and a max pool at
// one scale, and a flatten that passes through on i8.
// CHECK-LABEL: func.func @add_pools
// CHECK: %[[A:.*]] = qnn.quantize %arg0 {scale = array<f32: 5.000000e-01>, zero_point = array<i32: -28>}
// CHECK: %[[B:.*]] = qnn.quantize %arg1 {scale = array<f32: 2.500000e-01>, zero_point = array<i32: -128>}
// 0.5 / 1 and 0.25 / 1 with one shift.
// CHECK: %[[S:.*]] = qnn.add %[[A]], %[[B]] {a_multiplier = 1073741824 : i32, a_zero_point = -28 : i32, b_multiplier = 536870912 : i32, b_zero_point = -128 : i32, output_zero_point = -118 : i32, shift = 31 : i32}
// CHECK: %[[M:.*]] = qnn.max_pool %[[S]] {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
// CHECK: %[[P:.*]] = qnn.avg_pool %[[M]] {input_zero_point = -118 : i32, kernel_shape = array<i64: 2, 2>, multiplier = 1073741824 : i32, output_zero_point = -128 : i32, pads = array<i64: 0, 0, 0, 0>, shift = 31 : i32, strides = array<i64: 1, 1>}
// CHECK: %[[G:.*]] = qnn.global_avg_pool %[[P]] {input_zero_point = -128 : i32, multiplier = 1073741824 : i32, output_zero_point = -128 : i32, shift = 30 : i32}
// CHECK: %[[F:.*]] = nn.flatten %[[G]] : (tensor<1x2x1x1xi8>) -> tensor<1x2xi8>
// CHECK: qnn.dequantize %[[F]]
func.func @add_pools(%a: tensor<1x2x4x4xf32>, %b: tensor<1x2x4x4xf32>) -> tensor<1x2xf32> {
  %sa = nn.constant dense<0.5> : tensor<f32>
  %za = nn.constant dense<100> : tensor<ui8>
  %sb = nn.constant dense<0.25> : tensor<f32>
  %zb = nn.constant dense<0> : tensor<ui8>
  %qa = nn.quantize_linear %a, %sa, %za : (tensor<1x2x4x4xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x4x4xui8>
  %qb = nn.quantize_linear %b, %sb, %zb : (tensor<1x2x4x4xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x4x4xui8>
  %da = nn.dequantize_linear %qa, %sa, %za : (tensor<1x2x4x4xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x2x4x4xf32>
  %db = nn.dequantize_linear %qb, %sb, %zb : (tensor<1x2x4x4xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x2x4x4xf32>
  %sum = nn.add %da, %db : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %ss = nn.constant dense<1.0> : tensor<f32>
  %zs = nn.constant dense<10> : tensor<ui8>
  %qs = nn.quantize_linear %sum, %ss, %zs : (tensor<1x2x4x4xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x4x4xui8>
  %ds = nn.dequantize_linear %qs, %ss, %zs : (tensor<1x2x4x4xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x2x4x4xf32>
  %m, %idx = nn.max_pool %ds {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xi64>)
  %qm = nn.quantize_linear %m, %ss, %zs : (tensor<1x2x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x2x2xui8>
  %dm = nn.dequantize_linear %qm, %ss, %zs : (tensor<1x2x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x2x2x2xf32>
  %p = nn.average_pool %dm {kernel_shape = array<i64: 2, 2>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32>
  %sp = nn.constant dense<2.0> : tensor<f32>
  %zp = nn.constant dense<0> : tensor<ui8>
  %qp = nn.quantize_linear %p, %sp, %zp : (tensor<1x2x1x1xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x1x1xui8>
  %dp = nn.dequantize_linear %qp, %sp, %zp : (tensor<1x2x1x1xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x2x1x1xf32>
  %g = nn.global_average_pool %dp : (tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %qg = nn.quantize_linear %g, %sp, %zp : (tensor<1x2x1x1xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x1x1xui8>
  %dg = nn.dequantize_linear %qg, %sp, %zp : (tensor<1x2x1x1xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x2x1x1xf32>
  %f = nn.flatten %dg : (tensor<1x2x1x1xf32>) -> tensor<1x2xf32>
  %qf = nn.quantize_linear %f, %sp, %zp : (tensor<1x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2xui8>
  %df = nn.dequantize_linear %qf, %sp, %zp : (tensor<1x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x2xf32>
  return %df : tensor<1x2xf32>
}

// -----

// Mul, concat with a rescale per input, and functions of one value as
// lookup tables.
// CHECK-LABEL: func.func @mul_concat_lut
// CHECK: %[[A:.*]] = qnn.quantize %arg0
// CHECK: %[[M:.*]] = qnn.mul %[[A]], %[[A]] {multiplier = 1073741824 : i32, shift = 31 : i32}
// CHECK: %[[C:.*]] = qnn.concat %[[A]], %[[M]] {axis = 1 : i64, input_zero_points = array<i32: 0, 0>, multipliers = array<i32: 1073741824, 1073741824>, shifts = array<i32: 31, 31>}
// sigmoid(-128) = 0 is -64 at scale 1/128, sigmoid(127) = 1 is 64.
// CHECK: %[[S:.*]] = qnn.lut %[[C]] {table = array<i8: -64, -64, -64,
// CHECK-SAME: 64, 64, 64>}
// LeakyRelu(0.5) of -0.5 is -0.25, i.e. -96.
// CHECK: %[[L:.*]] = qnn.lut %[[S]] {table = array<i8: -96, -96, -95, -94,
// CHECK: qnn.dequantize %[[L]]
func.func @mul_concat_lut(%a: tensor<1x2xf32>) -> tensor<1x4xf32> {
  %s = nn.constant dense<0.5> : tensor<f32>
  %z = nn.constant dense<0> : tensor<i8>
  %q = nn.quantize_linear %a, %s, %z : (tensor<1x2xf32>, tensor<f32>, tensor<i8>) -> tensor<1x2xi8>
  %d = nn.dequantize_linear %q, %s, %z : (tensor<1x2xi8>, tensor<f32>, tensor<i8>) -> tensor<1x2xf32>
  %m = nn.mul %d, %d : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %qm = nn.quantize_linear %m, %s, %z : (tensor<1x2xf32>, tensor<f32>, tensor<i8>) -> tensor<1x2xi8>
  %dm = nn.dequantize_linear %qm, %s, %z : (tensor<1x2xi8>, tensor<f32>, tensor<i8>) -> tensor<1x2xf32>
  %c = nn.concat %d, %dm {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  %sc = nn.constant dense<1.0> : tensor<f32>
  %qc = nn.quantize_linear %c, %sc, %z : (tensor<1x4xf32>, tensor<f32>, tensor<i8>) -> tensor<1x4xi8>
  %dc = nn.dequantize_linear %qc, %sc, %z : (tensor<1x4xi8>, tensor<f32>, tensor<i8>) -> tensor<1x4xf32>
  %sig = nn.sigmoid %dc : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %ss = nn.constant dense<0.0078125> : tensor<f32>
  %zs = nn.constant dense<-64> : tensor<i8>
  %qs = nn.quantize_linear %sig, %ss, %zs : (tensor<1x4xf32>, tensor<f32>, tensor<i8>) -> tensor<1x4xi8>
  %ds = nn.dequantize_linear %qs, %ss, %zs : (tensor<1x4xi8>, tensor<f32>, tensor<i8>) -> tensor<1x4xf32>
  %l = nn.leaky_relu %ds {alpha = 0.5 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %ql = nn.quantize_linear %l, %ss, %zs : (tensor<1x4xf32>, tensor<f32>, tensor<i8>) -> tensor<1x4xi8>
  %dl = nn.dequantize_linear %ql, %ss, %zs : (tensor<1x4xi8>, tensor<f32>, tensor<i8>) -> tensor<1x4xf32>
  return %dl : tensor<1x4xf32>
}

// -----

// A float op without a quantized form keeps its sandwich; its input and
// output still meet the qnn ops through dequantize/quantize.
// CHECK-LABEL: func.func @float_island
// CHECK: %[[Q:.*]] = qnn.quantize %arg0
// CHECK: %[[D:.*]] = qnn.dequantize %[[Q]]
// CHECK: %[[E:.*]] = nn.sqrt %[[D]]
// CHECK: %[[Q2:.*]] = qnn.quantize %[[E]]
// CHECK: qnn.dequantize %[[Q2]]
func.func @float_island(%a: tensor<4xf32>) -> tensor<4xf32> {
  %s = nn.constant dense<0.5> : tensor<f32>
  %z = nn.constant dense<0> : tensor<i8>
  %q = nn.quantize_linear %a, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4xi8>
  %d = nn.dequantize_linear %q, %s, %z : (tensor<4xi8>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  %e = nn.sqrt %d : (tensor<4xf32>) -> tensor<4xf32>
  %q2 = nn.quantize_linear %e, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4xi8>
  %d2 = nn.dequantize_linear %q2, %s, %z : (tensor<4xi8>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  return %d2 : tensor<4xf32>
}

// -----

// Integer I/O (a model cut at int8 tensors): an int8 graph input is the
// operand itself, and the int8 result is returned without a round trip
// through float.
// CHECK-LABEL: func.func @integer_io
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x2x2xi8>)
// CHECK: %[[ACC:.*]] = qnn.conv %[[X]], %{{.*}}, %{{.*}} {{{.*}}input_zero_point = 11 : i32
// CHECK: %[[Y:.*]] = qnn.requantize %[[ACC]]
// CHECK: return %[[Y]] : tensor<1x3x2x2xi8>
// CHECK-NOT: nn.
func.func @integer_io(%x: tensor<1x2x2x2xi8>) -> tensor<1x3x2x2xi8> {
  %s = nn.constant dense<0.5> : tensor<f32>
  %z = nn.constant dense<11> : tensor<i8>
  %dq = nn.dequantize_linear %x, %s, %z : (tensor<1x2x2x2xi8>, tensor<f32>, tensor<i8>) -> tensor<1x2x2x2xf32>
  %w = nn.constant dense<3> : tensor<3x2x1x1xi8>
  %ws = nn.constant dense<0.25> : tensor<f32>
  %wz = nn.constant dense<0> : tensor<i8>
  %wdq = nn.dequantize_linear %w, %ws, %wz : (tensor<3x2x1x1xi8>, tensor<f32>, tensor<i8>) -> tensor<3x2x1x1xf32>
  %b = nn.constant dense<[1, 2, 3]> : tensor<3xi32>
  %bs = nn.constant dense<0.125> : tensor<1xf32>
  %bz = nn.constant dense<0> : tensor<i32>
  %bdq = nn.dequantize_linear %b, %bs, %bz : (tensor<3xi32>, tensor<1xf32>, tensor<i32>) -> tensor<3xf32>
  %c = nn.conv %dq, %wdq, %bdq : (tensor<1x2x2x2xf32>, tensor<3x2x1x1xf32>, tensor<3xf32>) -> tensor<1x3x2x2xf32>
  %ys = nn.constant dense<0.75> : tensor<f32>
  %yz = nn.constant dense<-128> : tensor<i8>
  %y = nn.quantize_linear %c, %ys, %yz : (tensor<1x3x2x2xf32>, tensor<f32>, tensor<i8>) -> tensor<1x3x2x2xi8>
  return %y : tensor<1x3x2x2xi8>
}
