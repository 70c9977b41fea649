// RUN: whittle-opt %s --split-input-file --whittle-plan-memory | FileCheck %s
// RUN: whittle-opt %s --split-input-file --whittle-plan-memory=max-persistent-bytes=100 | FileCheck %s --check-prefix=SMALL

// A chain of layers: %a lives for calls 1-2, %b for 2-3, %c for 3-4, so %c
// takes %a's bytes and the entry's workspace is two buffers, not three. It
// is a global taken by an atomic exchange of a flag (or, when another call
// holds it, an allocation of the call's own) and given back at the end.
// CHECK-DAG:   memref.global "private" @__whittle_workspace_main : memref<8192xi8> = uninitialized {alignment = 64 : i64}
// CHECK-DAG:   memref.global "private" @__whittle_workspace_main_taken : memref<1xi32> = dense<0>
// CHECK-LABEL: func.func @main(
// CHECK:         %[[FLAG:.*]] = memref.get_global @__whittle_workspace_main_taken
// CHECK:         %[[OLD:.*]] = memref.atomic_rmw assign %{{.*}}, %[[FLAG]][%{{.*}}]
// CHECK:         %[[TAKEN:.*]] = arith.cmpi eq, %[[OLD]], %{{.*}} : i32
// CHECK:         %[[WS:.*]] = scf.if %[[TAKEN]] -> (memref<8192xi8>) {
// CHECK:           %[[GLOBAL:.*]] = memref.get_global @__whittle_workspace_main : memref<8192xi8>
// CHECK:           scf.yield %[[GLOBAL]]
// CHECK:         } else {
// CHECK:           %[[OWN:.*]] = memref.alloc() {alignment = 64 : i64} : memref<8192xi8>
// CHECK:           scf.yield %[[OWN]]
// CHECK:         }
// CHECK-NOT:     memref.alloc
// CHECK:         %[[OA:.*]] = arith.constant 0 : index
// CHECK-NEXT:    %[[A:.*]] = memref.view %[[WS]][%[[OA]]][] : memref<8192xi8> to memref<1024xf32>
// CHECK-NEXT:    %[[OB:.*]] = arith.constant 4096 : index
// CHECK-NEXT:    %[[B:.*]] = memref.view %[[WS]][%[[OB]]][] : memref<8192xi8> to memref<1024xf32>
// CHECK-NEXT:    %[[OC:.*]] = arith.constant 0 : index
// CHECK-NEXT:    %[[C:.*]] = memref.view %[[WS]][%[[OC]]][] : memref<8192xi8> to memref<1024xf32>
// CHECK:         call @first(%arg0, %[[A]])
// CHECK:         call @second(%[[A]], %[[B]])
// CHECK:         call @second(%[[B]], %[[C]])
// CHECK:         call @first(%[[C]], %arg1)
// CHECK-NOT:     memref.dealloc %[[A]]
// CHECK:         scf.if %[[TAKEN]] {
// CHECK:           memref.atomic_rmw assign %{{.*}}, %[[FLAG]][%{{.*}}]
// CHECK:         } else {
// CHECK:           memref.dealloc %[[WS]] : memref<8192xi8>
// CHECK:         }
// CHECK-NEXT:    return
// With a smaller limit, the entry allocates its workspace on every call.
// SMALL-NOT:     memref.global
// SMALL-LABEL: func.func @main(
// SMALL:         %[[WS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<8192xi8>
// SMALL-COUNT-3: memref.view %[[WS]]
// SMALL:         memref.dealloc %[[WS]] : memref<8192xi8>
// SMALL-NEXT:    return
func.func private @first(memref<1024xf32>, memref<1024xf32>)
func.func private @second(memref<1024xf32>, memref<1024xf32>)
func.func @main(%arg0: memref<1024xf32>, %arg1: memref<1024xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
  %c = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
  call @first(%arg0, %a) : (memref<1024xf32>, memref<1024xf32>) -> ()
  call @second(%a, %b) : (memref<1024xf32>, memref<1024xf32>) -> ()
  call @second(%b, %c) : (memref<1024xf32>, memref<1024xf32>) -> ()
  call @first(%c, %arg1) : (memref<1024xf32>, memref<1024xf32>) -> ()
  memref.dealloc %a : memref<1024xf32>
  memref.dealloc %b : memref<1024xf32>
  memref.dealloc %c : memref<1024xf32>
  return
}

// -----

// A view keeps its buffer alive (%a's collapse is read by the loop, whose
// body counts as one operation), so %b, used with it, cannot share %a's
// bytes; %c, used after both, takes the largest's bytes. Offsets are
// multiples of 64.
// CHECK-LABEL: func.func @layer(
// CHECK:         %[[WS:.*]] = scf.if %{{.*}} -> (memref<140xi8>) {
// CHECK:         arith.constant 32 : index
// CHECK-NEXT:    %[[OA:.*]] = arith.constant 0 : index
// CHECK-NEXT:    memref.view %[[WS]][%[[OA]]][] : memref<140xi8> to memref<4x8xf32>
// CHECK-NEXT:    %[[OB:.*]] = arith.constant 128 : index
// CHECK-NEXT:    memref.view %[[WS]][%[[OB]]][] : memref<140xi8> to memref<3xf32>
// CHECK-NEXT:    %[[OC:.*]] = arith.constant 0 : index
// CHECK-NEXT:    memref.view %[[WS]][%[[OC]]][] : memref<140xi8> to memref<2x4xf32>
// CHECK:         scf.for
// CHECK:         scf.if
// CHECK:         } else {
// CHECK-NEXT:      memref.dealloc %[[WS]] : memref<140xi8>
// CHECK-NEXT:    }
// CHECK-NEXT:    return
// SMALL-LABEL: func.func @layer(
// SMALL:         %[[WS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<140xi8>
// SMALL:         memref.dealloc %[[WS]] : memref<140xi8>
// SMALL-NEXT:    return
func.func private @fill(memref<4x8xf32>)
func.func private @read(memref<3xf32>, memref<2x4xf32>)
func.func @layer(%out: memref<32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %a = memref.alloc() {alignment = 64 : i64} : memref<4x8xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<3xf32>
  %c = memref.alloc() {alignment = 64 : i64} : memref<2x4xf32>
  call @fill(%a) : (memref<4x8xf32>) -> ()
  %flat = memref.collapse_shape %a [[0, 1]] : memref<4x8xf32> into memref<32xf32>
  scf.for %i = %c0 to %c32 step %c1 {
    %v = memref.load %flat[%i] : memref<32xf32>
    memref.store %v, %b[%c0] : memref<3xf32>
    memref.store %v, %out[%i] : memref<32xf32>
  }
  call @read(%b, %c) : (memref<3xf32>, memref<2x4xf32>) -> ()
  memref.dealloc %a : memref<4x8xf32>
  memref.dealloc %b : memref<3xf32>
  memref.dealloc %c : memref<2x4xf32>
  return
}

// -----

// Left as they are: a buffer returned, one with a dynamic size, one freed
// in another block, one never freed, one only freed (never used), one
// aligned to more than 64 bytes, and every buffer of a private function
// (a layer: LLVM would no longer see that its buffers do not overlap) and
// of a loop's body.
// CHECK-NOT:     memref.global
// CHECK-LABEL: func.func @kept(
// CHECK-NOT:     memref.view
// CHECK-COUNT-6: memref.alloc
// CHECK-NOT:     memref.view
// CHECK:         return
// CHECK-LABEL: func.func private @private_layer(
// CHECK-NOT:     memref.view
// CHECK-LABEL: func.func @per_image(
// CHECK-NOT:     memref.view
func.func private @use(memref<16xf32>)
func.func private @use_dynamic(memref<?xf32>)
func.func @kept(%n: index, %flag: i1) -> memref<16xf32> {
  %returned = memref.alloc() : memref<16xf32>
  %dynamic = memref.alloc(%n) : memref<?xf32>
  %elsewhere = memref.alloc() : memref<16xf32>
  %leaked = memref.alloc() : memref<16xf32>
  %unused = memref.alloc() : memref<16xf32>
  %aligned = memref.alloc() {alignment = 128 : i64} : memref<16xf32>
  call @use(%returned) : (memref<16xf32>) -> ()
  call @use_dynamic(%dynamic) : (memref<?xf32>) -> ()
  call @use(%elsewhere) : (memref<16xf32>) -> ()
  call @use(%leaked) : (memref<16xf32>) -> ()
  call @use(%aligned) : (memref<16xf32>) -> ()
  scf.if %flag {
    memref.dealloc %elsewhere : memref<16xf32>
  }
  memref.dealloc %dynamic : memref<?xf32>
  memref.dealloc %unused : memref<16xf32>
  memref.dealloc %aligned : memref<16xf32>
  return %returned : memref<16xf32>
}
func.func private @private_layer() {
  %a = memref.alloc() : memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  call @use(%a) : (memref<16xf32>) -> ()
  call @use(%b) : (memref<16xf32>) -> ()
  memref.dealloc %a : memref<16xf32>
  memref.dealloc %b : memref<16xf32>
  return
}
func.func @per_image(%x: memref<8x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %i = %c0 to %c8 step %c1 {
    %a = memref.alloc() : memref<16xf32>
    %b = memref.alloc() : memref<16xf32>
    func.call @use(%a) : (memref<16xf32>) -> ()
    func.call @use(%b) : (memref<16xf32>) -> ()
    memref.dealloc %a : memref<16xf32>
    memref.dealloc %b : memref<16xf32>
  }
  return
}

// -----

// Code reaches its module's globals within 2 GiB: next to 1.5 GiB of data
// (weights), the workspace is allocated on every call.
// CHECK-LABEL: func.func @beside_large_weights(
// CHECK-NOT:     memref.get_global @__whittle_workspace
// CHECK:         %[[WS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<8192xi8>
// CHECK:         memref.dealloc %[[WS]] : memref<8192xi8>
memref.global "private" @weights : memref<1610612736xi8> = uninitialized
func.func private @layer2(memref<1610612736xi8>, memref<1024xf32>, memref<1024xf32>)
func.func @beside_large_weights(%arg0: memref<1024xf32>) {
  %w = memref.get_global @weights : memref<1610612736xi8>
  %a = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
  call @layer2(%w, %arg0, %a) : (memref<1610612736xi8>, memref<1024xf32>, memref<1024xf32>) -> ()
  call @layer2(%w, %a, %b) : (memref<1610612736xi8>, memref<1024xf32>, memref<1024xf32>) -> ()
  call @layer2(%w, %b, %arg0) : (memref<1610612736xi8>, memref<1024xf32>, memref<1024xf32>) -> ()
  memref.dealloc %a : memref<1024xf32>
  memref.dealloc %b : memref<1024xf32>
  return
}
