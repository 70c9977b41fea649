// RUN: whittle-opt %s --pass-pipeline='builtin.module(func.func(whittle-hoist-vector-transfers))' | FileCheck %s

// The accumulator is read before the reduction loop and written after it.
// CHECK-LABEL: func @accumulate
// CHECK: %[[ACC:.+]] = vector.transfer_read %arg2
// CHECK: %[[SUM:.+]] = scf.for {{.+}} iter_args(%[[ITER:.+]] = %[[ACC]])
// CHECK-NOT: vector.transfer_write
// CHECK: vector.contract {{.+}}, %[[ITER]]
// CHECK: }
// CHECK: vector.transfer_write %[[SUM]], %arg2
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>
func.func @accumulate(%a: memref<4x64xf32>, %b: memref<64x16xf32>, %c: memref<4x16xf32>) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %pad = arith.constant 0.0 : f32
  scf.for %k = %c0 to %c64 step %c8 {
    %lhs = vector.transfer_read %a[%c0, %k], %pad {in_bounds = [true, true]} : memref<4x64xf32>, vector<4x8xf32>
    %rhs = vector.transfer_read %b[%k, %c0], %pad {in_bounds = [true, true]} : memref<64x16xf32>, vector<8x16xf32>
    %acc = vector.transfer_read %c[%c0, %c0], %pad {in_bounds = [true, true]} : memref<4x16xf32>, vector<4x16xf32>
    %sum = vector.contract {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %lhs, %rhs, %acc : vector<4x8xf32>, vector<8x16xf32> into vector<4x16xf32>
    vector.transfer_write %sum, %c[%c0, %c0] {in_bounds = [true, true]} : vector<4x16xf32>, memref<4x16xf32>
  }
  return
}
