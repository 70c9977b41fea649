// RUN: whittle-opt %s --split-input-file --whittle-quantize | FileCheck %s
// RUN: whittle-opt %s --split-input-file --whittle-quantize="scheme=pow2" | FileCheck %s --check-prefix=POW2
// RUN: whittle-opt %s --split-input-file --whittle-quantize="weights=per-tensor" | FileCheck %s --check-prefix=TENSOR
// RUN: whittle-opt %s --split-input-file --whittle-quantize="activations=asymmetric unsigned-after-relu=false" | FileCheck %s --check-prefix=ASYM
// RUN: whittle-opt %s --split-input-file --whittle-quantize="rounding=pseudo-stochastic" | FileCheck %s --check-prefix=PSR
// RUN: whittle-opt %s --split-input-file --whittle-quantize="rounding=half-away" | FileCheck %s --check-prefix=AWAY

// A 1x1 conv with a fused ReLU. Input [-1.27, 1.27]: scale 0.01 (pow2:
// 2^-6). Weights 0.5 and -0.25: per channel 127 and -127 (pow2: scales 2^-7
// and 2^-8, so 64 and -64; per tensor 127 and -64). Bias 0.01 / (0.01 *
// 0.5/127) = 254 and -0.02 / (0.01 * 0.25/127) = -1016 (pow2: 81.92 -> 82,
// -327.68 -> -328). Output [0, 2.55] after ReLU: unsigned, scale 0.01 and
// zero point -128 (pow2: 2^-6), so the multipliers are 1/254 and 1/508
// (of the float32 input scale), and 2^-7 and 2^-8 for pow2, a shift only.
// CHECK-LABEL: func.func @conv_relu
// CHECK: %[[X:.*]] = qnn.quantize %arg0 {scale = array<f32: 0.00999999977>, zero_point = array<i32: 0>}
// CHECK-DAG: %[[W:.*]] = nn.constant dense<{{\[\[\[\[}}127]]], {{\[\[\[}}-127]]]]> : tensor<2x1x1x1xi8>
// CHECK-DAG: %[[B:.*]] = nn.constant dense<[254, -1016]> : tensor<2xi32>
// CHECK: %[[ACC:.*]] = qnn.conv %[[X]], %[[W]], %[[B]] {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>} : (tensor<1x1x2x2xi8>, tensor<2x1x1x1xi8>, tensor<2xi32>) -> tensor<1x2x2x2xi32>
// CHECK: %[[Y:.*]] = qnn.requantize %[[ACC]] {multiplier = array<i32: 1082196460, 1082196460>, output_zero_point = -128 : i32, shift = array<i32: 38, 39>}
// CHECK: qnn.dequantize %[[Y]] {scale = array<f32: 0.00999999977>, zero_point = array<i32: -128>}
// CHECK-NOT: nn.relu
// CHECK-NOT: nn.conv

// POW2-LABEL: func.func @conv_relu
// POW2: qnn.quantize %arg0 {scale = array<f32: 1.562500e-02>, zero_point = array<i32: 0>}
// POW2-DAG: nn.constant dense<{{\[\[\[\[}}64]]], {{\[\[\[}}-64]]]]> : tensor<2x1x1x1xi8>
// POW2-DAG: nn.constant dense<[82, -328]> : tensor<2xi32>
// POW2: qnn.requantize {{.*}} {multiplier = array<i32: 1, 1>, output_zero_point = -128 : i32, shift = array<i32: 7, 8>}
// POW2: qnn.dequantize {{.*}} {scale = array<f32: 1.562500e-02>, zero_point = array<i32: -128>}

// TENSOR-LABEL: func.func @conv_relu
// TENSOR-DAG: nn.constant dense<{{\[\[\[\[}}127]]], {{\[\[\[}}-64]]]]> : tensor<2x1x1x1xi8>
// TENSOR-DAG: nn.constant dense<[254, -508]> : tensor<2xi32>
// TENSOR: qnn.requantize {{.*}} {multiplier = array<i32: 1082196460>, output_zero_point = -128 : i32, shift = array<i32: 38>}

// Asymmetric: the input's range [-1.27, 1.27] is 255 steps of 0.00996
// from -128, so the real 0 is at round(-0.5) = -1; the output's [0, 2.55]
// 255 steps of 0.01 from -128.
// ASYM-LABEL: func.func @conv_relu
// ASYM: qnn.quantize %arg0 {scale = array<f32: 0.00996078457>, zero_point = array<i32: -1>}
// ASYM: qnn.conv {{.*}}input_zero_point = -1 : i32
// ASYM: qnn.requantize {{.*}}output_zero_point = -128 : i32

// PSR: qnn.requantize {{.*}}rounding = #qnn.rounding<pseudo_stochastic>
// AWAY: qnn.quantize {{.*}}rounding = #qnn.rounding<half_away>
// AWAY: qnn.requantize {{.*}}rounding = #qnn.rounding<half_away>
func.func @conv_relu(%x: tensor<1x1x2x2xf32> {whittle.range = array<f64: -1.27, 1.27>}) -> tensor<1x2x2x2xf32> {
  %w = nn.constant dense<[[[[0.5]]], [[[-0.25]]]]> : tensor<2x1x1x1xf32>
  %b = nn.constant dense<[0.01, -0.02]> : tensor<2xf32>
  %0 = nn.conv %x, %w, %b {whittle.range = array<f64: -1.0, 2.55>} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %1 = nn.relu %0 {whittle.range = array<f64: 0.0, 2.55>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %1 : tensor<1x2x2x2xf32>
}

// -----

// Gemm with transB: the [N, K] = [2, 3] weight becomes [K, N] at compile
// time; alpha scales the weight and beta the bias (0.1 / (1/127 * 2/127)
// = 806, -0.2 / (1/127 * 4/127) = -806). ReLU6 as Clip is the
// clamp: 6 / (12.7 / 127) = 60 steps above the zero point.
// CHECK-LABEL: func.func @gemm_clip
// CHECK: %[[W:.*]] = nn.constant dense<{{\[}}[127, 0], [0, 127], [-127, 0]]> : tensor<3x2xi8>
// CHECK: %[[B:.*]] = nn.constant dense<[806, -806]> : tensor<2xi32>
// CHECK: %[[ACC:.*]] = qnn.matmul %{{.*}}, %[[W]], %[[B]] {b_zero_point = array<i32: 0>} : (tensor<4x3xi8>, tensor<3x2xi8>, tensor<2xi32>) -> tensor<4x2xi32>
// CHECK: qnn.requantize %[[ACC]] {{{.*}}max = 60 : i32, min = 0 : i32{{.*}}}
// POW2-LABEL: func.func @gemm_clip
// POW2: qnn.matmul
// POW2: qnn.requantize {{.*}} {max = 48 : i32, min = 0 : i32, multiplier = array<i32: 1, 1>, shift = array<i32: 8, 7>}
func.func @gemm_clip(%x: tensor<4x3xf32> {whittle.range = array<f64: -1.0, 1.0>}) -> tensor<4x2xf32> {
  %w = nn.constant dense<[[1.0, 0.0, -1.0], [0.0, 2.0, 0.0]]> : tensor<2x3xf32>
  %c = nn.constant dense<[0.1, -0.2]> : tensor<2xf32>
  %zero = nn.constant dense<0.0> : tensor<f32>
  %six = nn.constant dense<6.0> : tensor<f32>
  %0 = nn.gemm %x, %w, %c {transB = 1 : i64, alpha = 2.0 : f32, whittle.range = array<f64: -12.7, 12.7>} : (tensor<4x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  %1 = nn.clip %0, %zero, %six {whittle.range = array<f64: -12.7, 12.7>} : (tensor<4x2xf32>, tensor<f32>, tensor<f32>) -> tensor<4x2xf32>
  return %1 : tensor<4x2xf32>
}

// -----

// The input normalization of the fixtures, (x - 0.286) / 0.353, then a
// residual Add with a fused ReLU. Subtracting a constant is qnn.add with
// the constant as int8 (0.286 is 127 steps of 0.286/127, exactly); in
// fixed point, dividing by a positive constant changes only the scale.
// CHECK-LABEL: func.func @sub
// CHECK: %[[X:.*]] = qnn.quantize %arg0 {scale = array<f32: 0.00392156886>, zero_point = array<i32: -128>}
// CHECK: %[[C:.*]] = nn.constant dense<127> : tensor<i8>
// CHECK: %[[S:.*]] = qnn.add %[[X]], %[[C]] {a_multiplier = [[MA:[0-9]+]] : i32, a_zero_point = -128 : i32, b_multiplier = -{{[0-9]+}} : i32, shift = 31 : i32}
// CHECK-NOT: qnn.mul
// CHECK: qnn.add %[[S]], %[[S]] {a_multiplier = 1079390245 : i32, b_multiplier = 1079390245 : i32, output_zero_point = -128 : i32, shift = 30 : i32}
// In pow2, 0.286 is 73 steps of 2^-8; the input's 2^-7 and the constant's
// 2^-8 meet at the output's 2^-7 with multipliers 2 and -1 over 2^1. The
// division is a qnn.mul by 1/0.353 = 91 steps of 2^-5.
// POW2-LABEL: func.func @sub
// POW2: nn.constant dense<73> : tensor<i8>
// POW2: qnn.add {{.*}} {a_multiplier = 2 : i32, a_zero_point = -128 : i32, b_multiplier = -1 : i32, shift = 1 : i32}
// POW2: %[[R:.*]] = nn.constant dense<91> : tensor<i8>
// POW2: qnn.mul %{{.*}}, %[[R]] {multiplier = 1 : i32, shift = 7 : i32}
// POW2: qnn.add {{.*}} {a_multiplier = 1 : i32, b_multiplier = 1 : i32, output_zero_point = -128 : i32, shift = 0 : i32}
func.func @sub(%x: tensor<1x4xf32> {whittle.range = array<f64: 0.0, 1.0>}) -> tensor<1x4xf32> {
  %mean = nn.constant dense<0.286> : tensor<f32>
  %std = nn.constant dense<0.353> : tensor<f32>
  %0 = nn.sub %x, %mean {whittle.range = array<f64: -0.286, 0.714>} : (tensor<1x4xf32>, tensor<f32>) -> tensor<1x4xf32>
  %1 = nn.div %0, %std {whittle.range = array<f64: -0.81, 2.02>} : (tensor<1x4xf32>, tensor<f32>) -> tensor<1x4xf32>
  %2 = nn.add %1, %1 {whittle.range = array<f64: -1.62, 4.04>} : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %3 = nn.relu %2 {whittle.range = array<f64: 0.0, 4.04>} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %3 : tensor<1x4xf32>
}

// -----

// Pools: max keeps the scale; the averages rescale to their own range
// (0.032 to 0.016: 2^30 / 2^29; pow2 2^-4 to 2^-5, a left shift).
// CHECK-LABEL: func.func @max_pool
// CHECK: %[[M:.*]] = qnn.max_pool %{{.*}} {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8>
// CHECK: %[[A:.*]] = qnn.avg_pool %{{.*}} {input_zero_point = -128 : i32, kernel_shape = array<i64: 3, 3>, multiplier = 1073741875 : i32, output_zero_point = -128 : i32, pads = array<i64: 1, 1, 1, 1>, shift = 29 : i32, strides = array<i64: 1, 1>}
// CHECK: qnn.global_avg_pool %[[A]] {input_zero_point = -128 : i32, multiplier = 1073741824 : i32, output_zero_point = -128 : i32, shift = 31 : i32}
// CHECK: qnn.dequantize %[[M]]
// Averages cannot round pseudo-stochastically: they round to nearest even.
// PSR: qnn.avg_pool {{.*}}pads = array<i64: 1, 1, 1, 1>, shift = 29 : i32
// POW2-LABEL: func.func @max_pool
// POW2: qnn.avg_pool {{.*}}multiplier = 1 : i32{{.*}}shift = -1 : i32
// POW2: qnn.global_avg_pool {{.*}}multiplier = 1 : i32{{.*}}shift = 1 : i32
func.func @max_pool(%x: tensor<1x2x4x4xf32> {whittle.range = array<f64: 0.0, 8.16>}) -> (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) {
  %m, %i = nn.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, whittle.range = array<f64: 0.0, 8.16, 0x7FF8000000000000, 0x7FF8000000000000>} : (tensor<1x2x4x4xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xi64>)
  %a = nn.average_pool %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, whittle.range = array<f64: 0.0, 4.08>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %g = nn.global_average_pool %a {whittle.range = array<f64: 0.0, 8.16>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x1x1xf32>
  return %m, %g : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>
}

// -----

// Data movement stays nn, on i8, with the scale passing through; Concat
// rescales the input whose scale differs from the output's.
// CHECK-LABEL: func.func @flatten
// CHECK: %[[X:.*]] = qnn.quantize %arg0
// CHECK: %[[F:.*]] = nn.flatten %[[X]] : (tensor<2x3x2xi8>) -> tensor<2x6xi8>
// CHECK: %[[R:.*]] = nn.reshape %[[X]], %{{.*}} : (tensor<2x3x2xi8>, tensor<2xi64>) -> tensor<2x6xi8>
// CHECK: %[[C:.*]] = qnn.requantize %[[R]] {min = 0 : i32, multiplier = array<i32: 1>, shift = array<i32: 0>}
// CHECK: qnn.concat %[[F]], %[[C]] {axis = 1 : i64, input_zero_points = array<i32: 0, 0>, multipliers = array<i32: 2147483600, 2147483600>, shifts = array<i32: 32, 32>} : (tensor<2x6xi8>, tensor<2x6xi8>) -> tensor<2x12xi8>
func.func @flatten(%x: tensor<2x3x2xf32> {whittle.range = array<f64: -1.27, 1.27>}) -> tensor<2x12xf32> {
  %shape = nn.constant dense<[2, 6]> : tensor<2xi64>
  %f = nn.flatten %x {whittle.range = array<f64: -1.27, 1.27>} : (tensor<2x3x2xf32>) -> tensor<2x6xf32>
  %r = nn.reshape %x, %shape {whittle.range = array<f64: -1.27, 1.27>} : (tensor<2x3x2xf32>, tensor<2xi64>) -> tensor<2x6xf32>
  %relu = nn.relu %r {whittle.range = array<f64: 0.0, 1.27>} : (tensor<2x6xf32>) -> tensor<2x6xf32>
  %c = nn.concat %f, %relu {axis = -1 : i64, whittle.range = array<f64: -2.54, 2.54>} : (tensor<2x6xf32>, tensor<2x6xf32>) -> tensor<2x12xf32>
  return %c : tensor<2x12xf32>
}

// -----

// A nearest Resize only copies elements: it runs on the i8 values, with its
// float scales as they were, and keeps the input's parameters.
// CHECK-LABEL: func.func @resize_nearest
// CHECK: %[[X:.*]] = qnn.quantize %arg0
// CHECK: %[[R:.*]] = nn.resize %[[X]], %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x1x2x2xi8>, none, tensor<4xf32>, none) -> tensor<1x1x4x4xi8>
// CHECK: qnn.dequantize %[[R]] {scale = array<f32: 0.00999999977>, zero_point = array<i32: 0>}
func.func @resize_nearest(%x: tensor<1x1x2x2xf32> {whittle.range = array<f64: -1.27, 1.27>}) -> tensor<1x1x4x4xf32> {
  %none = nn.none
  %scales = nn.constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
  %y = nn.resize %x, %none, %scales, %none {whittle.range = array<f64: -1.27, 1.27>} : (tensor<1x1x2x2xf32>, none, tensor<4xf32>, none) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// Linear interpolation stays in the input's range: qnn.resize keeps its
// parameters, with the scales of the model for the coordinate mapping.
// CHECK-LABEL: func.func @resize_linear
// CHECK: %[[X:.*]] = qnn.quantize %arg0
// CHECK: %[[R:.*]] = qnn.resize %[[X]] {coordinate_transformation_mode = "align_corners", mode = "linear", scales = array<f32: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>} : (tensor<1x1x2x2xi8>) -> tensor<1x1x4x4xi8>
// CHECK: qnn.dequantize %[[R]] {scale = array<f32: 0.00999999977>, zero_point = array<i32: 0>}
// PSR: qnn.resize %{{.*}} {coordinate_transformation_mode = "align_corners", mode = "linear", rounding = #qnn.rounding<pseudo_stochastic>
func.func @resize_linear(%x: tensor<1x1x2x2xf32> {whittle.range = array<f64: -1.27, 1.27>}) -> tensor<1x1x4x4xf32> {
  %none = nn.none
  %scales = nn.constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
  %y = nn.resize %x, %none, %scales, %none {mode = "linear", coordinate_transformation_mode = "align_corners", whittle.range = array<f64: -1.27, 1.27>} : (tensor<1x1x2x2xf32>, none, tensor<4xf32>, none) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// The pass runs on the one public function, whatever its name; private
// functions are left alone.
// CHECK-LABEL: func.func private @float_helper
// CHECK-NEXT: nn.relu
// CHECK-LABEL: func.func @entry
// CHECK: qnn.quantize %arg0
// CHECK: qnn.requantize
func.func private @float_helper(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %0 = nn.relu %x : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}
func.func @entry(%x: tensor<1x4xf32> {whittle.range = array<f64: -1.27, 1.27>}) -> tensor<1x4xf32> {
  %0 = nn.relu %x {whittle.range = array<f64: 0.0, 1.27>} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}
