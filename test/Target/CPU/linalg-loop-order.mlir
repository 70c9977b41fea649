// RUN: whittle-opt %s --pass-pipeline='builtin.module(func.func(whittle-linalg-loop-order))' | FileCheck %s
// RUN: whittle-opt %s --pass-pipeline='builtin.module(func.func(whittle-linalg-loop-order{min-inner-size=64}))' | FileCheck %s --check-prefix=SHORT

// C[i, j] += A[i, k] * B[k, j] runs as i, k, j: j indexes C's innermost
// dimension and becomes the innermost loop.
// CHECK-DAG: #[[A:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[B:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[C:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func @matmul
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "reduction", "parallel"]}
// An inner extent below min-inner-size keeps the named op's order.
// SHORT-LABEL: func @matmul
// SHORT: linalg.generic
// SHORT-SAME: iterator_types = ["parallel", "parallel", "reduction"]
func.func @matmul(%a: tensor<4x8xi32>, %b: tensor<8x16xi32>, %c: tensor<4x16xi32>) -> tensor<4x16xi32> {
  %0 = linalg.matmul ins(%a, %b : tensor<4x8xi32>, tensor<8x16xi32>) outs(%c : tensor<4x16xi32>) -> tensor<4x16xi32>
  return %0 : tensor<4x16xi32>
}

// Elementwise ops have no reduction and are left alone.
// CHECK-LABEL: func @elementwise
// CHECK: linalg.add
func.func @elementwise(%a: tensor<4x16xf32>, %b: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %0 = linalg.add ins(%a, %b : tensor<4x16xf32>, tensor<4x16xf32>) outs(%a : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// Elementwise ops: consecutive loops that every operand walks contiguously
// become one loop. A ReLU6 over channel strips [1, 56, 56, 9, 16] is one
// loop of 451,584 iterations.
// CHECK-LABEL: func @collapse_identity
// CHECK: tensor.collapse_shape %{{.+}} {{\[}}[0, 1, 2, 3, 4]] : tensor<1x56x56x9x16xf32> into tensor<451584xf32>
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel"]
// CHECK-SAME: ins(%{{.+}} : tensor<451584xf32>)
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0, 1, 2, 3, 4]] output_shape [1, 56, 56, 9, 16] : tensor<451584xf32> into tensor<1x56x56x9x16xf32>
func.func @collapse_identity(%x: tensor<1x56x56x9x16xf32>) -> tensor<1x56x56x9x16xf32> {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %init = tensor.empty() : tensor<1x56x56x9x16xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x56x56x9x16xf32>) outs(%init : tensor<1x56x56x9x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %1 = arith.maximumf %in, %zero : f32
    %2 = arith.minimumf %1, %six : f32
    linalg.yield %2 : f32
  } -> tensor<1x56x56x9x16xf32>
  return %0 : tensor<1x56x56x9x16xf32>
}

// A bias broadcast along the channels [n, c, h, w]: h and w collapse, c
// stays (the bias walks it alone), and so does n.
// CHECK-LABEL: func @collapse_broadcast
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%{{.+}} : tensor<8xf32>) outs(%{{.+}} : tensor<2x8x12xf32>)
func.func @collapse_broadcast(%b: tensor<8xf32>) -> tensor<2x8x3x4xf32> {
  %init = tensor.empty() : tensor<2x8x3x4xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%b : tensor<8xf32>) outs(%init : tensor<2x8x3x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<2x8x3x4xf32>
  return %0 : tensor<2x8x3x4xf32>
}

// Left alone: a transpose (no two consecutive loops contiguous in both
// operands) and an im2col gather (not a projected permutation).
// CHECK-LABEL: func @not_collapsed
// CHECK-NOT: tensor.collapse_shape
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.+}} : tensor<4x6xf32>) outs(%{{.+}} : tensor<6x4xf32>)
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.+}} : tensor<1x2x6x6xf32>) outs(%{{.+}} : tensor<1x2x3x3x4x4xf32>)
func.func @not_collapsed(%x: tensor<4x6xf32>, %y: tensor<1x2x6x6xf32>) -> (tensor<6x4xf32>, tensor<1x2x3x3x4x4xf32>) {
  %init = tensor.empty() : tensor<6x4xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x6xf32>) outs(%init : tensor<6x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<6x4xf32>
  %cols = tensor.empty() : tensor<1x2x3x3x4x4xf32>
  %1 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%y : tensor<1x2x6x6xf32>) outs(%cols : tensor<1x2x3x3x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x2x3x3x4x4xf32>
  return %0, %1 : tensor<6x4xf32>, tensor<1x2x3x3x4x4xf32>
}
