// RUN: whittle-opt %s --split-input-file --whittle-outline-iterations | FileCheck %s

// The body of a parallel loop becomes a function of the buffers it uses
// and the iteration's variable; buffers that are `noalias` arguments of the
// layer stay `noalias` (the OpenMP lowering would pass them through a
// struct, where LLVM cannot see it). Two loops with the same body share
// one function.
// CHECK:       func.func private @[[BODY:layer_iteration[_0-9]*]](%{{.*}}: memref<16x32xf32> {llvm.noalias}, %{{.*}}: index, %{{.*}}: memref<16x32xf32> {llvm.noalias}) attributes {no_inline, passthrough = ["noinline"]}
// CHECK:         scf.execute_region
// CHECK:           scf.for
// CHECK:             memref.load
// CHECK:             memref.store
// CHECK-NOT:   func.func private
// CHECK-LABEL: func.func private @layer(
// CHECK:         scf.parallel (%[[I:.*]]) =
// CHECK-NEXT:      func.call @[[BODY]](%arg0, %[[I]], %arg1)
// CHECK-NEXT:      scf.reduce
// CHECK:         scf.parallel (%[[J:.*]]) =
// CHECK-NEXT:      func.call @[[BODY]](%arg1, %[[J]], %arg0)
func.func private @layer(%in: memref<16x32xf32> {llvm.noalias}, %out: memref<16x32xf32> {llvm.noalias}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  scf.parallel (%i) = (%c0) to (%c16) step (%c1) {
    scf.for %j = %c0 to %c32 step %c1 {
      %x = memref.load %in[%i, %j] : memref<16x32xf32>
      memref.store %x, %out[%i, %j] : memref<16x32xf32>
    }
  }
  scf.parallel (%i) = (%c0) to (%c16) step (%c1) {
    scf.for %j = %c0 to %c32 step %c1 {
      %x = memref.load %out[%i, %j] : memref<16x32xf32>
      memref.store %x, %in[%i, %j] : memref<16x32xf32>
    }
  }
  return
}

// -----

// Arguments the caller may pass twice stay without `noalias`.
// CHECK:       func.func private @model_iteration(%{{.*}}: memref<16xf32>, %{{.*}}: index, %{{.*}}: memref<16xf32>)
// CHECK-LABEL: func.func @model(
func.func @model(%in: memref<16xf32>, %out: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  scf.parallel (%i) = (%c0) to (%c16) step (%c1) {
    %x = memref.load %in[%i] : memref<16xf32>
    memref.store %x, %out[%i] : memref<16xf32>
  }
  return
}
