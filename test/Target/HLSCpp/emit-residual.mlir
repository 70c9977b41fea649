// A residual block on an integer input: the value two stages read is forked
// (one copy per reader), the skip path's FIFO takes the depth the planner
// gave the add's second operand, a 1x1 convolution reads the stream as its
// own window, a depthwise convolution is an mvu of one channel per group,
// and the integer output needs no dequantize.
// RUN: whittle-translate --emit-hls %s | FileCheck %s

#pw = #hlscpp.stage<simd = 4, pe = 4, multiplier = dsp, weights = onchip, memory = lutram, cycles = 36, dsp = 8, bram18 = 0, uram = 0, lut = 100, ff = 100, ddr_bytes = 0, fifo_depths = [2]>
#dw = #hlscpp.stage<simd = 3, pe = 2, multiplier = dsp, weights = onchip, memory = bram, cycles = 108, dsp = 3, bram18 = 1, uram = 0, lut = 100, ff = 100, ddr_bytes = 0, fifo_depths = [6]>
#add = #hlscpp.stage<simd = 2, pe = 2, multiplier = dsp, weights = none, memory = none, cycles = 72, dsp = 0, bram18 = 0, uram = 0, lut = 50, ff = 50, ddr_bytes = 0, fifo_depths = [2, 40]>
#gap = #hlscpp.stage<simd = 4, pe = 4, multiplier = dsp, weights = none, memory = none, cycles = 36, dsp = 0, bram18 = 0, uram = 0, lut = 50, ff = 50, ddr_bytes = 0, fifo_depths = [2]>
module {
  func.func @main(%arg0: tensor<2x4x6x6xi8>) -> tensor<2x4x1x1xi8> {
    %w1 = nn.constant dense<[[[[1]], [[2]], [[3]], [[4]]], [[[-1]], [[2]], [[-3]], [[4]]], [[[5]], [[6]], [[7]], [[8]]], [[[0]], [[1]], [[0]], [[-1]]]]> : tensor<4x4x1x1xi8>
    %w2 = nn.constant dense<[[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]], [[[0, 1, 0], [1, -4, 1], [0, 1, 0]]], [[[1, 1, 1], [1, 1, 1], [1, 1, 1]]], [[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]]]> : tensor<4x1x3x3xi8>
    %c1 = qnn.conv %arg0, %w1 {dilations = array<i64: 1, 1>, input_zero_point = 3 : i32, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 1, 0, -1, 2>, hlscpp.stage = #pw} : (tensor<2x4x6x6xi8>, tensor<4x4x1x1xi8>) -> tensor<2x4x6x6xi32>
    %a = qnn.requantize %c1 {multiplier = array<i32: 1518500250>, shift = array<i32: 33>, output_zero_point = -5 : i32} : (tensor<2x4x6x6xi32>) -> tensor<2x4x6x6xi8>
    %c2 = qnn.conv %a, %w2 {dilations = array<i64: 1, 1>, group = 4 : i64, input_zero_point = -5 : i32, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>, hlscpp.stage = #dw} : (tensor<2x4x6x6xi8>, tensor<4x1x3x3xi8>) -> tensor<2x4x6x6xi32>
    %b = qnn.requantize %c2 {multiplier = array<i32: 1518500250>, shift = array<i32: 34>, output_zero_point = 2 : i32, rounding = #qnn.rounding<pseudo_stochastic>} : (tensor<2x4x6x6xi32>) -> tensor<2x4x6x6xi8>
    %s = qnn.add %b, %a {a_multiplier = 1073741824 : i32, a_zero_point = 2 : i32, b_multiplier = 1073741824 : i32, b_zero_point = -5 : i32, shift = 31 : i32, min = 0 : i32, hlscpp.stage = #add} : (tensor<2x4x6x6xi8>, tensor<2x4x6x6xi8>) -> tensor<2x4x6x6xi8>
    %g = qnn.global_avg_pool %s {multiplier = 1 : i32, shift = 0 : i32, hlscpp.stage = #gap} : (tensor<2x4x6x6xi8>) -> tensor<2x4x1x1xi8>
    return %g : tensor<2x4x1x1xi8>
  }
}

// CHECK:      static int8_t conv_0_weights[4][1][4];
// CHECK:      static const Accumulate<4> conv_0_accumulate = {
// CHECK-NEXT:     3,
// CHECK-NEXT:     {1, 0, -1, 2},
// CHECK-NEXT:     {0, 0, 0, 0}};
// CHECK:      static int8_t conv_1_weights[2][6][3];
// CHECK:      RoundingMode::pseudo_stochastic, 2, -128, 127};
// CHECK:      static const AddParams add_2_params = {2, -5, 1073741824, 1073741824, 31, RoundingMode::nearest_even, 0, 0, 127};
// CHECK:      static const DivideParams global_avg_pool_3_params = {0, 1, 0, RoundingMode::nearest_even, 0, -128, 127};

// CHECK:      static void dataflow(const int8_t *input_0, int8_t *output_0, const int8_t *weights, int frames) {
// CHECK:      hls::stream<Vec<int8_t, 2>> add_2_in1_w2("add_2_in1_w2");
// CHECK-NEXT: #pragma HLS STREAM variable=add_2_in1_w2 depth=40

// CHECK:        mem_to_stream<int8_t, 144, 4>(input_0, in0, frames);
// CHECK:        // conv_0: qnn.conv + qnn.requantize
// CHECK-NEXT:   mvu<int8_t, 36, 1, 4, 4, 1, 4, 4, 4, true>(in0, conv_0_out, OnChipWeights<4, 1, 4>{conv_0_weights}, conv_0_accumulate, conv_0_requantize, frames);
// CHECK-NEXT:   fork<int8_t, 4, 36>(conv_0_out, conv_0_out_copy0, conv_0_out_copy1, frames);

// CHECK:        // conv_1: qnn.conv + qnn.requantize
// CHECK-NEXT:   convert_width<int8_t, 144, 4, 1>(conv_0_out_copy0, conv_1_in0_w1, frames);
// CHECK-NEXT:   mvu_rows<int8_t, 4, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 6, 6, 4, 4, 1, 3, 2, true>(conv_1_in0_w1, conv_1_out, conv_1_rows, OnChipWeights<2, 6, 3>{conv_1_weights}, conv_1_accumulate, conv_1_requantize, frames);

// CHECK:        // add_2: qnn.add
// CHECK-NEXT:   convert_width<int8_t, 144, 4, 2>(conv_0_out_copy1, add_2_in1_w2, frames);
// CHECK-NEXT:   binary<AddParams, 144, 2>(conv_1_out, add_2_in1_w2, add_2_out, add_2_params, frames);

// CHECK:        // global_avg_pool_3: qnn.global_avg_pool
// CHECK-NEXT:   convert_width<int8_t, 144, 2, 4>(add_2_out, global_avg_pool_3_in0_w4, frames);
// CHECK-NEXT:   global_avg_pool<4, 36, 4>(global_avg_pool_3_in0_w4, global_avg_pool_3_out, global_avg_pool_3_params, frames);
// CHECK:        stream_to_mem<int8_t, 4, 4>(global_avg_pool_3_out, output_0, frames);

// CHECK:      #pragma HLS BIND_STORAGE variable=conv_0_weights type=ram_2p impl=lutram
