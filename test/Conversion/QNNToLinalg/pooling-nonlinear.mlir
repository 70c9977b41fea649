// RUN: whittle-opt %s --split-input-file --convert-qnn-to-linalg --canonicalize | FileCheck %s

// Max pool: padded with -128, a window reduction whose window operand gives
// the kernel loops their extent.
// CHECK-LABEL: func @max_pool
// CHECK: tensor.pad
// CHECK: tensor.yield %c-128_i8
// CHECK: tensor.empty() : tensor<3x3xi8>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK: arith.maxsi
func.func @max_pool(%x: tensor<1x2x8x8xi8>) -> tensor<1x2x4x4xi8> {
  %0 = qnn.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x8x8xi8>) -> tensor<1x2x4x4xi8>
  return %0 : tensor<1x2x4x4xi8>
}

// -----

// Average pool without count_include_pad: the counts differ at the
// borders, so the denominators count * 2^shift are a constant per output
// position; the division rounds half to even in i64.
// CHECK-LABEL: func @avg_pool
// CHECK-DAG: arith.constant dense<{{\[\[}}16, 24, 24, 24], [24, 36, 36, 36], [24, 36, 36, 36], [24, 36, 36, 36]]> : tensor<4x4xi64>
// CHECK: tensor.yield %c3_i8
// CHECK: arith.subi %{{.*}}, %c3_i32
// CHECK: arith.divui
func.func @avg_pool(%x: tensor<1x2x8x8xi8>) -> tensor<1x2x4x4xi8> {
  %0 = qnn.avg_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, input_zero_point = 3 : i32, multiplier = 1 : i32, shift = 2 : i32} : (tensor<1x2x8x8xi8>) -> tensor<1x2x4x4xi8>
  return %0 : tensor<1x2x4x4xi8>
}

// -----

// Global average: one sum per channel, one constant denominator.
// CHECK-LABEL: func @global_avg_pool
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK: arith.divui %{{.*}}, %c64_i64
// CHECK: tensor.expand_shape
func.func @global_avg_pool(%x: tensor<1x2x8x8xi8>) -> tensor<1x2x1x1xi8> {
  %2 = qnn.global_avg_pool %x {input_zero_point = -3 : i32, multiplier = 1 : i32, shift = 0 : i32} : (tensor<1x2x8x8xi8>) -> tensor<1x2x1x1xi8>
  return %2 : tensor<1x2x1x1xi8>
}

// -----

// A bound that i64 cannot hold (a 2^31 multiplier shifted left by 31)
// makes the division i128.
// CHECK-LABEL: func @global_avg_pool_wide
// CHECK: arith.divui %{{.*}} : i128
func.func @global_avg_pool_wide(%x: tensor<1x2x8x8xi8>) -> tensor<1x2x1x1xi8> {
  %2 = qnn.global_avg_pool %x {multiplier = 2147483647 : i32, shift = -31 : i32} : (tensor<1x2x8x8xi8>) -> tensor<1x2x1x1xi8>
  return %2 : tensor<1x2x1x1xi8>
}

// -----

// The table is a constant read with tensor.extract at x + 128.
// CHECK-LABEL: func @lut
// CHECK: %[[T:.+]] = arith.constant dense<{{.*}}> : tensor<256xi8>
// CHECK: linalg.generic
// CHECK: arith.addi %{{.*}}, %c128_i32
// CHECK: arith.index_cast
// CHECK: tensor.extract %[[T]]
func.func @lut(%x: tensor<4x5xi8>) -> tensor<4x5xi8> {
  %0 = qnn.lut %x {table = array<i8: -127, -126, -125, -124, -123, -122, -121, -120, -119, -118, -117, -116, -115, -114, -113, -112, -111, -110, -109, -108, -107, -106, -105, -104, -103, -102, -101, -100, -99, -98, -97, -96, -95, -94, -93, -92, -91, -90, -89, -88, -87, -86, -85, -84, -83, -82, -81, -80, -79, -78, -77, -76, -75, -74, -73, -72, -71, -70, -69, -68, -67, -66, -65, -64, -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21, -20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, -128>} : (tensor<4x5xi8>) -> tensor<4x5xi8>
  return %0 : tensor<4x5xi8>
}

// -----

// Softmax: the maximum along the axis, the table's exponentials, their
// i64 sum, then e * multiplier * 2^8 over the sum (shift -8), rounded.
// CHECK-LABEL: func @softmax
// CHECK: arith.maxsi
// CHECK: tensor.extract
// CHECK: arith.extsi %{{.*}} : i32 to i64
// CHECK: arith.shli %{{.*}}, %c8_i64
// CHECK: arith.divui
func.func @softmax(%x: tensor<2x10xi8>) -> tensor<2x10xi8> {
  %0 = qnn.softmax %x {exp_table = array<i32: 1048576, 948791, 858501, 776804, 702882, 635993, 575471, 520707, 471156, 426319, 385750, 349041, 315825, 285770, 258576, 233969, 211704, 191558, 173328, 156834, 141909, 128405, 116186, 105129, 95125, 86072, 77881, 70470, 63764, 57696, 52206, 47238, 42742, 38675, 34994, 31664, 28651, 25924, 23457, 21225, 19205, 17378, 15724, 14228, 12874, 11649, 10540, 9537, 8630, 7808, 7065, 6393, 5785, 5234, 4736, 4285, 3877, 3508, 3175, 2873, 2599, 2352, 2128, 1926, 1742, 1576, 1426, 1291, 1168, 1057, 956, 865, 783, 708, 641, 580, 525, 475, 430, 389, 352, 318, 288, 261, 236, 213, 193, 175, 158, 143, 129, 117, 106, 96, 87, 78, 71, 64, 58, 53, 48, 43, 39, 35, 32, 29, 26, 24, 21, 19, 18, 16, 14, 13, 12, 11, 10, 9, 8, 7, 6, 6, 5, 5, 4, 4, 4, 3, 3, 3, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0>, multiplier = 1 : i32, shift = -8 : i32, output_zero_point = -128 : i32} : (tensor<2x10xi8>) -> tensor<2x10xi8>
  return %0 : tensor<2x10xi8>
}

// -----

// Linear resize, align_corners, 2x3 -> 4x6 with 4 fractional bits: per
// spatial axis and tap an index table and a weight table (the weights of
// a position sum to 16), one generic summing the four taps' products in
// i32 and rounding once by 2^(4 + 4) to nearest even.
// CHECK-LABEL: func @resize_linear
// CHECK-DAG: arith.constant dense<[0, 11, 5, 0]> : tensor<4xi32>
// CHECK-DAG: arith.constant dense<[16, 5, 11, 16]> : tensor<4xi32>
// CHECK-DAG: arith.constant dense<[0, 1, 1, 1]> : tensor<4xi64>
// CHECK-DAG: arith.constant dense<[0, 10, 3, 13, 6, 0]> : tensor<6xi32>
// CHECK-DAG: arith.constant dense<[16, 6, 13, 3, 10, 16]> : tensor<6xi32>
// CHECK-DAG: %[[EIGHT:.*]] = arith.constant 8 : i32
// CHECK: linalg.generic
// CHECK-COUNT-4: tensor.extract %arg0
// CHECK: arith.shrui %{{.*}}, %[[EIGHT]] : i32
// CHECK: arith.trunci %{{.*}} : i32 to i8
func.func @resize_linear(%x: tensor<1x2x2x3xi8>) -> tensor<1x2x4x6xi8> {
  %0 = qnn.resize %x {mode = "linear", coordinate_transformation_mode = "align_corners", fraction_bits = 4 : i64} : (tensor<1x2x2x3xi8>) -> tensor<1x2x4x6xi8>
  return %0 : tensor<1x2x4x6xi8>
}

// -----

// Nearest: one tap per axis of weight 2^bits, so the rounding is exact.
// CHECK-LABEL: func @resize_nearest
// CHECK: arith.constant dense<[0, 0, 1, 1]> : tensor<4xi64>
// CHECK: linalg.generic
// CHECK-COUNT-1: tensor.extract %arg0
// CHECK-NOT: tensor.extract
// CHECK: linalg.yield
func.func @resize_nearest(%x: tensor<1x1x2x2xi8>) -> tensor<1x1x4x4xi8> {
  %0 = qnn.resize %x {mode = "nearest", coordinate_transformation_mode = "asymmetric", nearest_mode = "floor"} : (tensor<1x1x2x2xi8>) -> tensor<1x1x4x4xi8>
  return %0 : tensor<1x1x4x4xi8>
}
