// RUN: whittle-opt %s --split-input-file --whittle-outline-iterations | FileCheck %s

// A parallel loop becomes a function running a chunk [lo, hi) of its
// iterations, with the buffers it uses as arguments; buffers that are
// `noalias` arguments of the layer stay `noalias` (the OpenMP lowering
// would pass them through a struct, where LLVM cannot see it). With more
// than one thread, each of min(threads, 16) chunks is an iteration of the
// parallel loop; with one, a single call runs all 16 iterations. Two loops
// with the same body share one function.
// CHECK:       func.func private @omp_get_max_threads() -> i32
// CHECK:       func.func private @[[BODY:layer_chunk[_0-9]*]](%[[LO:.*]]: index, %[[HI:.*]]: index, %{{.*}}: memref<16x32xf32> {llvm.noalias}, %{{.*}}: memref<16x32xf32> {llvm.noalias}) attributes {no_inline, passthrough = ["noinline"]}
// CHECK:         scf.for %{{.*}} = %[[LO]] to %[[HI]] step
// CHECK:           scf.for
// CHECK:             memref.load
// CHECK:             memref.store
// CHECK-NOT:   func.func private
// CHECK-LABEL: func.func private @layer(
// CHECK:         %[[THREADS:.*]] = call @omp_get_max_threads()
// CHECK:         %[[MANY:.*]] = arith.cmpi sgt, %[[THREADS]], %{{.*}} : i32
// CHECK:         scf.if %[[MANY]] {
// CHECK:           %[[COUNT:.*]] = arith.index_cast %[[THREADS]] : i32 to index
// CHECK:           %[[CHUNKS:.*]] = arith.minsi %[[COUNT]], %{{.*}} : index
// CHECK:           scf.parallel (%[[T:.*]]) = (%{{.*}}) to (%[[CHUNKS]]) step
// CHECK:             arith.muli %[[T]],
// CHECK:             func.call @[[BODY]](%{{.*}}, %{{.*}}, %arg0, %arg1)
// CHECK:         } else {
// CHECK:           func.call @[[BODY]](%{{.*}}, %{{.*}}, %arg0, %arg1)
// CHECK:         }
// CHECK:         scf.parallel
// CHECK:             func.call @[[BODY]](%{{.*}}, %{{.*}}, %arg1, %arg0)
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
// CHECK:       func.func private @model_chunk(%{{.*}}: index, %{{.*}}: index, %{{.*}}: memref<16xf32>, %{{.*}}: memref<16xf32>)
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

// -----

// A loop whose bounds are not constants is left alone.
// CHECK-LABEL: func.func @dynamic(
// CHECK-NOT:     call
// CHECK:         scf.parallel
// CHECK-NEXT:      memref.load
func.func @dynamic(%in: memref<?xf32>, %out: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %x = memref.load %in[%i] : memref<?xf32>
    memref.store %x, %out[%i] : memref<?xf32>
  }
  return
}
