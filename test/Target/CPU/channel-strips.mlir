// RUN: whittle-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(whittle-vectorize-contractions{int8-kernel=none},whittle-fold-constant-transposes),canonicalize)' | FileCheck %s
// RUN: whittle-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(whittle-vectorize-contractions{int8-kernel=none},whittle-fold-constant-transposes),canonicalize,func.func(linalg-fuse-elementwise-ops),canonicalize,cse)' | FileCheck %s --check-prefix=FUSED

// Float convolutions with constant weights whose filters fill whole vectors
// and whose pixels do not run on channel strips: vectors of 16 filters (32
// where they divide the filters), 6 pixels per tile, the weights repacked at
// compile time into panels [filters / width, K, width].

// 49 pixels (7x7), 48 filters (strips of one vector), K = 2. The panels
// hold W[s * 16 + j, k] at
// [s, k, j] (W[m, k] = 10 m + k here): a panel row is 16 filters of one
// input channel.
// CHECK-LABEL: func @strips_7x7
// CHECK: %[[PANELS:.+]] = arith.constant dense_resource<[[BLOB:.+]]> : tensor<3x2x16xf32>
// The init arrives pixel-major within each strip, [n, s, p, j].
// CHECK: %[[INIT:.+]] = linalg.generic
// CHECK-SAME: ins(%{{.+}} : tensor<1x3x16x49xf32>) outs(%{{.+}} : tensor<1x3x49x16xf32>)
// Strips outside, rows of 6 pixels inside: 8 tiles of 6 x 16 and a
// remainder of one pixel, a vector of 16 filters.
// CHECK: scf.for %[[S:.+]] = %c0 to %c3 step %c1 iter_args(%{{.+}} = %[[INIT]])
// CHECK: scf.for %[[P:.+]] = %c0 to %c48 step %c6
// CHECK: vector.transfer_read %[[PANELS]][%[[S]], %c0, %c0]
// CHECK: vector.contract {{.*}} : vector<2x6xf32>, vector<2x16xf32> into vector<6x16xf32>
// CHECK: vector.contract {{.*}} : vector<2xf32>, vector<2x16xf32> into vector<16xf32>
// Back to [n, filters, pixels].
// CHECK: %[[NCHW:.+]] = linalg.generic
// CHECK-SAME: ins(%{{.+}} : tensor<1x3x49x16xf32>) outs(%{{.+}} : tensor<1x3x16x49xf32>)
// CHECK: tensor.collapse_shape %[[NCHW]] {{\[}}[0], [1, 2], [3]] : tensor<1x3x16x49xf32> into tensor<1x48x49xf32>
// The panel bytes (little-endian f32): 0, 10, 20, 30, twelve more of the
// first row, then the second row's 1, 11, 21.
// CHECK: [[BLOB]]: "0x0400000000000000000020410000A0410000F041{{[0-9A-F]+}}0000803F000030410000A841
func.func @strips_7x7(%x: tensor<1x2x7x7xf32>, %init: tensor<1x48x7x7xf32>) -> tensor<1x48x7x7xf32> {
  %w = arith.constant dense<[[[[0.0]], [[1.0]]], [[[10.0]], [[11.0]]], [[[20.0]], [[21.0]]], [[[30.0]], [[31.0]]], [[[40.0]], [[41.0]]], [[[50.0]], [[51.0]]], [[[60.0]], [[61.0]]], [[[70.0]], [[71.0]]], [[[80.0]], [[81.0]]], [[[90.0]], [[91.0]]], [[[100.0]], [[101.0]]], [[[110.0]], [[111.0]]], [[[120.0]], [[121.0]]], [[[130.0]], [[131.0]]], [[[140.0]], [[141.0]]], [[[150.0]], [[151.0]]], [[[160.0]], [[161.0]]], [[[170.0]], [[171.0]]], [[[180.0]], [[181.0]]], [[[190.0]], [[191.0]]], [[[200.0]], [[201.0]]], [[[210.0]], [[211.0]]], [[[220.0]], [[221.0]]], [[[230.0]], [[231.0]]], [[[240.0]], [[241.0]]], [[[250.0]], [[251.0]]], [[[260.0]], [[261.0]]], [[[270.0]], [[271.0]]], [[[280.0]], [[281.0]]], [[[290.0]], [[291.0]]], [[[300.0]], [[301.0]]], [[[310.0]], [[311.0]]], [[[320.0]], [[321.0]]], [[[330.0]], [[331.0]]], [[[340.0]], [[341.0]]], [[[350.0]], [[351.0]]], [[[360.0]], [[361.0]]], [[[370.0]], [[371.0]]], [[[380.0]], [[381.0]]], [[[390.0]], [[391.0]]], [[[400.0]], [[401.0]]], [[[410.0]], [[411.0]]], [[[420.0]], [[421.0]]], [[[430.0]], [[431.0]]], [[[440.0]], [[441.0]]], [[[450.0]], [[451.0]]], [[[460.0]], [[461.0]]], [[[470.0]], [[471.0]]]]> : tensor<48x2x1x1xf32>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x2x7x7xf32>, tensor<48x2x1x1xf32>) outs(%init : tensor<1x48x7x7xf32>) -> tensor<1x48x7x7xf32>
  return %0 : tensor<1x48x7x7xf32>
}

// -----

// 64 filters: strips of two vectors, each broadcast pixel multiplied into
// 32 filters.
// CHECK-LABEL: func @strips_wide
// CHECK: arith.constant dense<5.000000e-01> : tensor<2x2x32xf32>
// CHECK: scf.for %{{.+}} = %c0 to %c2 step %c1
// CHECK: vector.contract {{.*}} : vector<2x6xf32>, vector<2x32xf32> into vector<6x32xf32>
// CHECK: vector.contract {{.*}} : vector<2xf32>, vector<2x32xf32> into vector<32xf32>
func.func @strips_wide(%x: tensor<1x2x7x7xf32>, %init: tensor<1x64x7x7xf32>) -> tensor<1x64x7x7xf32> {
  %w = arith.constant dense<0.5> : tensor<64x2x1x1xf32>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x2x7x7xf32>, tensor<64x2x1x1xf32>) outs(%init : tensor<1x64x7x7xf32>) -> tensor<1x64x7x7xf32>
  return %0 : tensor<1x64x7x7xf32>
}

// -----

// A 3x3 convolution at 14x14 (196 pixels: 32 rows of 6 and 4) over its
// im2col matrix, batch 2 image by image.
// CHECK-LABEL: func @strips_3x3
// CHECK: arith.constant dense<5.000000e-01> : tensor<1x18x16xf32>
// CHECK: scf.for %{{.+}} = %c0 to %c2 step %c1
// CHECK: tensor.collapse_shape %{{.+}} {{\[}}[0], [1, 2, 3], [4, 5]] : tensor<1x2x3x3x14x14xf32> into tensor<1x18x196xf32>
// CHECK: scf.for %{{.+}} = %c0 to %c192 step %c6
// CHECK: vector.contract {{.*}} : vector<9x6xf32>, vector<9x16xf32> into vector<6x16xf32>
// CHECK: vector.contract {{.*}} : vector<9x4xf32>, vector<9x16xf32> into vector<4x16xf32>
func.func @strips_3x3(%x: tensor<2x2x16x16xf32>, %init: tensor<2x16x14x14xf32>) -> tensor<2x16x14x14xf32> {
  %w = arith.constant dense<0.5> : tensor<16x2x3x3xf32>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<2x2x16x16xf32>, tensor<16x2x3x3xf32>) outs(%init : tensor<2x16x14x14xf32>) -> tensor<2x16x14x14xf32>
  return %0 : tensor<2x16x14x14xf32>
}

// -----

// Pixels in whole vectors (32), 24 filters (not whole vectors), weights
// that are not constants: vectors of pixels, as before.
// CHECK-LABEL: func @pixel_vectors
// CHECK-NOT: tensor<{{[0-9x]+}}x16xf32>
// CHECK: vector.contract {{.*}} : vector<6x2xf32>, vector<2x16xf32> into vector<6x16xf32>
// CHECK-NOT: tensor<{{[0-9x]+}}x16xf32>
// CHECK: vector.contract {{.*}} : vector<6x2xf32>, vector<2x16xf32> into vector<6x16xf32>
// CHECK-NOT: tensor<{{[0-9x]+}}x16xf32>
// CHECK: vector.contract {{.*}} : vector<6x2xf32>, vector<2x16xf32> into vector<6x16xf32>
// CHECK: return
func.func @pixel_vectors(%x: tensor<1x2x4x8xf32>, %init: tensor<1x32x4x8xf32>, %x7: tensor<1x2x7x7xf32>, %init24: tensor<1x24x7x7xf32>, %w: tensor<32x2x1x1xf32>, %init32: tensor<1x32x7x7xf32>) -> (tensor<1x32x4x8xf32>, tensor<1x24x7x7xf32>, tensor<1x32x7x7xf32>) {
  %c = arith.constant dense<0.5> : tensor<32x2x1x1xf32>
  %c24 = arith.constant dense<0.5> : tensor<24x2x1x1xf32>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %c : tensor<1x2x4x8xf32>, tensor<32x2x1x1xf32>) outs(%init : tensor<1x32x4x8xf32>) -> tensor<1x32x4x8xf32>
  %1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x7, %c24 : tensor<1x2x7x7xf32>, tensor<24x2x1x1xf32>) outs(%init24 : tensor<1x24x7x7xf32>) -> tensor<1x24x7x7xf32>
  %2 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x7, %w : tensor<1x2x7x7xf32>, tensor<32x2x1x1xf32>) outs(%init32 : tensor<1x32x7x7xf32>) -> tensor<1x32x7x7xf32>
  return %0, %1, %2 : tensor<1x32x4x8xf32>, tensor<1x24x7x7xf32>, tensor<1x32x7x7xf32>
}

// -----

// 1x1 convolutions next to a depthwise convolution (an inverted residual
// block: expand, ReLU, depthwise, project) run channels-last: the product
// reads [n, pixels, channels] and writes [n, pixels, strip, 32], whatever
// the pixel count. After elementwise fusion the only layout changes left
// are the block's input and output: the ReLU, the pad and both products
// stay channels-last.
// CHECK-LABEL: func @inverted_residual
// CHECK: vector.contract {{.*}} : vector<6x16xf32>, vector<1x16x32xf32> into vector<6x1x32xf32>
// CHECK: vector.contract {{.*}} : vector<6x16xf32>, vector<1x16x32xf32> into vector<6x1x32xf32>
// FUSED-LABEL: func @inverted_residual
// FUSED: linalg.generic
// FUSED-SAME: ins(%arg0 : tensor<1x16x7x7xf32>) outs(%{{.+}} : tensor<1x7x7x16xf32>)
// FUSED-NOT: outs(%{{.+}} : tensor<1x32x7x7xf32>)
// FUSED: arith.maximumf
// FUSED-NOT: outs(%{{.+}} : tensor<1x32x7x7xf32>)
// FUSED: tensor.pad %{{.+}} low[0, 1, 1, 0, 0] high[0, 1, 1, 0, 0]
// FUSED-NOT: outs(%{{.+}} : tensor<1x32x7x7xf32>)
// FUSED: vector.contract
// FUSED-NOT: outs(%{{.+}} : tensor<1x32x7x7xf32>)
// FUSED: linalg.generic
// FUSED-SAME: ins(%{{.+}} : tensor<1x7x7x1x32xf32>) outs(%{{.+}} : tensor<1x1x32x7x7xf32>)
// FUSED: return
func.func @inverted_residual(%x: tensor<1x16x7x7xf32>) -> tensor<1x32x7x7xf32> {
  %zero = arith.constant 0.0 : f32
  %we = arith.constant dense<0.5> : tensor<32x16x1x1xf32>
  %wd = arith.constant dense<0.25> : tensor<32x3x3xf32>
  %wp = arith.constant dense<0.125> : tensor<32x32x1x1xf32>
  %e0 = tensor.empty() : tensor<1x32x7x7xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e0 : tensor<1x32x7x7xf32>) -> tensor<1x32x7x7xf32>
  %expand = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %we : tensor<1x16x7x7xf32>, tensor<32x16x1x1xf32>) outs(%init : tensor<1x32x7x7xf32>) -> tensor<1x32x7x7xf32>
  %relu = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%expand : tensor<1x32x7x7xf32>) outs(%e0 : tensor<1x32x7x7xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x32x7x7xf32>
  %padded = tensor.pad %relu low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x32x7x7xf32> to tensor<1x32x9x9xf32>
  %dw = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%padded, %wd : tensor<1x32x9x9xf32>, tensor<32x3x3xf32>) outs(%init : tensor<1x32x7x7xf32>) -> tensor<1x32x7x7xf32>
  %project = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%dw, %wp : tensor<1x32x7x7xf32>, tensor<32x32x1x1xf32>) outs(%init : tensor<1x32x7x7xf32>) -> tensor<1x32x7x7xf32>
  return %project : tensor<1x32x7x7xf32>
}
