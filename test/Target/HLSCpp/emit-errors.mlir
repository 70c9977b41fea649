// What --emit-hls refuses, each error on the op it names: a stage the
// planner did not configure, an op without a stage template, IR the
// dataflow design cannot hold, and edges the testbench cannot compute.
// RUN: whittle-translate --emit-hls %s -split-input-file -verify-diagnostics

#stage = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = none, memory = none, cycles = 0, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>
func.func @main(%x: tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8> {
  // expected-error @+1 {{'qnn.max_pool' op is a dataflow stage without an 'hlscpp.stage' attribute; run the HLS planning passes first}}
  %y = qnn.max_pool %x {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8>
  return %y : tensor<1x2x2x2xi8>
}

// -----

#stage = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = none, memory = none, cycles = 0, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>
func.func @main(%x: tensor<1x4x3xi8>) -> tensor<1x2x3xi8> {
  %i = nn.constant dense<[3, 0]> : tensor<2xi64>
  // expected-error @+1 {{'nn.gather' op has no HLS stage template; the FPGA back end cannot emit it}}
  %y = nn.gather %x, %i {axis = 1 : i64, hlscpp.stage = #stage} : (tensor<1x4x3xi8>, tensor<2xi64>) -> tensor<1x2x3xi8>
  return %y : tensor<1x2x3xi8>
}

// -----

#stage = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = onchip, memory = bram, cycles = 0, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>
func.func @main(%x: tensor<1x2x4x4xi8>) -> tensor<1x3x5x5xi32> {
  %w = nn.constant dense<1> : tensor<2x3x2x2xi8>
  // expected-error @+1 {{'qnn.conv_transpose' op has no HLS stage template; the FPGA back end cannot emit it}}
  %y = qnn.conv_transpose %x, %w {dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>, hlscpp.stage = #stage} : (tensor<1x2x4x4xi8>, tensor<2x3x2x2xi8>) -> tensor<1x3x5x5xi32>
  return %y : tensor<1x3x5x5xi32>
}

// -----

#stage = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = onchip, memory = bram, cycles = 0, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2, 2]>
func.func @main(%a: tensor<1x4xi8>, %b: tensor<4x3xi8>) -> tensor<1x3xi32> {
  // expected-error @+1 {{'qnn.matmul' op multiplies by 'tensor<4x3xi8>'; the HLS unit takes a constant K x N matrix as the right operand}}
  %y = qnn.matmul %a, %b {b_zero_point = array<i32: 0>, hlscpp.stage = #stage} : (tensor<1x4xi8>, tensor<4x3xi8>) -> tensor<1x3xi32>
  return %y : tensor<1x3xi32>
}

// -----

func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xi8> {
  // expected-error @+1 {{'nn.exp' op reads the float input 0 before its qnn.quantize; the HLS design starts at qnn.quantize and the testbench computes only elementwise add, sub, mul and div with a constant before it}}
  %e = nn.exp %x : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %q = qnn.quantize %e {scale = array<f32: 0.5>, zero_point = array<i32: 0>} : (tensor<1x4xf32>) -> tensor<1x4xi8>
  return %q : tensor<1x4xi8>
}

// -----

#stage = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = onchip, memory = bram, cycles = 0, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>
func.func @main(%x: tensor<1x1x2x2xi8>) -> tensor<1x2x2x2xi8> {
  %w = nn.constant dense<1> : tensor<2x1x1x1xi8>
  // expected-error @+1 {{'qnn.conv' op is followed by a per-channel qnn.requantize along axis 2; the fused requantize of the HLS unit is along the output channels (axis 1)}}
  %c = qnn.conv %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>, hlscpp.stage = #stage} : (tensor<1x1x2x2xi8>, tensor<2x1x1x1xi8>) -> tensor<1x2x2x2xi32>
  %y = qnn.requantize %c {axis = 2 : i64, multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 31, 32>} : (tensor<1x2x2x2xi32>) -> tensor<1x2x2x2xi8>
  return %y : tensor<1x2x2x2xi8>
}

// -----

#stage = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = none, memory = none, cycles = 0, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>
func.func @main(%x: tensor<2x3xi8>) -> tensor<6xi8> {
  %shape = nn.constant dense<6> : tensor<1xi64>
  // expected-error @+1 {{'nn.reshape' op has result type 'tensor<6xi8>'; every stage of the design keeps the leading (batch) dimension of 2 that the frames loop over}}
  %y = nn.reshape %x, %shape {hlscpp.stage = #stage} : (tensor<2x3xi8>, tensor<1xi64>) -> tensor<6xi8>
  return %y : tensor<6xi8>
}

// -----

#stage = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = none, memory = none, cycles = 0, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2, 2]>
func.func @main(%a: tensor<1x2x3x3xi8>, %b: tensor<1x2x1x1xi8>) -> tensor<1x2x3x3xi8> {
  // expected-error @+1 {{'qnn.add' op broadcasts one stream over another; the HLS stage combines two streams of the result's shape}}
  %y = qnn.add %a, %b {a_multiplier = 1 : i32, b_multiplier = 1 : i32, shift = 0 : i32, hlscpp.stage = #stage} : (tensor<1x2x3x3xi8>, tensor<1x2x1x1xi8>) -> tensor<1x2x3x3xi8>
  return %y : tensor<1x2x3x3xi8>
}

// -----

func.func @main(%x: tensor<1x4xi8>) -> tensor<1x4xf32> {
  %d = qnn.dequantize %x {scale = array<f32: 0.5>, zero_point = array<i32: 0>} : (tensor<1x4xi8>) -> tensor<1x4xf32>
  %e = nn.exp %d : (tensor<1x4xf32>) -> tensor<1x4xf32>
  // expected-error @+1 {{'func.return' op returns output 0, which is neither an integer tensor nor a qnn.dequantize of one; the HLS design ends at qnn.dequantize}}
  return %e : tensor<1x4xf32>
}

// -----

// expected-error @+1 {{the module has no entry function 'main' to emit}}
module {
  func.func @model(%x: tensor<1x4xi8>) -> tensor<1x4xi8> {
    return %x : tensor<1x4xi8>
  }
}

// -----

// A matrix product's unit reads streamed weights once per row of a.
#stage = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = streamed, memory = none, row_tile = 2, cycles = 0, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>
func.func @main(%a: tensor<4x3xi8>) -> tensor<4x2xi32> {
  %b = nn.constant dense<1> : tensor<3x2xi8>
  // expected-error @+1 {{'qnn.matmul' op has row_tile = 2; a matrix product's unit reads streamed weights once per row of its input (row_tile = 1)}}
  %y = qnn.matmul %a, %b {a_zero_point = 0 : i32, b_zero_point = array<i32: 0>, hlscpp.stage = #stage} : (tensor<4x3xi8>, tensor<3x2xi8>) -> tensor<4x2xi32>
  return %y : tensor<4x2xi32>
}

// -----

// A slice that reverses a dimension would need the whole frame.
#stage = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = none, memory = none, cycles = 0, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>
func.func @main(%x: tensor<1x2x4xi8>) -> tensor<1x2x2xi8> {
  %start = nn.constant dense<3> : tensor<1xi64>
  %end = nn.constant dense<0> : tensor<1xi64>
  %axis = nn.constant dense<2> : tensor<1xi64>
  %step = nn.constant dense<-2> : tensor<1xi64>
  // expected-error @+1 {{'nn.slice' op slices with step -2; the HLS stage keeps the stream's order (steps >= 1)}}
  %y = nn.slice %x, %start, %end, %axis, %step {hlscpp.stage = #stage} : (tensor<1x2x4xi8>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x2x2xi8>
  return %y : tensor<1x2x2xi8>
}

// -----

#stage = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = none, memory = none, cycles = 0, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2, 2]>
func.func @main(%a: tensor<1x2x3x3xi8>) -> tensor<1x2x3x3xi8> {
  %start = nn.constant dense<0> : tensor<1xi64>
  %end = nn.constant dense<1> : tensor<1xi64>
  %axis = nn.constant dense<3> : tensor<1xi64>
  %none = nn.none
  %b = nn.slice %a, %start, %end, %axis, %none {hlscpp.stage = #stage} : (tensor<1x2x3x3xi8>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, none) -> tensor<1x2x3x1xi8>
  // expected-error @+1 {{'qnn.mul' op broadcasts a stream of type 'tensor<1x2x3x1xi8>' that varies along more than one axis; the HLS stage broadcasts a scalar or per-channel stream}}
  %y = qnn.mul %a, %b {multiplier = 1 : i32, shift = 0 : i32, hlscpp.stage = #stage} : (tensor<1x2x3x3xi8>, tensor<1x2x3x1xi8>) -> tensor<1x2x3x3xi8>
  return %y : tensor<1x2x3x3xi8>
}

// -----

#stage = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = none, memory = none, cycles = 0, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>
func.func @main(%x: tensor<1x2x2x2x2xi8>) -> tensor<1x2x4x4x4xi8> {
  // expected-error @+1 {{'qnn.resize' op resizes 3 spatial dimensions; the HLS stage resizes one or two}}
  %y = qnn.resize %x {hlscpp.stage = #stage} : (tensor<1x2x2x2x2xi8>) -> tensor<1x2x4x4x4xi8>
  return %y : tensor<1x2x4x4x4xi8>
}

// -----

// Input rows in LUTRAM belong to a convolution's row unit; a pool has none
// to place.
#stage = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = none, memory = none, rows = lutram, cycles = 0, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>
func.func @main(%x: tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8> {
  // expected-error @+1 {{'qnn.max_pool' op has rows = lutram, but only a convolution keeps input rows}}
  %y = qnn.max_pool %x {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, hlscpp.stage = #stage} : (tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8>
  return %y : tensor<1x2x2x2xi8>
}

// -----

// A pointwise convolution with its weights on chip reads its stream as its
// window: no rows to place.
#stage = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = onchip, memory = bram, rows = lutram, cycles = 0, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>
func.func @main(%x: tensor<1x2x4x4xi8>) -> tensor<1x3x4x4xi32> {
  %w = nn.constant dense<1> : tensor<3x2x1x1xi8>
  // expected-error @+1 {{'qnn.conv' op has rows = lutram, but its unit keeps no input rows (only a convolution with a window, or with streamed weights, does)}}
  %y = qnn.conv %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>, hlscpp.stage = #stage} : (tensor<1x2x4x4xi8>, tensor<3x2x1x1xi8>) -> tensor<1x3x4x4xi32>
  return %y : tensor<1x3x4x4xi32>
}
