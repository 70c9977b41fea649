// --emit-hls prints the dataflow design of a planned qnn model: the top
// function's AXI interfaces, one stream per edge with the planner's FIFO
// depth, and one stage template call per stage with the constants of the IR
// (shapes, windows, zero points, multipliers, shifts, rounding, clamps) and
// of hlscpp.stage (SIMD and PE, weights on chip or streamed).
// RUN: whittle-translate --emit-hls %s | FileCheck %s

#conv = #hlscpp.stage<simd = 1, pe = 2, multiplier = dsp, weights = onchip, memory = bram, cycles = 576, dsp = 1, bram18 = 1, uram = 0, lut = 100, ff = 100, ddr_bytes = 0, fifo_depths = [3]>
#pool = #hlscpp.stage<simd = 2, pe = 2, multiplier = dsp, weights = none, memory = none, cycles = 32, dsp = 0, bram18 = 0, uram = 0, lut = 10, ff = 10, ddr_bytes = 0, fifo_depths = [4]>
#flat = #hlscpp.stage<simd = 2, pe = 2, multiplier = dsp, weights = none, memory = none, cycles = 0, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [5]>
#fc = #hlscpp.stage<simd = 4, pe = 5, multiplier = lut, weights = streamed, memory = none, row_tile = 1, cycles = 32, dsp = 0, bram18 = 0, uram = 0, lut = 900, ff = 500, ddr_bytes = 640, fifo_depths = [8]>
module attributes {hlscpp.device = #hlscpp.device<name = "zu3eg", part = "xczu3eg-sbva484-1-e", clock_mhz = 300, dsp = 360, bram18 = 432, uram = 0, lut = 70560, ff = 141120, ddr_mbps = 8532, cap_dsp = 80, cap_bram = 80, cap_uram = 80, cap_lut = 70, cap_ff = 50>} {
  func.func @main(%arg0: tensor<3x1x8x8xf32> {nn.name = "image"}) -> (tensor<3x10xf32> {nn.name = "logits"}) {
    %w = nn.constant dense<[[[[1, -2, 3], [4, 5, -6], [7, 8, 9]]], [[[-1, 2, -3], [4, -5, 6], [-7, 8, -9]]], [[[1, 1, 1], [1, 1, 1], [1, 1, 1]]], [[[0, 2, 0], [2, -8, 2], [0, 2, 0]]]]> : tensor<4x1x3x3xi8>
    %b = nn.constant dense<[1, -200, 3, 40]> : tensor<4xi32>
    %fc = nn.constant dense<3> : tensor<64x10xi8>
    %q = qnn.quantize %arg0 {scale = array<f32: 0.00784313772>, zero_point = array<i32: -128>} : (tensor<3x1x8x8xf32>) -> tensor<3x1x8x8xi8>
    %c = qnn.conv %q, %w, %b {dilations = array<i64: 1, 1>, input_zero_point = -128 : i32, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>, hlscpp.stage = #conv} : (tensor<3x1x8x8xi8>, tensor<4x1x3x3xi8>, tensor<4xi32>) -> tensor<3x4x8x8xi32>
    %r = qnn.requantize %c {multiplier = array<i32: 1073741824, 1200000000, 1300000000, 1400000000>, shift = array<i32: 40, 40, 41, 39>, output_zero_point = -128 : i32, min = -100 : i32} : (tensor<3x4x8x8xi32>) -> tensor<3x4x8x8xi8>
    %p = qnn.max_pool %r {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, hlscpp.stage = #pool} : (tensor<3x4x8x8xi8>) -> tensor<3x4x4x4xi8>
    %f = nn.flatten %p {hlscpp.stage = #flat} : (tensor<3x4x4x4xi8>) -> tensor<3x64xi8>
    %m = qnn.matmul %f, %fc {a_zero_point = -128 : i32, b_zero_point = array<i32: 0>, hlscpp.stage = #fc} : (tensor<3x64xi8>, tensor<64x10xi8>) -> tensor<3x10xi32>
    %r2 = qnn.requantize %m {multiplier = array<i32: 1073741824>, shift = array<i32: 38>, rounding = #qnn.rounding<half_away>} : (tensor<3x10xi32>) -> tensor<3x10xi8>
    %d = qnn.dequantize %r2 {scale = array<f32: 0.25>, zero_point = array<i32: 0>} : (tensor<3x10xi8>) -> tensor<3x10xf32>
    return %d : tensor<3x10xf32>
  }
}

// CHECK:      // Planned for zu3eg (xczu3eg-sbva484-1-e) at 300 MHz.
// CHECK:      #include "model.h"
// CHECK:      #include "whittle_hls_stages.h"

// The convolution: weights on chip in PE banks of tiles of SIMD values, its
// accumulator and the fused requantize (per channel, clamp from -100).
// CHECK:      // conv_0: qnn.conv + qnn.requantize, 1 -> 4 channels in 1 group(s), 9 window position(s), 64 vector(s) per frame; simd 1, pe 2.
// CHECK-NEXT: // On-chip weights, loaded from weights.bin at offset 0.
// CHECK-NEXT: static int8_t conv_0_weights[2][18][1];
// CHECK-NEXT: static const Accumulate<4> conv_0_accumulate = {
// CHECK-NEXT:     -128,
// CHECK-NEXT:     {0, 0, 0, 0},
// CHECK-NEXT:     {1, -200, 3, 40}};
// CHECK-NEXT: static const Requantize<4> conv_0_requantize = {
// CHECK-NEXT:     {1073741824, 1200000000, 1300000000, 1400000000},
// CHECK-NEXT:     {40, 40, 41, 39},
// CHECK-NEXT:     RoundingMode::nearest_even, -128, -100, 127};

// The matrix product streams its weights (64 bytes after the convolution's
// 36, aligned), rounds half away from zero.
// CHECK:      // matmul_3: qnn.matmul + qnn.requantize, 64 -> 10 channels in 1 group(s), 1 window position(s), 1 vector(s) per frame; simd 4, pe 5.
// CHECK-NEXT: // Weights streamed from weights.bin at offset 64 for every vector.
// CHECK:      RoundingMode::half_away, 0, -128, 127};

// CHECK:      static void load_all_weights(const int8_t *weights) {
// CHECK-NEXT:   load_weights<36>(weights + 0, &conv_0_weights[0][0][0]);
// CHECK-NEXT: }

// The dataflow region: streams with the planner's depths (the conv's input
// 3, the pool's 4, the matmul's 8 after a width converter).
// CHECK:      static void dataflow(const int8_t *input_0, int8_t *output_0, const int8_t *weights, int frames) {
// CHECK-NEXT: #pragma HLS DATAFLOW
// CHECK-NEXT:   hls::stream<Vec<int8_t, 1>> in0("in0");
// CHECK-NEXT: #pragma HLS STREAM variable=in0 depth=3
// CHECK:        hls::stream<Vec<int8_t, 2>> conv_0_out("conv_0_out");
// CHECK-NEXT: #pragma HLS STREAM variable=conv_0_out depth=4
// CHECK:        hls::stream<Vec<int8_t, 4>> matmul_3_in0_w4("matmul_3_in0_w4");
// CHECK-NEXT: #pragma HLS STREAM variable=matmul_3_in0_w4 depth=8
// CHECK:        hls::stream<Vec<int8_t, 20>> matmul_3_weight_stream("matmul_3_weight_stream");
// CHECK:        mem_to_stream<int8_t, 64, 1>(input_0, in0, frames);

// The 3x3 convolution reads its input rows itself (no sliding_window): the
// window's geometry, then M, G, the input beat, SIMD and PE.
// CHECK:        // conv_0: qnn.conv + qnn.requantize
// CHECK-NEXT:   mvu_rows<int8_t, 1, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 8, 8, 4, 1, 1, 1, 2, true>(in0, conv_0_out, conv_0_rows, OnChipWeights<2, 18, 1>{conv_0_weights}, conv_0_accumulate, conv_0_requantize, frames);

// The pool slides its own window, padding with -128.
// CHECK:        // max_pool_1: qnn.max_pool
// CHECK-NEXT:   sliding_window<4, 8, 8, 2, 2, 2, 2, 1, 1, 0, 0, 4, 4, 2>(conv_0_out, max_pool_1_window, -128, frames);
// CHECK-NEXT:   max_pool<4, 16, 4, 2>(max_pool_1_window, max_pool_1_out, frames);

// Flatten moves nothing (the matmul's weight rows follow the stream order).
// CHECK:        // flatten_2: nn.flatten
// CHECK-NEXT:   // The stream is relabelled (nn.flatten): no element moves.

// CHECK:        // matmul_3: qnn.matmul + qnn.requantize
// CHECK-NEXT:   convert_width<int8_t, 64, 2, 4>(max_pool_1_out, matmul_3_in0_w4, frames);
// CHECK-NEXT:   stream_weights<32, 5, 4, 1>(weights + 64, matmul_3_weight_stream, frames);
// CHECK-NEXT:   mvu<int8_t, 1, 1, 64, 10, 1, 4, 4, 5, true>(matmul_3_in0_w4, matmul_3_out, StreamedWeights<5, 4>{matmul_3_weight_stream}, matmul_3_accumulate, matmul_3_requantize, frames);
// CHECK:        stream_to_mem<int8_t, 10, 5>(matmul_3_out, output_0, frames);
// CHECK:      #ifndef __SYNTHESIS__
// CHECK-NEXT:   check_drained(in0);

// The top function: AXI masters for the ports and the weights, AXI-Lite
// control, the on-chip weights partitioned by PE and bound to BRAM.
// CHECK:      void whittle_top(const int8_t *input_0, int8_t *output_0, const int8_t *weights, int frames, int load_weights) {
// CHECK-NEXT: #pragma HLS INTERFACE m_axi port=input_0 offset=slave bundle=gmem_in0 depth=64
// CHECK-NEXT: #pragma HLS INTERFACE m_axi port=output_0 offset=slave bundle=gmem_out0 depth=10
// CHECK-NEXT: #pragma HLS INTERFACE m_axi port=weights offset=slave bundle=gmem_weights depth=704
// CHECK-NEXT: #pragma HLS INTERFACE s_axilite port=frames
// CHECK-NEXT: #pragma HLS INTERFACE s_axilite port=load_weights
// CHECK-NEXT: #pragma HLS INTERFACE s_axilite port=return
// CHECK-NEXT: #pragma HLS ARRAY_PARTITION variable=conv_0_weights complete dim=1
// CHECK-NEXT: #pragma HLS BIND_STORAGE variable=conv_0_weights type=ram_2p impl=bram
// CHECK-NEXT: #pragma HLS BIND_STORAGE variable=conv_0_rows type=ram_2p impl=bram
// CHECK-NEXT: #pragma HLS ARRAY_PARTITION variable=conv_0_rows complete dim=1
// CHECK-NEXT:   if (load_weights) {
// CHECK-NEXT:     load_all_weights(weights);
// CHECK-NEXT:     return;
// CHECK-NEXT:   }
// CHECK-NEXT:   dataflow(input_0, output_0, weights, frames);
// CHECK-NEXT: }
