// RUN: whittle-opt %s --pass-pipeline='builtin.module(func.func(whittle-lower-strided-copies))' | FileCheck %s

// CHECK-LABEL: func @copies
// A contiguous copy stays a memref.copy (a memcpy in LLVM)...
// CHECK: memref.copy %arg0, %arg1 : memref<4x8xf32> to memref<4x8xf32>
// ... and so does one between contiguous static views.
// CHECK: memref.copy %{{.+}}, %{{.+}} : memref<2x8xf32, strided<[8, 1], offset: 16>> to memref<2x8xf32>
// A strided copy becomes loops.
// CHECK: linalg.copy ins(%{{.+}} : memref<4x4xf32, strided<[8, 1], offset: 2>>) outs(%{{.+}} : memref<4x4xf32>)
// CHECK-NOT: memref.copy
func.func @copies(%a: memref<4x8xf32>, %b: memref<4x8xf32>, %c: memref<2x8xf32>, %d: memref<4x4xf32>) {
  memref.copy %a, %b : memref<4x8xf32> to memref<4x8xf32>
  %rows = memref.subview %a[2, 0] [2, 8] [1, 1] : memref<4x8xf32> to memref<2x8xf32, strided<[8, 1], offset: 16>>
  memref.copy %rows, %c : memref<2x8xf32, strided<[8, 1], offset: 16>> to memref<2x8xf32>
  %block = memref.subview %a[0, 2] [4, 4] [1, 1] : memref<4x8xf32> to memref<4x4xf32, strided<[8, 1], offset: 2>>
  memref.copy %block, %d : memref<4x4xf32, strided<[8, 1], offset: 2>> to memref<4x4xf32>
  return
}
