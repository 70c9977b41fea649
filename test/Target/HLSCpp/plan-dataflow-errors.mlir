// The planner's errors: no device, a design over a cap (naming the resource
// and by how much), one stage over a cap on its own, ops the FPGA back end
// does not implement. Nothing is written on failure.
// RUN: not whittle-opt %s -split-input-file --hlscpp-plan-dataflow 2>&1 | FileCheck %s --check-prefix=NODEVICE
// RUN: not whittle-opt %s -split-input-file "--hlscpp-attach-device=cap-lut=4" --hlscpp-plan-dataflow 2>&1 | FileCheck %s --check-prefix=LUT
// RUN: not whittle-opt %s -split-input-file "--hlscpp-attach-device=cap-bram=2" --hlscpp-plan-dataflow 2>&1 | FileCheck %s --check-prefix=BRAM
// RUN: not whittle-opt %s -split-input-file "--hlscpp-attach-device=cap-bram=2 cap-lut=8" --hlscpp-plan-dataflow 2>&1 | FileCheck %s --check-prefix=BOTH
// RUN: not whittle-opt %s -split-input-file --hlscpp-attach-device --hlscpp-plan-dataflow 2>&1 | FileCheck %s --check-prefix=OPS

// NODEVICE: error: no 'hlscpp.device' on the module: run --hlscpp-attach-device first
// LUT: error: the design does not fit zu3eg: needs at least {{[0-9]+}} LUT at the smallest configuration, the cap allows 2822 (4% of 70560): {{[0-9]+}} more than fits
// The 3x3 pool over 224 x 64 channels buffers the three rows its window
// spans (43 KB): more BRAM than 2% of zu3eg's leaves once the interfaces
// have theirs.
// BRAM: error: 'qnn.max_pool' op does not fit zu3eg: needs at least {{[0-9]+}} BRAM18 on its own at its smallest configuration, the cap leaves 6 (2% of 432, less the design's interfaces)
func.func @wide_pool(%x: tensor<1x64x224x224xi8>) -> tensor<1x64x224x224xi8> {
  %y = qnn.max_pool %x {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x64x224x224xi8>) -> tensor<1x64x224x224xi8>
  return %y : tensor<1x64x224x224xi8>
}

// -----

// A convolution keeps the same rows in BRAM or, trading BRAM for LUTs, in
// LUTRAM: with 2% of the BRAM and 8% of the LUTs neither fits, and the
// error names what the closest configuration needs.
// BOTH: error: 'qnn.conv' op does not fit zu3eg: has no configuration within every cap at once; the closest needs {{[0-9]+}} LUT (the cap leaves {{[0-9]+}})
func.func @wide(%x: tensor<1x64x224x224xi8>) -> tensor<1x8x224x224xi8> {
  %w = nn.constant dense<1> : tensor<8x64x3x3xi8>
  %c = qnn.conv %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>} : (tensor<1x64x224x224xi8>, tensor<8x64x3x3xi8>) -> tensor<1x8x224x224xi32>
  %y = qnn.requantize %c {multiplier = array<i32: 1073741824>, shift = array<i32: 40>} : (tensor<1x8x224x224xi32>) -> tensor<1x8x224x224xi8>
  return %y : tensor<1x8x224x224xi8>
}

// -----

// Four small stages fit the LUT cap one by one, not together.
func.func @chain(%x: tensor<1x8x4x4xi8>) -> tensor<1x8x4x4xi8> {
  %w = nn.constant dense<1> : tensor<8x8x1x1xi8>
  %c0 = qnn.conv %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>} : (tensor<1x8x4x4xi8>, tensor<8x8x1x1xi8>) -> tensor<1x8x4x4xi32>
  %y0 = qnn.requantize %c0 {multiplier = array<i32: 1073741824>, shift = array<i32: 36>} : (tensor<1x8x4x4xi32>) -> tensor<1x8x4x4xi8>
  %c1 = qnn.conv %y0, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>} : (tensor<1x8x4x4xi8>, tensor<8x8x1x1xi8>) -> tensor<1x8x4x4xi32>
  %y1 = qnn.requantize %c1 {multiplier = array<i32: 1073741824>, shift = array<i32: 36>} : (tensor<1x8x4x4xi32>) -> tensor<1x8x4x4xi8>
  %c2 = qnn.conv %y1, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>} : (tensor<1x8x4x4xi8>, tensor<8x8x1x1xi8>) -> tensor<1x8x4x4xi32>
  %y2 = qnn.requantize %c2 {multiplier = array<i32: 1073741824>, shift = array<i32: 36>} : (tensor<1x8x4x4xi32>) -> tensor<1x8x4x4xi8>
  %c3 = qnn.conv %y2, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>} : (tensor<1x8x4x4xi8>, tensor<8x8x1x1xi8>) -> tensor<1x8x4x4xi32>
  %y3 = qnn.requantize %c3 {multiplier = array<i32: 1073741824>, shift = array<i32: 36>} : (tensor<1x8x4x4xi32>) -> tensor<1x8x4x4xi8>
  return %y3 : tensor<1x8x4x4xi8>
}

// -----

// OPS: error: 'nn.relu' is not supported by the FPGA back end
func.func @relu_on_i8(%x: tensor<1x4xi8>) -> tensor<1x4xi8> {
  %y = nn.relu %x : (tensor<1x4xi8>) -> tensor<1x4xi8>
  return %y : tensor<1x4xi8>
}

// -----

// OPS: error: 'nn.relu' computes on floats: the FPGA back end implements integer (qnn) models only; quantize the model first
func.func @float_layer(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %q = qnn.quantize %x {scale = array<f32: 0.5>, zero_point = array<i32: 0>} : (tensor<1x4xf32>) -> tensor<1x4xi8>
  %d = qnn.dequantize %q {scale = array<f32: 0.5>, zero_point = array<i32: 0>} : (tensor<1x4xi8>) -> tensor<1x4xf32>
  %y = nn.relu %d : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

// OPS: error: the FPGA back end supports 'qnn.matmul' with a constant right-hand side only
func.func @two_activations(%a: tensor<1x4x8xi8>, %b: tensor<1x8x4xi8>) -> tensor<1x4x4xi32> {
  %y = qnn.matmul %a, %b {b_zero_point = array<i32: 0>} : (tensor<1x4x8xi8>, tensor<1x8x4xi8>) -> tensor<1x4x4xi32>
  return %y : tensor<1x4x4xi32>
}
