// RUN: whittle-opt %s --split-input-file --whittle-outline-layers | FileCheck %s

// Each top-level loop nest becomes a private no_inline function; the two
// nests that compute the same thing on their arguments become one function
// called twice. Constants are recomputed in the callee; the weights'
// address (memref.get_global) is an argument.

memref.global "private" constant @w0 : memref<4xf32> = dense<1.0>
memref.global "private" constant @w1 : memref<4xf32> = dense<2.0>

// The weights cannot be the model's input or output: `noalias`; the input
// and output may be one buffer (the caller's).
// CHECK:       func.func private @[[ADD:model_layer[_0-9]*]](%{{.*}}: memref<4xf32>, %{{.*}}: memref<4xf32> {llvm.noalias}, %{{.*}}: memref<4xf32>) attributes {no_inline, passthrough = ["noinline"]}
// CHECK:         scf.for
// CHECK:       func.func private @[[SCALE:model_layer[_0-9]*]](%{{.*}}: memref<4xf32> {llvm.noalias}) attributes {no_inline, passthrough = ["noinline"]}
// CHECK-DAG:     arith.constant 4 : index
// CHECK-DAG:     arith.constant 3.0
// CHECK:         scf.for
// CHECK-NOT:   func.func private
// CHECK-LABEL: func.func @model(
// CHECK-SAME:      %[[X:.*]]: memref<4xf32>, %[[Y:.*]]: memref<4xf32>, %[[Z:.*]]: memref<4xf32>)
// CHECK-DAG:     %[[W0:.*]] = memref.get_global @w0
// CHECK-DAG:     %[[W1:.*]] = memref.get_global @w1
// CHECK:         call @[[ADD]](%[[X]], %[[W0]], %[[Y]])
// CHECK-NEXT:    call @[[ADD]](%[[Y]], %[[W1]], %[[Z]])
// CHECK-NEXT:    call @[[SCALE]](%[[Z]])
// CHECK-NEXT:    return
func.func @model(%x: memref<4xf32>, %y: memref<4xf32>, %z: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %three = arith.constant 3.0 : f32
  %w0 = memref.get_global @w0 : memref<4xf32>
  %w1 = memref.get_global @w1 : memref<4xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    %a = memref.load %x[%i] : memref<4xf32>
    %b = memref.load %w0[%i] : memref<4xf32>
    %s = arith.addf %a, %b : f32
    memref.store %s, %y[%i] : memref<4xf32>
  }
  scf.for %i = %c0 to %c4 step %c1 {
    %a = memref.load %y[%i] : memref<4xf32>
    %b = memref.load %w1[%i] : memref<4xf32>
    %s = arith.addf %a, %b : f32
    memref.store %s, %z[%i] : memref<4xf32>
  }
  scf.for %i = %c0 to %c4 step %c1 {
    %a = memref.load %z[%i] : memref<4xf32>
    %s = arith.mulf %a, %three : f32
    memref.store %s, %z[%i] : memref<4xf32>
  }
  return
}

// -----

// A nest that uses a buffer with a dynamic offset stays where it is: the
// bare-pointer calling convention could not pass it. A subview with a
// static offset is passed.

// CHECK:       func.func private @strided_layer(%{{.*}}: memref<2xf32, strided<[1], offset: 2>> {llvm.noalias})
// CHECK-LABEL: func.func @strided(
// CHECK:         call @strided_layer
// CHECK-NOT:     call
// CHECK:         scf.for
// CHECK:           memref.store {{.*}} : memref<2xf32, strided<[1], offset: ?>>
func.func @strided(%x: memref<4xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %zero = arith.constant 0.0 : f32
  %fixed = memref.subview %x[2] [2] [1] : memref<4xf32> to memref<2xf32, strided<[1], offset: 2>>
  %moving = memref.subview %x[%n] [2] [1] : memref<4xf32> to memref<2xf32, strided<[1], offset: ?>>
  scf.for %i = %c0 to %c2 step %c1 {
    memref.store %zero, %fixed[%i] : memref<2xf32, strided<[1], offset: 2>>
  }
  scf.for %i = %c0 to %c2 step %c1 {
    memref.store %zero, %moving[%i] : memref<2xf32, strided<[1], offset: ?>>
  }
  return
}

// -----

// Views of one allocation may overlap: neither is `noalias`; a buffer of
// its own is.

// CHECK:       func.func private @views_layer(%{{.*}}: memref<2xf32, strided<[1], offset: 1>>, %{{.*}}: memref<2xf32> {llvm.noalias}, %{{.*}}: memref<2xf32, strided<[1], offset: 2>>)
// An argument of the model and an allocation: both.
// CHECK:       func.func private @views_layer_0(%{{.*}}: memref<2xf32> {llvm.noalias}, %{{.*}}: memref<2xf32> {llvm.noalias})
// CHECK-LABEL: func.func @views(
func.func @views(%x: memref<2xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %buffer = memref.alloc() : memref<4xf32>
  %other = memref.alloc() : memref<2xf32>
  %a = memref.subview %buffer[1] [2] [1] : memref<4xf32> to memref<2xf32, strided<[1], offset: 1>>
  %b = memref.subview %buffer[2] [2] [1] : memref<4xf32> to memref<2xf32, strided<[1], offset: 2>>
  scf.for %i = %c0 to %c2 step %c1 {
    %v = memref.load %a[%i] : memref<2xf32, strided<[1], offset: 1>>
    %w = memref.load %other[%i] : memref<2xf32>
    %s = arith.addf %v, %w : f32
    memref.store %s, %b[%i] : memref<2xf32, strided<[1], offset: 2>>
  }
  scf.for %i = %c0 to %c2 step %c1 {
    %v = memref.load %x[%i] : memref<2xf32>
    memref.store %v, %other[%i] : memref<2xf32>
  }
  memref.dealloc %buffer : memref<4xf32>
  memref.dealloc %other : memref<2xf32>
  return
}

// -----

// A function with fewer than min-nests (2) loop nests is left as it is.

// CHECK-NOT:   func.func private
// CHECK-LABEL: func.func @single(
// CHECK-NEXT:    arith.constant
// CHECK:         scf.for
func.func @single(%x: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c4 step %c1 {
    memref.store %zero, %x[%i] : memref<4xf32>
  }
  return
}
