// RUN: whittle-opt %s --whittle-fold-constant-transposes --split-input-file | FileCheck %s

// A matrix transpose of a dense constant becomes the transposed constant.
// CHECK-LABEL: func.func @dense_matrix
// CHECK-NOT: linalg.transpose
// CHECK: %[[W:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK: return %[[W]]
func.func @dense_matrix() -> tensor<3x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %init = tensor.empty() : tensor<3x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x3xf32>) outs(%init : tensor<3x2xf32>) permutation = [1, 0]
  return %t : tensor<3x2xf32>
}

// -----

// A splat stays a splat of the new shape.
// CHECK-LABEL: func.func @splat
// CHECK: %[[W:.*]] = arith.constant dense<2.500000e+00> : tensor<5x3xf32>
// CHECK: return %[[W]]
func.func @splat() -> tensor<5x3xf32> {
  %w = arith.constant dense<2.5> : tensor<3x5xf32>
  %init = tensor.empty() : tensor<5x3xf32>
  %t = linalg.transpose ins(%w : tensor<3x5xf32>) outs(%init : tensor<5x3xf32>) permutation = [1, 0]
  return %t : tensor<5x3xf32>
}

// -----

// Transposes of values computed at run time stay.
// CHECK-LABEL: func.func @argument
// CHECK: linalg.transpose
func.func @argument(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %init = tensor.empty() : tensor<3x2xf32>
  %t = linalg.transpose ins(%x : tensor<2x3xf32>) outs(%init : tensor<3x2xf32>) permutation = [1, 0]
  return %t : tensor<3x2xf32>
}

// -----

// A generic that computes, or that broadcasts, is not a transpose.
#perm = affine_map<(d0, d1) -> (d1, d0)>
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @not_a_transpose
// CHECK: linalg.generic
// CHECK: arith.negf
// CHECK: linalg.generic
// CHECK-NOT: arith.constant dense<{{\[}}[1.0
func.func @not_a_transpose() -> (tensor<3x2xf32>, tensor<2x3xf32>) {
  %w = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %v = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %init = tensor.empty() : tensor<3x2xf32>
  %neg = linalg.generic {indexing_maps = [#perm, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<2x3xf32>) outs(%init : tensor<3x2xf32>) {
  ^bb0(%x: f32, %y: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<3x2xf32>
  %init2 = tensor.empty() : tensor<2x3xf32>
  %rows = linalg.generic {indexing_maps = [#row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%v : tensor<3xf32>) outs(%init2 : tensor<2x3xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  } -> tensor<2x3xf32>
  return %neg, %rows : tensor<3x2xf32>, tensor<2x3xf32>
}

// -----

// A generic that only permutes a collapsed resource constant (a depthwise
// filter going channels-last): the bytes of element [c, h, w] move to
// [h, w, c].
#in = affine_map<(d0, d1, d2) -> (d2, d0, d1)>
#out = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @resource_generic
// CHECK-NOT: linalg.generic
// CHECK: %[[W:.*]] = arith.constant dense_resource<transposed> : tensor<4x4x16xi8>
// CHECK: return %[[W]]
// CHECK: transposed: "0x0100000000102030405060708090A0B0C0D0E0F001112131415161718191A1B1C1D1E1F102122232425262728292A2B2C2D2E2F203132333435363738393A3B3C3D3E3F304142434445464748494A4B4C4D4E4F405152535455565758595A5B5C5D5E5F506162636465666768696A6B6C6D6E6F607172737475767778797A7B7C7D7E7F708182838485868788898A8B8C8D8E8F809192939495969798999A9B9C9D9E9F90A1A2A3A4A5A6A7A8A9AAABACADAEAFA0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFB0C1C2C3C4C5C6C7C8C9CACBCCCDCECFC0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFD0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFE0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFFF"
func.func @resource_generic() -> tensor<4x4x16xi8> {
  %w = arith.constant dense_resource<weights> : tensor<16x1x4x4xi8>
  %c = tensor.collapse_shape %w [[0, 1], [2], [3]] : tensor<16x1x4x4xi8> into tensor<16x4x4xi8>
  %init = tensor.empty() : tensor<4x4x16xi8>
  %t = linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%c : tensor<16x4x4xi8>) outs(%init : tensor<4x4x16xi8>) {
  ^bb0(%x: i8, %y: i8):
    linalg.yield %x : i8
  } -> tensor<4x4x16xi8>
  return %t : tensor<4x4x16xi8>
}

{-#
  dialect_resources: {
    builtin: {
      weights: "0x01000000000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF"
    }
  }
#-}
