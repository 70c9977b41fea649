// RUN: whittle-opt %s --pass-pipeline='builtin.module(func.func(whittle-distinct-result-buffers))' | FileCheck %s

// The second return of %0 gets its own buffer with a copy; the first stays.
// CHECK-LABEL: func @twice
// CHECK: %[[V:.*]] = memref.alloc() : memref<4xf32>
// CHECK: %[[COPY:.*]] = memref.alloc() : memref<4xf32>
// CHECK: memref.copy %[[V]], %[[COPY]] : memref<4xf32> to memref<4xf32>
// CHECK: return %[[V]], %[[COPY]], %arg0 :
func.func @twice(%arg0: memref<4xf32>) -> (memref<4xf32>, memref<4xf32>, memref<4xf32>) {
  %0 = memref.alloc() : memref<4xf32>
  memref.copy %arg0, %0 : memref<4xf32> to memref<4xf32>
  return %0, %0, %arg0 : memref<4xf32>, memref<4xf32>, memref<4xf32>
}

// Dynamic sizes are read from the buffer; returning it three times makes
// two copies.
// CHECK-LABEL: func @dynamic
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[D:.*]] = memref.dim %arg0, %[[C0]] : memref<?x3xf32>
// CHECK: %[[A:.*]] = memref.alloc(%[[D]]) : memref<?x3xf32>
// CHECK: memref.copy %arg0, %[[A]]
// CHECK: %[[B:.*]] = memref.alloc(%{{.*}}) : memref<?x3xf32>
// CHECK: memref.copy %arg0, %[[B]]
// CHECK: return %arg0, %[[A]], %[[B]] :
func.func @dynamic(%arg0: memref<?x3xf32>) -> (memref<?x3xf32>, memref<?x3xf32>, memref<?x3xf32>) {
  return %arg0, %arg0, %arg0 : memref<?x3xf32>, memref<?x3xf32>, memref<?x3xf32>
}

// Scalars and tensors are not buffers: nothing to do.
// CHECK-LABEL: func @not_buffers
// CHECK-NOT: memref.alloc
// CHECK: return %arg0, %arg0, %arg1, %arg1 : f32, f32, tensor<2xf32>, tensor<2xf32>
func.func @not_buffers(%arg0: f32, %arg1: tensor<2xf32>) -> (f32, f32, tensor<2xf32>, tensor<2xf32>) {
  return %arg0, %arg0, %arg1, %arg1 : f32, f32, tensor<2xf32>, tensor<2xf32>
}
