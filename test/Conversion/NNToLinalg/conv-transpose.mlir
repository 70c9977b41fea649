// RUN: whittle-opt %s --convert-nn-to-linalg -split-input-file | FileCheck %s

// Stride 2, kernel 3: X (3 wide) is spread with step 2 (5 wide) into a zero
// tensor padded by k - 1 = 2 on each side (9 wide), then convolved with the
// flipped kernel, channels swapped.
// CHECK-LABEL: func.func @conv_transpose
// CHECK: %[[ZEROS:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x3x9x9xf32>)
// CHECK: %[[SPREAD:.*]] = tensor.insert_slice %arg0 into %[[ZEROS]][0, 0, 2, 2] [1, 3, 3, 3] [1, 1, 2, 2] : tensor<1x3x3x3xf32> into tensor<1x3x9x9xf32>
// CHECK: tensor.expand_shape %arg1
// CHECK: %[[FLIP:.*]] = linalg.generic
// CHECK-SAME: ins(%{{.*}} : tensor<1x3x2x3x3xf32>) outs(%{{.*}} : tensor<1x2x3x3x3xf32>)
// CHECK: %[[FILTER:.*]] = tensor.collapse_shape %[[FLIP]]
// CHECK-SAME: into tensor<2x3x3x3xf32>
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK-SAME: ins(%[[SPREAD]], %[[FILTER]] : tensor<1x3x9x9xf32>, tensor<2x3x3x3xf32>)
// CHECK-SAME: -> tensor<1x2x7x7xf32>
func.func @conv_transpose(%x: tensor<1x3x3x3xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x2x7x7xf32> {
  %none = nn.none
  %0 = nn.conv_transpose %x, %w, %none {strides = array<i64: 2, 2>} : (tensor<1x3x3x3xf32>, tensor<3x2x3x3xf32>, none) -> tensor<1x2x7x7xf32>
  return %0 : tensor<1x2x7x7xf32>
}

// -----

// Pads beyond the kernel's reach crop the spread input; the bias
// initializes the accumulator; groups use the generic convolution.
// CHECK-LABEL: func.func @conv_transpose_grouped_cropped
// CHECK: tensor.insert_slice %arg0 into %{{.*}}[0, 0, 0] [1, 4, 5] [1, 1, 1] : tensor<1x4x5xf32> into tensor<1x4x5xf32>
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 1] [1, 4, 3] [1, 1, 1] : tensor<1x4x5xf32> to tensor<1x4x3xf32>
// CHECK: tensor.expand_shape %arg2
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK: return %{{.*}} : tensor<1x4x3xf32>
func.func @conv_transpose_grouped_cropped(%x: tensor<1x4x5xf32>, %w: tensor<4x2x1xf32>, %b: tensor<4xf32>) -> tensor<1x4x3xf32> {
  %0 = nn.conv_transpose %x, %w, %b {group = 2 : i64, pads = array<i64: 1, 1>} : (tensor<1x4x5xf32>, tensor<4x2x1xf32>, tensor<4xf32>) -> tensor<1x4x3xf32>
  return %0 : tensor<1x4x3xf32>
}

// -----

// Stride = kernel (2x3), no pads: the windows tile the output, so the op is
// a 1x1 convolution with C_out * 2 * 3 = 12 filters (the weights
// transposed to [m, i, j, c]) and a depth-to-space copy that adds the bias:
// out[n, m, 2y + i, 3x + j] = Y[n, (m, i, j), y, x] + b[m]. No zeros.
// CHECK-LABEL: func.func @conv_transpose_pixel_shuffle
// CHECK-NOT: tensor.insert_slice
// CHECK: %[[T:.*]] = linalg.transpose ins(%arg1 : tensor<3x2x2x3xf32>) outs(%{{.*}} : tensor<2x2x3x3xf32>) permutation = [1, 2, 3, 0]
// CHECK: %[[F:.*]] = tensor.collapse_shape %[[T]]
// CHECK-SAME: {{\[}}[0, 1, 2], [3]] : tensor<2x2x3x3xf32> into tensor<12x3xf32>
// CHECK: %[[F4:.*]] = tensor.expand_shape %[[F]]
// CHECK-SAME: into tensor<12x3x1x1xf32>
// CHECK: %[[Y:.*]] = linalg.conv_2d_nchw_fchw
// CHECK-SAME: ins(%arg0, %[[F4]] : tensor<2x3x4x5xf32>, tensor<12x3x1x1xf32>)
// CHECK: %[[TAPS:.*]] = tensor.expand_shape %[[Y]]
// CHECK-SAME: into tensor<2x2x2x3x4x5xf32>
// CHECK: %[[OUT:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[SHUFFLE:.*]], #[[BIAS:.*]], #[[ID:.*]]]
// CHECK-SAME: ins(%[[TAPS]], %arg2 : tensor<2x2x2x3x4x5xf32>, tensor<2xf32>) outs(%{{.*}} : tensor<2x2x4x2x5x3xf32>)
// CHECK: arith.addf
// CHECK: tensor.collapse_shape %[[OUT]] {{\[}}[0], [1], [2, 3], [4, 5]] : tensor<2x2x4x2x5x3xf32> into tensor<2x2x8x15xf32>
func.func @conv_transpose_pixel_shuffle(%x: tensor<2x3x4x5xf32>, %w: tensor<3x2x2x3xf32>, %b: tensor<2xf32>) -> tensor<2x2x8x15xf32> {
  %0 = nn.conv_transpose %x, %w, %b {strides = array<i64: 2, 3>} : (tensor<2x3x4x5xf32>, tensor<3x2x2x3xf32>, tensor<2xf32>) -> tensor<2x2x8x15xf32>
  return %0 : tensor<2x2x8x15xf32>
}
