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
