// i8 data movement: slices with steps (of a row-major stream and of a
// channels-last one), splits into unequal parts (along the outermost
// dimension of a row-major stream and along the rows of a channels-last
// one), nn.concat on i8 (qnn.concat's stage with the identity rescale),
// nn.dropout and depth_to_space (DCR, CRD) / space_to_depth, which only
// relabel the stream (a consumer that needs channels last gets a reorder).
// csim.test runs it.
// RUN: whittle-translate --emit-hls %s | FileCheck %s

#s1 = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = none, memory = none, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>
#s3 = #hlscpp.stage<simd = 3, pe = 3, multiplier = dsp, weights = none, memory = none, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>
#s6 = #hlscpp.stage<simd = 6, pe = 6, multiplier = dsp, weights = none, memory = none, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2, 2]>
module {
  func.func @main(%x: tensor<2x8x6x5xi8>) -> (tensor<2x2x3x3xi8>, tensor<2x5x6x5xi8>, tensor<2x2x12x10xi8>, tensor<2x2x12x10xi8>, tensor<2x8x5x4xi8>, tensor<2x3x2x2xi8>, tensor<2x3x5x4xi8>, tensor<2x3x6x5xi8>) {
    %none = nn.none
    %starts = nn.constant dense<[1, 0, 1]> : tensor<3xi64>
    %ends = nn.constant dense<[7, 6, -1]> : tensor<3xi64>
    %axes = nn.constant dense<[1, 2, 3]> : tensor<3xi64>
    %steps = nn.constant dense<[3, 2, 1]> : tensor<3xi64>
    %slice = nn.slice %x, %starts, %ends, %axes, %steps {hlscpp.stage = #s1} : (tensor<2x8x6x5xi8>, tensor<3xi64>, tensor<3xi64>, tensor<3xi64>, tensor<3xi64>) -> tensor<2x2x3x3xi8>
    %sizes = nn.constant dense<[1, 3, 4]> : tensor<3xi64>
    %parts:3 = nn.split %x, %sizes {axis = 1 : i64, hlscpp.stage = #s6} : (tensor<2x8x6x5xi8>, tensor<3xi64>) -> (tensor<2x1x6x5xi8>, tensor<2x3x6x5xi8>, tensor<2x4x6x5xi8>)
    %cat = nn.concat %parts#2, %parts#0 {axis = 1 : i64, hlscpp.stage = #s6} : (tensor<2x4x6x5xi8>, tensor<2x1x6x5xi8>) -> tensor<2x5x6x5xi8>
    %dcr = nn.depth_to_space %x {blocksize = 2 : i64, hlscpp.stage = #s1} : (tensor<2x8x6x5xi8>) -> tensor<2x2x12x10xi8>
    %crd = nn.depth_to_space %x {blocksize = 2 : i64, mode = "CRD", hlscpp.stage = #s1} : (tensor<2x8x6x5xi8>) -> tensor<2x2x12x10xi8>
    %s2d = nn.space_to_depth %crd {blocksize = 2 : i64, hlscpp.stage = #s1} : (tensor<2x2x12x10xi8>) -> tensor<2x8x6x5xi8>
    %pool2 = qnn.max_pool %s2d {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, hlscpp.stage = #s1} : (tensor<2x8x6x5xi8>) -> tensor<2x8x5x4xi8>
    %drop:2 = nn.dropout %parts#1, %none, %none {hlscpp.stage = #s3} : (tensor<2x3x6x5xi8>, none, none) -> (tensor<2x3x6x5xi8>, tensor<2x3x6x5xi1>)
    %pool = qnn.max_pool %drop#0 {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, hlscpp.stage = #s3} : (tensor<2x3x6x5xi8>) -> tensor<2x3x5x4xi8>
    %starts2 = nn.constant dense<[1, 0]> : tensor<2xi64>
    %ends2 = nn.constant dense<[5, 4]> : tensor<2xi64>
    %axes2 = nn.constant dense<[2, 3]> : tensor<2xi64>
    %steps2 = nn.constant dense<[2, 3]> : tensor<2xi64>
    %slice2 = nn.slice %pool, %starts2, %ends2, %axes2, %steps2 {hlscpp.stage = #s3} : (tensor<2x3x5x4xi8>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<2x3x2x2xi8>
    %rows = nn.constant dense<[2, 3]> : tensor<2xi64>
    %halves:2 = nn.split %pool, %rows {axis = -2 : i64, hlscpp.stage = #s3} : (tensor<2x3x5x4xi8>, tensor<2xi64>) -> (tensor<2x3x2x4xi8>, tensor<2x3x3x4xi8>)
    %swapped = nn.concat %halves#1, %halves#0 {axis = 2 : i64, hlscpp.stage = #s3} : (tensor<2x3x3x4xi8>, tensor<2x3x2x4xi8>) -> tensor<2x3x5x4xi8>
    return %slice, %cat, %dcr, %crd, %pool2, %slice2, %swapped, %drop#0 : tensor<2x2x3x3xi8>, tensor<2x5x6x5xi8>, tensor<2x2x12x10xi8>, tensor<2x2x12x10xi8>, tensor<2x8x5x4xi8>, tensor<2x3x2x2xi8>, tensor<2x3x5x4xi8>, tensor<2x3x6x5xi8>
  }
}

// The slice's loops follow the row-major stream (C, H, W): channels 1 and
// 4, rows 0, 2, 4, columns 1 to 3.
// CHECK:      // slice_0: nn.slice; per stream loop {size, start, step, end}.
// CHECK-NEXT: static const int slice_0_dims[3][4] = {{[{][{]}}8, 1, 3, 7}, {6, 0, 2, 6}, {5, 1, 1, 4}};
// nn.concat is qnn.concat's stage passing both inputs through.
// CHECK:      static const ConcatParams concat_2_params1 = {{[{][{]}}0, 1, 0}, {0, 1, 0}, RoundingMode::nearest_even, 0, -128, 127};
// depth_to_space (CRD) then space_to_depth leave the stream as it came:
// the pool after them reorders it to channels last.
// CHECK:      static const long long max_pool_6_reordered0_from[3][3] = {{[{][{]}}2, 30, 120}, {4, 60, 30}, {30, 1, 1}};
// Over the pool's channels-last stream (H, W, C): rows 1 and 3, columns 0
// and 3.
// CHECK:      static const int slice_9_dims[3][4] = {{[{][{]}}5, 1, 2, 5}, {4, 0, 3, 4}, {3, 0, 1, 3}};

// CHECK:      // slice_0: nn.slice
// CHECK-NEXT:   slice<240, 18, 1, 1, 3>(in0_copy0, slice_0_out, slice_0_dims, frames);
// Split into 1 + 3 + 4 channels, pairwise: 30 of 240 elements, then 90 of
// the remaining 210.
// CHECK:      // split_1: nn.split
// CHECK-NEXT:   convert_width<int8_t, 240, 1, 6>(in0_copy1, split_1_in0_w6, frames);
// CHECK-NEXT:   split<1, 30, 210, 6>(split_1_in0_w6, split_1_out0, split_1_rest1, frames);
// CHECK-NEXT:   split<1, 90, 120, 6>(split_1_rest1, split_1_out1, split_1_out2, frames);
// CHECK:        concat<1, 120, 30, 6>(split_1_out2, split_1_out0, concat_2_out1, concat_2_params1, frames);
// CHECK:      // depth_to_space_3: nn.depth_to_space
// CHECK-NEXT:   // The stream is relabelled (nn.depth_to_space): no element moves.
// CHECK:      // space_to_depth_5: nn.space_to_depth
// CHECK-NEXT:   // The stream is relabelled (nn.space_to_depth): no element moves.
// CHECK:      // max_pool_6: qnn.max_pool
// CHECK-NEXT:   reorder<int8_t, 240, 1, 1>(
// CHECK:      // dropout_7: nn.dropout
// CHECK-NEXT:   // The stream is relabelled (nn.dropout): no element moves.
// CHECK:        slice<60, 12, 3, 3, 3>(max_pool_8_out_copy0, slice_9_out, slice_9_dims, frames);
// Rows 0-1 and 2-4 of the channels-last stream, then swapped.
// CHECK:        split<1, 24, 36, 3>(max_pool_8_out_copy1, split_10_out0, split_10_out1, frames);
// CHECK:        concat<1, 36, 24, 3>(split_10_out1, split_10_out0, concat_11_out1, concat_11_params1, frames);
