// Convolutions whose weights stream from off chip, row_tile output rows per
// pass over the weights: the unit reads its input rows itself (no
// sliding_window), and stream_weights repeats once per tile of rows
// (ceil(OH / row_tile) times a frame, a short last tile included). Strides,
// dilations, pads, groups and per-channel weight zero points as in mvu;
// csim.test checks the C simulation against whittle-run bit for bit.
// RUN: whittle-translate --emit-hls %s | FileCheck %s
// RUN: whittle-translate --emit-hls %s | FileCheck %s --check-prefix=ROWS

#a = #hlscpp.stage<simd = 3, pe = 4, multiplier = dsp, weights = streamed, memory = none, row_tile = 2, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [4]>
#b = #hlscpp.stage<simd = 2, pe = 2, multiplier = dsp, weights = streamed, memory = none, row_tile = 3, rows = lutram, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [4]>
#c = #hlscpp.stage<simd = 4, pe = 5, multiplier = dsp, weights = streamed, memory = none, row_tile = 1, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [4]>
module {
  func.func @main(%arg0: tensor<2x6x7x5xi8>) -> tensor<2x5x2x2xi8> {
    %wa = nn.constant dense<[[[[ 17,   5,   7],   [ 15,   3,  11],   [ 13, -11, -18]],  [[ -8,  -9,  14],   [ 16, -20,  -1],   [ 12, -15,  11]],  [[-16,  -2,  12],   [ -8,  -7,  -9],   [  8, -10,  19]],  [[ -3,  -1,   0],   [  3,   2,   0],   [ 19,  12,  11]],  [[  8,   4,  -7],   [ 19,  -2, -12],   [ 13, -14,  14]],  [[  4, -16, -19],   [ -3, -19, -15],   [  0,  18,  -2]]], [[[ 12,  16,  12],   [  5,  -3,   0],   [-10,  -1,  -5]],  [[-11,  19, -20],   [-17, -13,  18],   [  7,  15, -12]],  [[  8,  -6,  -1],   [-20,   4,  13],   [  6, -14,   1]],  [[-10,  18,  15],   [-13,   0,  17],   [ 13,   8,   5]],  [[-19,   9,  -2],   [-17, -11,   1],   [  9,   0,   4]],  [[ 14,   7,  -6],   [  5,   3, -16],   [-18,   6,  -5]]], [[[  3,  -8, -11],   [-14,  -5,  12],   [ -4,  -5,   3]],  [[ 19,  -5,   3],   [ -3,   4,  -3],   [  5,   1,   7]],  [[ 18, -14,   2],   [ -3,  -6, -11],   [-18,  -4,  13]],  [[-17,  -4,  18],   [ 18, -12, -20],   [  6, -20,  -8]],  [[ -1,  14, -17],   [  6,   1, -15],   [ 13,  13,  -1]],  [[ 17,   4,  16],   [ 18,   2,  -9],   [-15,   2, -13]]], [[[ 10,  17, -11],   [  2, -19, -13],   [ -5,  15,  18]],  [[  5,   3,   2],   [-18,  -5,  19],   [ -4, -12, -11]],  [[  8, -19,  18],   [ 15,   2,  -2],   [ 10,   1,  -1]],  [[ -8,  -3,  10],   [-18, -19,   8],   [ -6,  12, -19]],  [[ 16, -16,  -4],   [ 18, -16,   6],   [  9,  -3, -17]],  [[  0,  -3,  14],   [  7,  -7, -18],   [  3,  -9,   7]]], [[[ 14,  -6,  16],   [  0,   1,  10],   [ 11,  16,  19]],  [[-14,  -4,  17],   [ -8, -20,   3],   [ 10,   9,  12]],  [[  5, -15,  13],   [ -4,  13,  12],   [ 18, -20,  14]],  [[  5,  -1,  11],   [ 18,   0, -17],   [  9, -11, -11]],  [[-13, -13,  16],   [ -6, -16, -13],   [ -5,  -7,  -8]],  [[ 17,  14,   2],   [ 19,  -7, -15],   [-10, -17,  18]]], [[[-12,  -3, -12],   [ 19, -14,   0],   [ 18,   0,  15]],  [[ 15,  10,   9],   [  3,   3,  13],   [ -3,  17,  15]],  [[ -6,  -4,   8],   [ 16, -17, -18],   [-11,  -3, -14]],  [[  0,   1,  18],   [  9, -10,  11],   [ 12,   7,   7]],  [[ -8,   8, -15],   [  5,  16,  18],   [ -9,  -7,   4]],  [[ -5,   9, -12],   [-14, -18,  -2],   [-12,  -9,  16]]], [[[ 12,  13,   3],   [-16,   9,   4],   [ 16,  -1, -14]],  [[  3,  -2,   6],   [ -5,  -8, -15],   [ 18,  10,  -2]],  [[-11,   5,  -4],   [  5, -17, -13],   [  9, -18,   7]],  [[ -4, -20,  10],   [  7,  12,  15],   [  9,  13, -16]],  [[ 16,  16,   7],   [ 12,   9,  15],   [ 15,   0,  12]],  [[ 16,  -9, -19],   [-14, -19,  -3],   [-20, -10, -10]]], [[[  8, -11,  17],   [-13,  18,   2],   [-11, -19,  -8]],  [[  3, -16, -14],   [-16,   7, -17],   [-20,  -2,  -8]],  [[  2,  17,  14],   [  1,   5,  12],   [ -3,   6, -12]],  [[  4, -11, -13],   [ 10,   2,  -5],   [-19, -11,  12]],  [[ -2,  18,  16],   [ 14, -20, -18],   [  3,  -7,  13]],  [[ -8, -14, -16],   [ -8,   5, -15],   [ 11,  -8,  -8]]]]> : tensor<8x6x3x3xi8>
    %ba = nn.constant dense<[  97,  217,  -39,  178, -118, -223,  197,  160]> : tensor<8xi32>
    %wb = nn.constant dense<[[[[ 10,  15,  -1],   [-13,   3,   2],   [ -5,   5, -10]],  [[  4,  11, -17],   [ -2,   6, -18],   [  5,  16,  12]],  [[  7,  12,  -6],   [ -7, -17,   8],   [ -8,  14,  -2]],  [[ 15, -15, -14],   [ -7, -19,  -1],   [  6,   6, -12]]], [[[-14,   2,   5],   [ 17,  15,  -5],   [-14, -10,  15]],  [[ -2,  19,   6],   [  3, -16,   3],   [ -5,  13, -15]],  [[-13,   6,   7],   [ 13,   0,  -5],   [ -8,  -6,   6]],  [[  1,  -9, -12],   [  8, -11, -12],   [ -7,  14,  -2]]], [[[  3, -17,  -7],   [ 10,  10,   3],   [ 15,  -9, -14]],  [[-17, -13,  10],   [ 16, -15,   0],   [-15,  13, -15]],  [[  5, -17,   9],   [ 16,   9, -10],   [ 13,  -8,  10]],  [[ 13,  -1,   4],   [ 14, -13, -20],   [ -3, -13,  15]]], [[[ 14,  -5,  -8],   [  8,  -2, -17],   [  6,   9, -18]],  [[ 11,   1,  13],   [ 14,   6,  -7],   [ -6,   8, -18]],  [[-11,   0,  17],   [ 10,  12, -13],   [ -9, -10,   9]],  [[  1, -12,   9],   [  5,  15,   2],   [-15,  15, -13]]]]> : tensor<4x4x3x3xi8>
    %wc = nn.constant dense<[[[[-18]],  [[ 11]],  [[ -2]],  [[  5]]], [[[-15]],  [[  8]],  [[ -4]],  [[ 19]]], [[[  5]],  [[ 17]],  [[ 11]],  [[ 13]]], [[[-17]],  [[ 11]],  [[  4]],  [[ -5]]], [[[ -8]],  [[  5]],  [[-13]],  [[-13]]]]> : tensor<5x4x1x1xi8>
    %bc = nn.constant dense<[ 74,  51,  18,  51, -36]> : tensor<5xi32>
    %ca = qnn.conv %arg0, %wa, %ba {dilations = array<i64: 1, 1>, input_zero_point = 7 : i32, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, weight_zero_point = array<i32: 1, 0, -1, 2, 0, 3, -2, 0>, hlscpp.stage = #a} : (tensor<2x6x7x5xi8>, tensor<8x6x3x3xi8>, tensor<8xi32>) -> tensor<2x8x4x3xi32>
    %ra = qnn.requantize %ca {multiplier = array<i32: 1518500250>, shift = array<i32: 36>, output_zero_point = -3 : i32} : (tensor<2x8x4x3xi32>) -> tensor<2x8x4x3xi8>
    %cb = qnn.conv %ra, %wb {dilations = array<i64: 2, 2>, group = 2 : i64, input_zero_point = -3 : i32, pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>, hlscpp.stage = #b} : (tensor<2x8x4x3xi8>, tensor<4x4x3x3xi8>) -> tensor<2x4x4x3xi32>
    %rb = qnn.requantize %cb {multiplier = array<i32: 1200000000, 1300000000, 1400000000, 1500000000>, shift = array<i32: 39, 40, 39, 41>, output_zero_point = 4 : i32, rounding = #qnn.rounding<half_away>} : (tensor<2x4x4x3xi32>) -> tensor<2x4x4x3xi8>
    %cc = qnn.conv %rb, %wc, %bc {dilations = array<i64: 1, 1>, input_zero_point = 4 : i32, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, weight_zero_point = array<i32: 0>, hlscpp.stage = #c} : (tensor<2x4x4x3xi8>, tensor<5x4x1x1xi8>, tensor<5xi32>) -> tensor<2x5x2x2xi32>
    %rc = qnn.requantize %cc {multiplier = array<i32: 1073741824>, shift = array<i32: 32>, output_zero_point = 0 : i32, min = 0 : i32} : (tensor<2x5x2x2xi32>) -> tensor<2x5x2x2xi8>
    return %rc : tensor<2x5x2x2xi8>
  }
}

// CHECK:      // conv_0: qnn.conv + qnn.requantize, 6 -> 8 channels in 1 group(s), 9 window position(s), 12 vector(s) per frame; simd 3, pe 4.
// CHECK-NEXT: // Weights streamed from weights.bin at offset 0 once per tile of 2 output row(s).
// CHECK:      // conv_1: qnn.conv + qnn.requantize, 8 -> 4 channels in 2 group(s), 9 window position(s), 12 vector(s) per frame; simd 2, pe 2.
// CHECK-NEXT: // Weights streamed from weights.bin at offset {{[0-9]+}} once per tile of 3 output row(s).
// CHECK:      // conv_2: qnn.conv + qnn.requantize, 4 -> 5 channels in 1 group(s), 1 window position(s), 4 vector(s) per frame; simd 4, pe 5.
// CHECK-NEXT: // Weights streamed from weights.bin at offset {{[0-9]+}} once per tile of 1 output row(s).

// No sliding window: each unit buffers its own rows. 36 beats of 4 x 3
// weights, twice a frame (4 output rows, 2 per tile); 36 beats, twice
// (3 + 1 rows); one beat, twice (2 rows, 1 per tile).
// CHECK-NOT:  sliding_window<
// CHECK:      stream_weights<36, 4, 3, 2>(weights + 0, conv_0_weight_stream, frames);
// CHECK-NEXT: mvu_row_tiles<int8_t, 6, 7, 5, 3, 3, 2, 2, 1, 1, 1, 1, 4, 3, 8, 1, 3, 3, 4, 2, true>({{.*}}, conv_0_out, conv_0_rows, conv_0_weight_stream, conv_0_accumulate, conv_0_requantize, frames);
// CHECK:      stream_weights<36, 2, 2, 2>(
// CHECK-NEXT: mvu_row_tiles<int8_t, 8, 4, 3, 3, 3, 1, 1, 2, 2, 2, 2, 4, 3, 4, 2, 2, 2, 2, 3, true>(
// CHECK:      stream_weights<1, 5, 4, 2>(
// CHECK-NEXT: mvu_row_tiles<int8_t, 4, 4, 3, 1, 1, 2, 2, 1, 1, 0, 0, 2, 2, 5, 1, 4, 4, 5, 1, true>(

// Each unit's input rows are the design's array, as many rows as a tile
// spans ((2 - 1) x 2 + 3 = 5; (3 - 1) x 1 + (3 - 1) x 2 + 1 = 7; 1), in
// the memory hlscpp.stage names (BRAM unless it says rows = lutram).
// ROWS-DAG:  static int8_t conv_0_rows[5][5][6];
// ROWS-DAG:  static int8_t conv_1_rows[7][3][8];
// ROWS-DAG:  static int8_t conv_2_rows[1][3][4];
// ROWS-DAG:  #pragma HLS BIND_STORAGE variable=conv_0_rows type=ram_2p impl=bram
// ROWS-DAG:  #pragma HLS BIND_STORAGE variable=conv_1_rows type=ram_2p impl=lutram
// ROWS-DAG:  #pragma HLS ARRAY_PARTITION variable=conv_0_rows cyclic factor=3 dim=3
