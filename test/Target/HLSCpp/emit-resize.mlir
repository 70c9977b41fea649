// qnn.resize stages: the emitter prints the op's integer sampling (the
// CPU lowering's getIntegerAxisSampling) as per-axis tables of input
// indices and weights, and resize_stage computes each output pixel from a
// line buffer of input rows. A non-square 5 x 7 frame of 3 channels goes
// through nearest and linear resizes in every coordinate transformation
// and nearest mode the op allows: integer, non-integer and downscaling
// factors, given as scales or by the result's shape, 0 and 7 fraction bits,
// the rounding modes; a 1-D resize of the frame reshaped to 15 x 7.
// csim.test runs it.
// RUN: whittle-translate --emit-hls %s | FileCheck %s

#s1 = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = none, memory = none, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>
#s3 = #hlscpp.stage<simd = 3, pe = 3, multiplier = dsp, weights = none, memory = none, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>
module {
  func.func @main(%x: tensor<2x3x5x7xi8>) -> (tensor<2x3x10x14xi8>, tensor<2x3x8x11xi8>, tensor<2x3x3x4xi8>, tensor<2x3x7x17xi8>, tensor<2x3x3x5xi8>, tensor<2x3x9x4xi8>, tensor<2x3x6x6xi8>, tensor<2x15x10xi8>, tensor<2x3x4x9xi8>) {
    %nearest2x = qnn.resize %x {coordinate_transformation_mode = "asymmetric", mode = "nearest", nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 2.0, 2.0>, hlscpp.stage = #s3} : (tensor<2x3x5x7xi8>) -> tensor<2x3x10x14xi8>
    %linear = qnn.resize %x {coordinate_transformation_mode = "half_pixel", mode = "linear", hlscpp.stage = #s1} : (tensor<2x3x5x7xi8>) -> tensor<2x3x8x11xi8>
    %corners = qnn.resize %x {coordinate_transformation_mode = "align_corners", mode = "linear", rounding = #qnn.rounding<half_away>, hlscpp.stage = #s3} : (tensor<2x3x5x7xi8>) -> tensor<2x3x3x4xi8>
    %ceil = qnn.resize %x {coordinate_transformation_mode = "half_pixel", mode = "nearest", nearest_mode = "round_prefer_ceil", scales = array<f32: 1.0, 1.0, 1.5, 2.5>, hlscpp.stage = #s1} : (tensor<2x3x5x7xi8>) -> tensor<2x3x7x17xi8>
    %pytorch = qnn.resize %x {coordinate_transformation_mode = "pytorch_half_pixel", mode = "linear", scales = array<f32: 1.0, 1.0, 0.6, 0.75>, fraction_bits = 7 : i64, rounding = #qnn.rounding<pseudo_stochastic>, hlscpp.stage = #s3} : (tensor<2x3x5x7xi8>) -> tensor<2x3x3x5xi8>
    %symmetric = qnn.resize %x {coordinate_transformation_mode = "half_pixel_symmetric", mode = "nearest", nearest_mode = "ceil", hlscpp.stage = #s1} : (tensor<2x3x5x7xi8>) -> tensor<2x3x9x4xi8>
    %floor = qnn.resize %x {coordinate_transformation_mode = "align_corners", mode = "nearest", nearest_mode = "round_prefer_floor", hlscpp.stage = #s3} : (tensor<2x3x5x7xi8>) -> tensor<2x3x6x6xi8>
    %shape = nn.constant dense<[2, 15, 7]> : tensor<3xi64>
    %rows = nn.reshape %x, %shape {hlscpp.stage = #s1} : (tensor<2x3x5x7xi8>, tensor<3xi64>) -> tensor<2x15x7xi8>
    %oneD = qnn.resize %rows {coordinate_transformation_mode = "half_pixel", mode = "linear", hlscpp.stage = #s3} : (tensor<2x15x7xi8>) -> tensor<2x15x10xi8>
    %coarse = qnn.resize %x {coordinate_transformation_mode = "asymmetric", mode = "linear", scales = array<f32: 1.0, 1.0, 0.8, 1.3>, fraction_bits = 0 : i64, hlscpp.stage = #s1} : (tensor<2x3x5x7xi8>) -> tensor<2x3x4x9xi8>
    return %nearest2x, %linear, %corners, %ceil, %pytorch, %symmetric, %floor, %oneD, %coarse : tensor<2x3x10x14xi8>, tensor<2x3x8x11xi8>, tensor<2x3x3x4xi8>, tensor<2x3x7x17xi8>, tensor<2x3x3x5xi8>, tensor<2x3x9x4xi8>, tensor<2x3x6x6xi8>, tensor<2x15x10xi8>, tensor<2x3x4x9xi8>
  }
}

// Per tap, the input index and weight of every output row and column (the
// weights of a position sum to 2^fraction_bits).
// CHECK:      // resize_0: qnn.resize (nearest, asymmetric, floor); per tap
// CHECK-NEXT: static const int32_t resize_0_rows[1][10] = {{[{][{]}}0, 0, 1, 1, 2, 2, 3, 3, 4, 4}};
// CHECK:      static const int32_t resize_0_cols[1][14] = {{[{][{]}}0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6}};
// CHECK:      // resize_1: qnn.resize (linear, half_pixel); per tap
// CHECK-NEXT: static const int32_t resize_1_rows[2][8] = {{[{][{]}}0, 0, 1, 1, 2, 2, 3, 4},
// CHECK-NEXT:     {0, 1, 2, 2, 3, 3, 4, 4}};
// CHECK-NEXT: static const int32_t resize_1_row_weights[2][8] = {{[{][{]}}192, 576, 960, 320, 704, 64, 448, 832},
// CHECK-NEXT:     {832, 448, 64, 704, 320, 960, 576, 192}};
// CHECK-NEXT: static const int32_t resize_1_cols[2][11] = {{[{][{]}}0, 0, 1, 1, 2, 2, 3, 4, 4, 5, 6},
// CHECK-NEXT:     {0, 1, 2, 2, 3, 3, 4, 5, 5, 6, 6}};
// CHECK-NEXT: static const int32_t resize_1_col_weights[2][11] = {{[{][{]}}186, 559, 931, 279, 652, 0, 372, 745, 93, 465, 838},
// CHECK-NEXT:     {838, 465, 93, 745, 372, 1024, 652, 279, 931, 559, 186}};
// CHECK:      // resize_3: qnn.resize (nearest, half_pixel, round_prefer_ceil); per tap
// CHECK-NEXT: static const int32_t resize_3_rows[1][7] = {{[{][{]}}0, 1, 1, 2, 3, 3, 4}};
// CHECK:      static const int32_t resize_3_cols[1][17] = {{[{][{]}}0, 0, 1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5, 6, 6}};
// CHECK:      // resize_4: qnn.resize (linear, pytorch_half_pixel); per tap, {{.*}} (2^7 is one).
// CHECK-NEXT: static const int32_t resize_4_rows[2][3] = {{[{][{]}}0, 1, 3},
// CHECK-NEXT:     {1, 2, 4}};
// CHECK-NEXT: static const int32_t resize_4_row_weights[2][3] = {{[{][{]}}85, 0, 43},
// CHECK-NEXT:     {43, 128, 85}};
// CHECK:      // resize_5: qnn.resize (nearest, half_pixel_symmetric, ceil); per tap
// CHECK-NEXT: static const int32_t resize_5_rows[1][9] = {{[{][{]}}0, 1, 1, 2, 2, 3, 4, 4, 4}};
// CHECK:      static const int32_t resize_5_cols[1][4] = {{[{][{]}}1, 3, 4, 6}};
// CHECK:      // resize_6: qnn.resize (nearest, align_corners, round_prefer_floor); per tap
// CHECK-NEXT: static const int32_t resize_6_rows[1][6] = {{[{][{]}}0, 1, 2, 2, 3, 4}};
// A 1-D resize is one of height 1 whose one row has weight 1.
// CHECK:      static const int32_t resize_8_rows[1][1] = {{[{][{]}}0}};
// CHECK-NEXT: static const int32_t resize_8_row_weights[1][1] = {{[{][{]}}1}};
// CHECK-NEXT: static const int32_t resize_8_cols[2][10] = {{[{][{]}}0, 0, 1, 1, 2, 3, 4, 4, 5, 6},

// resize_stage<C, H, W, OH, OW, row taps, column taps, buffered rows,
// shift, simd>: the shift is fraction_bits per spatial axis.
// CHECK:      resize_stage<3, 5, 7, 10, 14, 1, 1, 1, 20, 3>(resize_0_in0_w3, resize_0_out, resize_0_rows, resize_0_row_weights, resize_0_cols, resize_0_col_weights, RoundingMode::nearest_even, frames);
// CHECK:      resize_stage<3, 5, 7, 8, 11, 2, 2, 2, 20, 1>(in0_copy1, resize_1_out, {{.*}}, RoundingMode::nearest_even, frames);
// CHECK:      resize_stage<3, 5, 7, 3, 4, 2, 2, 2, 20, 3>({{.*}}, RoundingMode::half_away, frames);
// CHECK:      resize_stage<3, 5, 7, 7, 17, 1, 1, 1, 20, 1>(
// CHECK:      resize_stage<3, 5, 7, 3, 5, 2, 2, 2, 14, 3>({{.*}}, RoundingMode::pseudo_stochastic, frames);
// CHECK:      resize_stage<3, 5, 7, 9, 4, 1, 1, 1, 20, 1>(
// CHECK:      resize_stage<3, 5, 7, 6, 6, 1, 1, 1, 20, 3>(
// The 1-D resize reads the reshaped 15 x 7 frame channels last.
// CHECK:      reorder<int8_t, 105, 1, 3>(in0_copy7, resize_8_reordered0,
// CHECK-NEXT: resize_stage<15, 1, 7, 1, 10, 1, 2, 1, 10, 3>(resize_8_reordered0, resize_8_out,
// CHECK:      resize_stage<3, 5, 7, 4, 9, 2, 2, 2, 0, 1>(
