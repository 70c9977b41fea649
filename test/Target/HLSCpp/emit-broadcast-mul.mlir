// qnn.mul of a feature map and a stream that broadcasts over it, as in
// squeeze-and-excitation: the per-channel averages of the map (given
// second, then first), a per-frame scalar (a slice of them) and a column
// along the rows (a slice of the map). binary_broadcast holds each frame
// of the small stream, then scales the large one as it passes.
// csim.test runs it.
// RUN: whittle-translate --emit-hls %s | FileCheck %s

#s1 = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = none, memory = none, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2, 2]>
#s2 = #hlscpp.stage<simd = 2, pe = 2, multiplier = dsp, weights = none, memory = none, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [16, 2]>
module {
  func.func @main(%x: tensor<2x4x3x5xi8>) -> (tensor<2x4x3x5xi8>, tensor<2x4x3x5xi8>, tensor<2x4x3x5xi8>, tensor<2x4x3x5xi8>) {
    %gap = qnn.global_avg_pool %x {multiplier = 1 : i32, shift = 0 : i32, hlscpp.stage = #s2} : (tensor<2x4x3x5xi8>) -> tensor<2x4x1x1xi8>
    %scaled = qnn.mul %x, %gap {a_zero_point = 3 : i32, b_zero_point = -2 : i32, multiplier = 1 : i32, shift = 5 : i32, output_zero_point = 7 : i32, hlscpp.stage = #s2} : (tensor<2x4x3x5xi8>, tensor<2x4x1x1xi8>) -> tensor<2x4x3x5xi8>
    %first = qnn.mul %gap, %x {multiplier = 3 : i32, shift = 7 : i32, rounding = #qnn.rounding<half_away>, hlscpp.stage = #s1} : (tensor<2x4x1x1xi8>, tensor<2x4x3x5xi8>) -> tensor<2x4x3x5xi8>
    %start = nn.constant dense<2> : tensor<1xi64>
    %end = nn.constant dense<3> : tensor<1xi64>
    %channel = nn.constant dense<1> : tensor<1xi64>
    %none = nn.none
    %one = nn.slice %gap, %start, %end, %channel, %none {hlscpp.stage = #s1} : (tensor<2x4x1x1xi8>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, none) -> tensor<2x1x1x1xi8>
    %scalar = qnn.mul %x, %one {multiplier = 1 : i32, shift = 4 : i32, hlscpp.stage = #s2} : (tensor<2x4x3x5xi8>, tensor<2x1x1x1xi8>) -> tensor<2x4x3x5xi8>
    %starts = nn.constant dense<[0, 4]> : tensor<2xi64>
    %ends = nn.constant dense<[1, 5]> : tensor<2xi64>
    %axes = nn.constant dense<[1, 3]> : tensor<2xi64>
    %column = nn.slice %x, %starts, %ends, %axes, %none {hlscpp.stage = #s1} : (tensor<2x4x3x5xi8>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, none) -> tensor<2x1x3x1xi8>
    %rows = qnn.mul %x, %column {a_zero_point = -1 : i32, multiplier = 1 : i32, shift = 7 : i32, hlscpp.stage = #s2} : (tensor<2x4x3x5xi8>, tensor<2x1x3x1xi8>) -> tensor<2x4x3x5xi8>
    return %scaled, %first, %scalar, %rows : tensor<2x4x3x5xi8>, tensor<2x4x3x5xi8>, tensor<2x4x3x5xi8>, tensor<2x4x3x5xi8>
  }
}

// CHECK:      static const MulParams mul_1_params = {3, -2, 1, 5, RoundingMode::nearest_even, 7, -128, 127};
// CHECK:      static const int slice_3_dims[3][4] = {{[{][{]}}1, 0, 1, 1}, {1, 0, 1, 1}, {4, 2, 1, 3}};
// The large operand's FIFO is as deep as the planner said (16).
// CHECK:      hls::stream<Vec<int8_t, 2>> in0_copy1("in0_copy1");
// CHECK-NEXT: #pragma HLS STREAM variable=in0_copy1 depth=16

// binary_broadcast<params, N, W, small elements, small beat, inner,
// small first>: the channel is the innermost loop of the channels-last
// stream, the row the outermost (20 elements per row).
// CHECK:      global_avg_pool<4, 15, 2>(in0_copy0, global_avg_pool_0_out, global_avg_pool_0_params, frames);
// CHECK:      binary_broadcast<MulParams, 60, 2, 4, 2, 1, false>(in0_copy1, global_avg_pool_0_out_copy0, mul_1_out, mul_1_params, frames);
// CHECK:      binary_broadcast<MulParams, 60, 1, 4, 1, 1, true>(mul_2_in1_w1, mul_2_in0_w1, mul_2_out, mul_2_params, frames);
// CHECK:      slice<4, 1, 1, 1, 3>(slice_3_in0_w1, slice_3_out, slice_3_dims, frames);
// CHECK:      binary_broadcast<MulParams, 60, 2, 1, 1, 1, false>(in0_copy3, slice_3_out, mul_4_out, mul_4_params, frames);
// CHECK:      binary_broadcast<MulParams, 60, 2, 3, 1, 20, false>(in0_copy5, slice_5_out, mul_6_out, mul_6_params, frames);
