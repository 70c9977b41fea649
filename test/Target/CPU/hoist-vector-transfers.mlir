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

// Through a view (one image's slice of the batch's output, as a convolution
// run image by image writes it): upstream leaves it, the pass hoists it
// because the loop's other accesses read buffers that cannot be the
// output's: a fresh allocation and a `noalias` argument.
// CHECK-LABEL: func @accumulate_view
// CHECK: %[[SLICE:.+]] = memref.subview %arg2
// CHECK: %[[ACC:.+]] = vector.transfer_read %[[SLICE]]
// CHECK: %[[SUM:.+]] = scf.for {{.+}} iter_args(%[[ITER:.+]] = %[[ACC]])
// CHECK-NOT: vector.transfer_write
// CHECK: vector.contract {{.+}}, %[[ITER]]
// CHECK: }
// CHECK: vector.transfer_write %[[SUM]], %[[SLICE]]
func.func @accumulate_view(%a: memref<4x64xf32> {llvm.noalias}, %n: index, %c: memref<2x4x16xf32> {llvm.noalias}) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %pad = arith.constant 0.0 : f32
  %b = memref.alloc() : memref<64x16xf32>
  %slice = memref.subview %c[%n, 0, 0] [1, 4, 16] [1, 1, 1] : memref<2x4x16xf32> to memref<4x16xf32, strided<[16, 1], offset: ?>>
  scf.for %k = %c0 to %c64 step %c8 {
    %lhs = vector.transfer_read %a[%c0, %k], %pad {in_bounds = [true, true]} : memref<4x64xf32>, vector<4x8xf32>
    %rhs = vector.transfer_read %b[%k, %c0], %pad {in_bounds = [true, true]} : memref<64x16xf32>, vector<8x16xf32>
    %acc = vector.transfer_read %slice[%c0, %c0], %pad {in_bounds = [true, true]} : memref<4x16xf32, strided<[16, 1], offset: ?>>, vector<4x16xf32>
    %sum = vector.contract {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %lhs, %rhs, %acc : vector<4x8xf32>, vector<8x16xf32> into vector<4x16xf32>
    vector.transfer_write %sum, %slice[%c0, %c0] {in_bounds = [true, true]} : vector<4x16xf32>, memref<4x16xf32, strided<[16, 1], offset: ?>>
  }
  memref.dealloc %b : memref<64x16xf32>
  return
}

// Left in the loop: the left-hand operand is an argument that may be the
// output's buffer (neither is `noalias`), and another loop writes a view
// of the output's own buffer.
// CHECK-LABEL: func @view_may_alias
// CHECK: scf.for
// CHECK: vector.transfer_read %{{.+}} : memref<4x16xf32, strided<[16, 1], offset: ?>>, vector<4x16xf32>
// CHECK: vector.transfer_write
// CHECK: }
// CHECK: scf.for
// CHECK: vector.transfer_read %{{.+}} : memref<4x16xf32, strided<[16, 1], offset: ?>>, vector<4x16xf32>
// CHECK: vector.transfer_write
// CHECK: vector.transfer_write
// CHECK: }
func.func @view_may_alias(%a: memref<4x64xf32>, %n: index, %c: memref<2x4x16xf32>, %d: memref<2x4x16xf32> {llvm.noalias}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %pad = arith.constant 0.0 : f32
  %b = memref.alloc() : memref<64x16xf32>
  %slice = memref.subview %c[%n, 0, 0] [1, 4, 16] [1, 1, 1] : memref<2x4x16xf32> to memref<4x16xf32, strided<[16, 1], offset: ?>>
  scf.for %k = %c0 to %c64 step %c8 {
    %lhs = vector.transfer_read %a[%c0, %k], %pad {in_bounds = [true, true]} : memref<4x64xf32>, vector<4x8xf32>
    %rhs = vector.transfer_read %b[%k, %c0], %pad {in_bounds = [true, true]} : memref<64x16xf32>, vector<8x16xf32>
    %acc = vector.transfer_read %slice[%c0, %c0], %pad {in_bounds = [true, true]} : memref<4x16xf32, strided<[16, 1], offset: ?>>, vector<4x16xf32>
    %sum = vector.contract {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %lhs, %rhs, %acc : vector<4x8xf32>, vector<8x16xf32> into vector<4x16xf32>
    vector.transfer_write %sum, %slice[%c0, %c0] {in_bounds = [true, true]} : vector<4x16xf32>, memref<4x16xf32, strided<[16, 1], offset: ?>>
  }
  %dslice = memref.subview %d[%n, 0, 0] [1, 4, 16] [1, 1, 1] : memref<2x4x16xf32> to memref<4x16xf32, strided<[16, 1], offset: ?>>
  %other = memref.subview %d[%c1, 0, 0] [1, 4, 16] [1, 1, 1] : memref<2x4x16xf32> to memref<4x16xf32, strided<[16, 1], offset: ?>>
  scf.for %k = %c0 to %c64 step %c8 {
    %rhs = vector.transfer_read %b[%k, %c0], %pad {in_bounds = [true, true]} : memref<64x16xf32>, vector<8x16xf32>
    %lhs = vector.transfer_read %b[%k, %c0], %pad {in_bounds = [true, true]} : memref<64x16xf32>, vector<4x8xf32>
    %acc = vector.transfer_read %dslice[%c0, %c0], %pad {in_bounds = [true, true]} : memref<4x16xf32, strided<[16, 1], offset: ?>>, vector<4x16xf32>
    %sum = vector.contract {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %lhs, %rhs, %acc : vector<4x8xf32>, vector<8x16xf32> into vector<4x16xf32>
    vector.transfer_write %sum, %dslice[%c0, %c0] {in_bounds = [true, true]} : vector<4x16xf32>, memref<4x16xf32, strided<[16, 1], offset: ?>>
    vector.transfer_write %sum, %other[%c0, %c0] {in_bounds = [true, true]} : vector<4x16xf32>, memref<4x16xf32, strided<[16, 1], offset: ?>>
  }
  memref.dealloc %b : memref<64x16xf32>
  return
}
