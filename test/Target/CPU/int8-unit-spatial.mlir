// RUN: whittle-opt %s --convert-qnn-to-linalg --whittle-vectorize-contractions="int8-kernel=vnni" | FileCheck %s
// RUN: whittle-opt %s --convert-qnn-to-linalg --whittle-vectorize-contractions="int8-kernel=vpmaddwd" | FileCheck %s

// Byte convolutions whose output has a row or a column of one (the 1x1
// convolutions of a squeeze-and-excitation block, a 1xW strip) become
// matrix products like any other: the convolution decomposition of the
// depthwise path used to replace them by 1-D convolutions while they waited
// for the dot-product kernel, and the pass crashed on the stale op (PicoDet's
// int8 model).

// CHECK-LABEL: func.func @squeeze
// CHECK-NOT:     linalg.conv_1d
// CHECK-NOT:     linalg.conv_2d
// CHECK:         return
func.func @squeeze(%x: tensor<1x256x1x1xi8>, %w: tensor<64x256x1x1xi8>, %b: tensor<64xi32>) -> tensor<1x64x1x1xi32> {
  %y = qnn.conv %x, %w, %b {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>} : (tensor<1x256x1x1xi8>, tensor<64x256x1x1xi8>, tensor<64xi32>) -> tensor<1x64x1x1xi32>
  return %y : tensor<1x64x1x1xi32>
}

// CHECK-LABEL: func.func @strip
// CHECK-NOT:     linalg.conv_1d
// CHECK-NOT:     linalg.conv_2d
// CHECK:         return
func.func @strip(%x: tensor<1x64x1x17xi8>, %w: tensor<32x64x1x1xi8>, %b: tensor<32xi32>) -> tensor<1x32x1x17xi32> {
  %y = qnn.conv %x, %w, %b {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>} : (tensor<1x64x1x17xi8>, tensor<32x64x1x1xi8>, tensor<32xi32>) -> tensor<1x32x1x17xi32>
  return %y : tensor<1x32x1x17xi32>
}
