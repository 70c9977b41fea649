// The elementwise, pooling and normalising stages: a per-channel input
// quantize (in the testbench), an add of a scalar constant and a mul by a
// per-channel constant given first, a product whose i32 result two
// requantize stages read (so neither is fused), a concat of their results,
// a lookup table, an average pool that counts only the input's positions,
// and a softmax over the logits.
// RUN: whittle-translate --emit-hls %s | FileCheck %s

module {
  func.func @main(%arg0: tensor<2x3x5x5xf32>) -> tensor<2x10xf32> {
    %k = nn.constant dense<5> : tensor<i8>
    %pc = nn.constant dense<[[[1]], [[2]], [[-3]]]> : tensor<3x1x1xi8>
    %w = nn.constant dense<[[[[1]], [[-2]], [[3]]], [[[4]], [[5]], [[-6]]]]> : tensor<2x3x1x1xi8>
    %fc = nn.constant dense<"0x04EFF4EC01FFF6F601120C000913FA06FD0602EEEEED06F1140D0904F30DFB11000A01FA08ECECFE11F3110DED01F6100F07FCFC0CFCFEF70C0BF9110A0DEE08100614F61007011413090CF50D04F700F6FCF8F0FFFC0E13ED0FEDFEEE030F00FD0208F30D0C08FC07F400F404FAF8FF10F506F1000BFDF50CF9F30810F40604000AFD0C02130B0C03040D0106FB08F7FDF3F90BF00AF9F90C041001F20308F808F6F70F0108F4050EF70505F00109EC0AF30D0E010E09F30A0AF8F71313010AF3080EFB02101406F5FF14F1F8060F040E03FEECF3060CFAFF06EF110103F8FE0E08F2F2FFF91313ECF814F0100A01EC0FF901F00E09F113F2070CED0BF30CEF030506FA1102F8F70A0DFBEFF2FAF7F102FBFC0EED12FE090106F803FD0A10F3F6050FF60EED00FEF8F0EF0EF001F4FFEDFE12F107F7EFF605FF01130EF20A060B0DEC10FA11121005030C00FEF6050B07F814F704060406F008EC00F6F108F50012FF0CFF0DF0F7"> : tensor<36x10xi8>
    %q = qnn.quantize %arg0 {axis = 1 : i64, scale = array<f32: 0.0100000007, 0.0200000014, 0.0300000012>, zero_point = array<i32: 0, 1, -1>} : (tensor<2x3x5x5xf32>) -> tensor<2x3x5x5xi8>
    %a = qnn.add %q, %k {a_multiplier = 1073741824 : i32, b_multiplier = -1073741824 : i32, shift = 30 : i32, hlscpp.stage = #hlscpp.stage<simd = 3, pe = 3, multiplier = dsp, weights = none, memory = none, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>} : (tensor<2x3x5x5xi8>, tensor<i8>) -> tensor<2x3x5x5xi8>
    %m = qnn.mul %pc, %a {multiplier = 3 : i32, shift = 2 : i32, output_zero_point = 4 : i32, hlscpp.stage = #hlscpp.stage<simd = 3, pe = 3, multiplier = dsp, weights = none, memory = none, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>} : (tensor<3x1x1xi8>, tensor<2x3x5x5xi8>) -> tensor<2x3x5x5xi8>
    %c = qnn.conv %m, %w {dilations = array<i64: 1, 1>, input_zero_point = 4 : i32, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>, hlscpp.stage = #hlscpp.stage<simd = 3, pe = 2, multiplier = dsp, weights = onchip, memory = bram, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>} : (tensor<2x3x5x5xi8>, tensor<2x3x1x1xi8>) -> tensor<2x2x5x5xi32>
    %r1 = qnn.requantize %c {axis = 1 : i64, multiplier = array<i32: 1073741824, 1610612736>, shift = array<i32: 31, 32>, hlscpp.stage = #hlscpp.stage<simd = 2, pe = 2, multiplier = dsp, weights = none, memory = none, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>} : (tensor<2x2x5x5xi32>) -> tensor<2x2x5x5xi8>
    %r2 = qnn.requantize %c {multiplier = array<i32: 1073741824>, shift = array<i32: 33>, output_zero_point = -3 : i32, hlscpp.stage = #hlscpp.stage<simd = 2, pe = 2, multiplier = dsp, weights = none, memory = none, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>} : (tensor<2x2x5x5xi32>) -> tensor<2x2x5x5xi8>
    %cat = qnn.concat %r1, %r2 {axis = 1 : i64, input_zero_points = array<i32: 0, -3>, multipliers = array<i32: 1, 3>, shifts = array<i32: 0, 1>, hlscpp.stage = #hlscpp.stage<simd = 2, pe = 2, multiplier = dsp, weights = none, memory = none, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2, 2]>} : (tensor<2x2x5x5xi8>, tensor<2x2x5x5xi8>) -> tensor<2x4x5x5xi8>
    %l = qnn.lut %cat {table = array<i8: -127, -127, -127, -127, -126, -126, -126, -126, -126, -126, -126, -126, -126, -126, -126, -126, -126, -126, -126, -126, -126, -126, -126, -126, -126, -126, -125, -125, -125, -125, -125, -125, -125, -125, -125, -125, -124, -124, -124, -124, -124, -124, -124, -123, -123, -123, -123, -123, -122, -122, -122, -122, -121, -121, -121, -121, -120, -120, -120, -119, -119, -118, -118, -118, -117, -117, -116, -116, -115, -114, -114, -113, -112, -112, -111, -110, -109, -109, -108, -107, -106, -105, -104, -103, -102, -100, -99, -98, -97, -95, -94, -92, -91, -89, -88, -86, -84, -83, -81, -79, -77, -75, -73, -70, -68, -66, -64, -61, -59, -56, -54, -51, -48, -46, -43, -40, -37, -34, -31, -28, -25, -22, -19, -16, -13, -10, -6, -3, 0, 3, 6, 10, 13, 16, 19, 22, 25, 28, 31, 34, 37, 40, 43, 46, 48, 51, 54, 56, 59, 61, 64, 66, 68, 70, 73, 75, 77, 79, 81, 83, 84, 86, 88, 89, 91, 92, 94, 95, 97, 98, 99, 100, 102, 103, 104, 105, 106, 107, 108, 109, 109, 110, 111, 112, 112, 113, 114, 114, 115, 116, 116, 117, 117, 118, 118, 118, 119, 119, 120, 120, 120, 121, 121, 121, 121, 122, 122, 122, 122, 123, 123, 123, 123, 123, 124, 124, 124, 124, 124, 124, 124, 125, 125, 125, 125, 125, 125, 125, 125, 125, 125, 126, 126, 126, 126, 126, 126, 126, 126, 126, 126, 126, 126, 126, 126, 126, 126, 126, 126, 126, 126, 126, 126, 127, 127, 127>, hlscpp.stage = #hlscpp.stage<simd = 4, pe = 4, multiplier = dsp, weights = none, memory = none, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>} : (tensor<2x4x5x5xi8>) -> tensor<2x4x5x5xi8>
    %ap = qnn.avg_pool %l {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, multiplier = 1 : i32, shift = 0 : i32, rounding = #qnn.rounding<half_away>, hlscpp.stage = #hlscpp.stage<simd = 4, pe = 4, multiplier = dsp, weights = none, memory = none, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>} : (tensor<2x4x5x5xi8>) -> tensor<2x4x3x3xi8>
    %f = nn.flatten %ap {hlscpp.stage = #hlscpp.stage<simd = 4, pe = 4, multiplier = dsp, weights = none, memory = none, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>} : (tensor<2x4x3x3xi8>) -> tensor<2x36xi8>
    %mm = qnn.matmul %f, %fc {b_zero_point = array<i32: 0>, hlscpp.stage = #hlscpp.stage<simd = 4, pe = 2, multiplier = dsp, weights = onchip, memory = uram, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>} : (tensor<2x36xi8>, tensor<36x10xi8>) -> tensor<2x10xi32>
    %mr = qnn.requantize %mm {multiplier = array<i32: 1073741824>, shift = array<i32: 36>} : (tensor<2x10xi32>) -> tensor<2x10xi8>
    %sm = qnn.softmax %mr {exp_table = array<i32: 16777216, 15180653, 13736023, 12428867, 11246104, 10175896, 9207531, 8331319, 7538489, 6821107, 6171993, 5584650, 5053200, 4572325, 4137211, 3743503, 3387261, 3064921, 2773255, 2509345, 2270549, 2054478, 1858969, 1682064, 1521995, 1377158, 1246104, 1127521, 1020224, 923136, 835288, 755800, 683876, 618797, 559911, 506628, 458416, 414792, 375319, 339603, 307285, 278043, 251584, 227643, 205980, 186378, 168642, 152593, 138072, 124933, 113044, 102286, 92553, 83745, 75776, 68565, 62040, 56136, 50794, 45960, 41587, 37629, 34048, 30808, 27876, 25224, 22823, 20651, 18686, 16908, 15299, 13843, 12526, 11334, 10255, 9279, 8396, 7597, 6874, 6220, 5628, 5093, 4608, 4169, 3773, 3414, 3089, 2795, 2529, 2288, 2070, 1873, 1695, 1534, 1388, 1256, 1136, 1028, 930, 842, 762, 689, 624, 564, 511, 462, 418, 378, 342, 310, 280, 254, 229, 208, 188, 170, 154, 139, 126, 114, 103, 93, 84, 76, 69, 63, 57, 51, 46, 42, 38, 34, 31, 28, 25, 23, 21, 19, 17, 15, 14, 13, 11, 10, 9, 8, 8, 7, 6, 6, 5, 5, 4, 4, 3, 3, 3, 3, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0>, multiplier = 1 : i32, shift = -8 : i32, output_zero_point = -128 : i32, hlscpp.stage = #hlscpp.stage<simd = 5, pe = 5, multiplier = dsp, weights = none, memory = none, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>} : (tensor<2x10xi8>) -> tensor<2x10xi8>
    %d = qnn.dequantize %sm {scale = array<f32: 0.00390625>, zero_point = array<i32: -128>} : (tensor<2x10xi8>) -> tensor<2x10xf32>
    return %d : tensor<2x10xf32>
  }
}

// CHECK:      static const AddParams add_0_params = {0, 0, 1073741824, -1073741824, 30, RoundingMode::nearest_even, 0, -128, 127};
// CHECK-NEXT: static const int8_t add_0_constant[1] = {5};
// CHECK:      static const MulParams mul_1_params = {0, 0, 3, 2, RoundingMode::nearest_even, 4, -128, 127};
// CHECK-NEXT: static const int8_t mul_1_constant[3] = {1, 2, -3};
// CHECK:      static const Requantize<2> conv_2_requantize = {};
// CHECK:      static const Requantize<2> requantize_3_requantize = {
// CHECK-NEXT:     {1073741824, 1610612736},
// CHECK-NEXT:     {31, 32},
// CHECK:      static const Requantize<1> requantize_4_requantize = {
// CHECK:      static const ConcatParams concat_5_params1 = {{[{][{]}}0, 1, 0}, {-3, 3, 1}, RoundingMode::nearest_even, 0, -128, 127};
// CHECK:      static const int8_t lut_6_table[256] = {-127, -127,
// CHECK:      static const DivideParams avg_pool_7_params = {0, 1, 0, RoundingMode::half_away, 0, -128, 127};
// CHECK:      static int8_t matmul_9_weights[2][45][4];
// CHECK:      static const int32_t softmax_10_exp_table[256] = {16777216, 15180653,
// CHECK:      static const DivideParams softmax_10_params = {0, 1, -8, RoundingMode::nearest_even, -128, -128, 127};

// The scalar is one constant for every element; the per-channel constant,
// given first, is read by channel (the innermost stream loop).
// CHECK:      binary_constant<AddParams, 75, 3, 1, 1, false>(in0, add_0_out, add_0_constant, add_0_params, frames);
// CHECK-EMPTY:
// CHECK-NEXT:   // mul_1: qnn.mul
// CHECK-NEXT:   binary_constant<MulParams, 75, 3, 3, 1, true>(add_0_out, mul_1_out, mul_1_constant, mul_1_params, frames);
// The product's i32 accumulators go to both requantize stages.
// CHECK:        mvu<int32_t, 25, 1, 3, 2, 1, 3, 3, 2, false>(mul_1_out, conv_2_out, OnChipWeights<2, 1, 3>{conv_2_weights}, conv_2_accumulate, conv_2_requantize, frames);
// CHECK-NEXT:   fork<int32_t, 2, 25>(conv_2_out, conv_2_out_copy0, conv_2_out_copy1, frames);
// CHECK:        requantize_stage<int32_t, 50, 2, 2, 1>(conv_2_out_copy0, requantize_3_out, requantize_3_requantize, frames);
// CHECK:        requantize_stage<int32_t, 50, 2, 1, 1>(conv_2_out_copy1, requantize_4_out, requantize_4_requantize, frames);
// Concatenating channels: 25 pixels of 2 + 2 channels each.
// CHECK:        concat<25, 2, 2, 2>(requantize_3_out, requantize_4_out, concat_5_out1, concat_5_params1, frames);
// CHECK:        lookup<100, 4>(lut_6_in0_w4, lut_6_out, lut_6_table, frames);
// The average pool pads with the input zero point and counts per window.
// CHECK:        sliding_window<4, 5, 5, 3, 3, 2, 2, 1, 1, 1, 1, 3, 3, 4>(lut_6_out, avg_pool_7_window, 0, frames);
// CHECK-NEXT:   avg_pool<4, 5, 5, 3, 3, 2, 2, 1, 1, 1, 1, 3, 3, false, 4>(avg_pool_7_window, avg_pool_7_out, avg_pool_7_params, frames);
// CHECK:        mvu<int8_t, 1, 1, 36, 10, 1, 4, 4, 2, true>(avg_pool_7_out, matmul_9_out, OnChipWeights<2, 45, 4>{matmul_9_weights}, matmul_9_accumulate, matmul_9_requantize, frames);
// CHECK:        softmax<1, 10, 5>(softmax_10_in0_w5, softmax_10_out, softmax_10_exp_table, softmax_10_params, frames);
// CHECK:      #pragma HLS BIND_STORAGE variable=matmul_9_weights type=ram_2p impl=uram
