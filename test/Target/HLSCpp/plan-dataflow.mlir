// --hlscpp-plan-dataflow writes one hlscpp.stage per dataflow stage (a
// requantize after a product is fused into the product's stage; quantize,
// dequantize and constants are not stages) and hlscpp.plan on the module.
// RUN: whittle-opt %s --hlscpp-attach-device --hlscpp-plan-dataflow | FileCheck %s
// RUN: whittle-opt %s --hlscpp-attach-device "--hlscpp-plan-dataflow=objective=latency time-limit=10" | FileCheck %s --check-prefix=LATENCY

// CHECK: module attributes {hlscpp.device = #hlscpp.device<name = "zu3eg"
// CHECK-SAME: hlscpp.plan = #hlscpp.plan<objective = throughput, status = optimal, gap = 0.000000e+00, seconds = {{.*}}, variables = {{[0-9]+}}, constraints = {{[0-9]+}}, cycles_per_frame = {{[0-9]+}}, latency_cycles = {{[0-9]+}}>
// LATENCY: hlscpp.plan = #hlscpp.plan<objective = latency, status = optimal

// CHECK-LABEL: func.func @residual
// CHECK: qnn.quantize
// CHECK-NOT: hlscpp.stage
// CHECK-SAME: -> tensor<1x4x6x6xi8>
// The 1x1 convolution (SIMD divides 4 input channels, PE 4 output channels).
// CHECK: qnn.conv {{.*}}hlscpp.stage = #hlscpp.stage<simd = {{[124]}}, pe = {{[124]}}, multiplier = {{dsp|lut}}, weights = {{onchip|streamed}}, memory = {{bram|lutram|none}}, cycles = {{[0-9]+}}, dsp = {{[0-9]+}}, bram18 = {{[0-9]+}}, uram = 0, lut = {{[0-9]+}}, ff = {{[0-9]+}}, ddr_bytes = {{[0-9]+}}, fifo_depths = [2]>
// CHECK: qnn.requantize
// CHECK-NOT: hlscpp.stage
// CHECK-SAME: -> tensor<1x4x6x6xi8>
// The depthwise convolution: PE along the channels, SIMD along the 9
// kernel positions.
// CHECK: qnn.conv {{.*}}group = 4{{.*}}hlscpp.stage = #hlscpp.stage<simd = {{[139]}}, pe = {{[124]}},{{.*}}fifo_depths = [2]>
// The skip input of the add (%a) holds what the fork emits before the 3x3
// window's first output: (1 row x 6 + 2 pixels) x 4 channels = 32 elements,
// 31 more than the long path's first, in words of PE elements, + 2.
// CHECK: qnn.add {{.*}}hlscpp.stage = #hlscpp.stage<simd = [[LANES:[124]]], pe = [[LANES]],{{.*}}fifo_depths = [2, {{33|18|10}}]>
// CHECK: qnn.global_avg_pool {{.*}}hlscpp.stage = #hlscpp.stage<{{.*}}fifo_depths = [2]>
// CHECK: qnn.dequantize
// CHECK-NOT: hlscpp.stage
// CHECK-SAME: -> tensor<1x4x1x1xf32>
func.func @residual(%x: tensor<1x4x6x6xf32>) -> tensor<1x4x1x1xf32> {
  %w1 = nn.constant dense<[[[[1]], [[2]], [[3]], [[4]]], [[[-1]], [[2]], [[-3]], [[4]]], [[[5]], [[6]], [[7]], [[8]]], [[[0]], [[1]], [[0]], [[-1]]]]> : tensor<4x4x1x1xi8>
  %w2 = nn.constant dense<[[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]], [[[0, 1, 0], [1, -4, 1], [0, 1, 0]]], [[[1, 1, 1], [1, 1, 1], [1, 1, 1]]], [[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]]]> : tensor<4x1x3x3xi8>
  %q = qnn.quantize %x {scale = array<f32: 0.0625>, zero_point = array<i32: 3>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xi8>
  %c1 = qnn.conv %q, %w1 {dilations = array<i64: 1, 1>, input_zero_point = 3 : i32, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 1, 0, -1, 2>} : (tensor<1x4x6x6xi8>, tensor<4x4x1x1xi8>) -> tensor<1x4x6x6xi32>
  %a = qnn.requantize %c1 {multiplier = array<i32: 1518500250>, shift = array<i32: 33>, output_zero_point = -5 : i32} : (tensor<1x4x6x6xi32>) -> tensor<1x4x6x6xi8>
  %c2 = qnn.conv %a, %w2 {dilations = array<i64: 1, 1>, group = 4 : i64, input_zero_point = -5 : i32, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>} : (tensor<1x4x6x6xi8>, tensor<4x1x3x3xi8>) -> tensor<1x4x6x6xi32>
  %b = qnn.requantize %c2 {multiplier = array<i32: 1518500250>, shift = array<i32: 34>, output_zero_point = 2 : i32} : (tensor<1x4x6x6xi32>) -> tensor<1x4x6x6xi8>
  %s = qnn.add %b, %a {a_multiplier = 1073741824 : i32, a_zero_point = 2 : i32, b_multiplier = 1073741824 : i32, b_zero_point = -5 : i32, shift = 31 : i32, min = 0 : i32} : (tensor<1x4x6x6xi8>, tensor<1x4x6x6xi8>) -> tensor<1x4x6x6xi8>
  %g = qnn.global_avg_pool %s {multiplier = 1 : i32, shift = 0 : i32} : (tensor<1x4x6x6xi8>) -> tensor<1x4x1x1xi8>
  %y = qnn.dequantize %g {scale = array<f32: 0.125>, zero_point = array<i32: 0>} : (tensor<1x4x1x1xi8>) -> tensor<1x4x1x1xf32>
  return %y : tensor<1x4x1x1xf32>
}
