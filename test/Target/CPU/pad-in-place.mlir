// RUN: whittle-opt %s --split-input-file --whittle-pad-in-place | FileCheck %s
// RUN: whittle-opt %s --split-input-file --whittle-pad-in-place \
// RUN:   --one-shot-bufferize=bufferize-function-boundaries --cse --canonicalize \
// RUN:   | FileCheck %s --check-prefix=BUFFERS

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// The ReLU before a padded convolution writes into the interior of the
// padded tensor, filled with the padding value before it runs.
// CHECK-LABEL: func.func @relu_then_pad
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x8x6x6xf32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<1x8x8x8xf32>
// CHECK: %[[FILLED:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[EMPTY]] : tensor<1x8x8x8xf32>)
// CHECK: %[[INTERIOR:.*]] = tensor.extract_slice %[[FILLED]][0, 0, 1, 1] [1, 8, 6, 6] [1, 1, 1, 1]
// CHECK: %[[RELU:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<1x8x6x6xf32>) outs(%[[INTERIOR]] : tensor<1x8x6x6xf32>)
// CHECK: arith.maximumf
// CHECK: %[[PADDED:.*]] = tensor.insert_slice %[[RELU]] into %[[FILLED]][0, 0, 1, 1] [1, 8, 6, 6] [1, 1, 1, 1]
// CHECK-NOT: tensor.pad
// CHECK: return %[[PADDED]]
// Bufferized, the ReLU writes into a view of the padded buffer: no copy.
// BUFFERS-LABEL: func.func @relu_then_pad
// BUFFERS: %[[BUFFER:.*]] = memref.alloc() {{.*}} : memref<1x8x8x8xf32>
// BUFFERS: linalg.fill {{.*}} outs(%[[BUFFER]]
// BUFFERS: %[[VIEW:.*]] = memref.subview %[[BUFFER]][0, 0, 1, 1] [1, 8, 6, 6]
// BUFFERS: linalg.generic {{.*}} outs(%[[VIEW]]
// BUFFERS-NOT: memref.copy
// BUFFERS: return %[[BUFFER]]
func.func @relu_then_pad(%x: tensor<1x8x6x6xf32>) -> tensor<1x8x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x8x6x6xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x8x6x6xf32>) outs(%empty : tensor<1x8x6x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x8x6x6xf32>
  %padded = tensor.pad %relu low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x8x6x6xf32> to tensor<1x8x8x8xf32>
  return %padded : tensor<1x8x8x8xf32>
}

// -----

// Integer tensors pad with their zero point (here -128) the same way.
// CHECK-LABEL: func.func @int8_zero_point
// CHECK: %[[ZP:.*]] = arith.constant -128 : i8
// CHECK: linalg.fill ins(%[[ZP]] : i8)
// CHECK: tensor.insert_slice {{.*}}[0, 2, 3] [1, 4, 4] [1, 1, 1] : tensor<1x4x4xi8> into tensor<1x7x8xi8>
func.func @int8_zero_point(%x: tensor<1x4x4xi8>) -> tensor<1x7x8xi8> {
  %zp = arith.constant -128 : i8
  %empty = tensor.empty() : tensor<1x4x4xi8>
  %copy = linalg.copy ins(%x : tensor<1x4x4xi8>) outs(%empty : tensor<1x4x4xi8>) -> tensor<1x4x4xi8>
  %padded = tensor.pad %copy low[0, 2, 3] high[0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index):
    tensor.yield %zp : i8
  } : tensor<1x4x4xi8> to tensor<1x7x8xi8>
  return %padded : tensor<1x7x8xi8>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#rows = affine_map<(d0, d1) -> (d0)>

// Left alone: a producer whose result has another use (it would be read
// through a strided view), a block argument, a producer that accumulates
// into its init, a padding value known only at run time, dynamic pads and
// a padding that depends on the position.
// CHECK-LABEL: func.func @left_alone
// CHECK-COUNT-6: tensor.pad
// CHECK-NOT: linalg.fill
func.func @left_alone(%x: tensor<4x4xf32>, %v: f32, %lo: index, %acc: tensor<4xf32>)
    -> (tensor<6x6xf32>, tensor<4x4xf32>, tensor<6x6xf32>, tensor<6xf32>, tensor<6x6xf32>, tensor<?x6xf32>, tensor<6x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<4x4xf32>
  %neg = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x4xf32>) outs(%empty : tensor<4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<4x4xf32>
  %p0 = tensor.pad %neg low[1, 1] high[1, 1] {
  ^bb0(%a: index, %b: index):
    tensor.yield %zero : f32
  } : tensor<4x4xf32> to tensor<6x6xf32>
  %p1 = tensor.pad %x low[1, 1] high[1, 1] {
  ^bb0(%a: index, %b: index):
    tensor.yield %zero : f32
  } : tensor<4x4xf32> to tensor<6x6xf32>
  %sum = linalg.generic {indexing_maps = [#id, #rows], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<4x4xf32>) outs(%acc : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %p2 = tensor.pad %sum low[1] high[1] {
  ^bb0(%a: index):
    tensor.yield %zero : f32
  } : tensor<4xf32> to tensor<6xf32>
  %copy = linalg.copy ins(%x : tensor<4x4xf32>) outs(%empty : tensor<4x4xf32>) -> tensor<4x4xf32>
  %p3 = tensor.pad %copy low[1, 1] high[1, 1] {
  ^bb0(%a: index, %b: index):
    tensor.yield %v : f32
  } : tensor<4x4xf32> to tensor<6x6xf32>
  %copy2 = linalg.copy ins(%x : tensor<4x4xf32>) outs(%empty : tensor<4x4xf32>) -> tensor<4x4xf32>
  %p4 = tensor.pad %copy2 low[%lo, 1] high[1, 1] {
  ^bb0(%a: index, %b: index):
    tensor.yield %zero : f32
  } : tensor<4x4xf32> to tensor<?x6xf32>
  %copy3 = linalg.copy ins(%x : tensor<4x4xf32>) outs(%empty : tensor<4x4xf32>) -> tensor<4x4xf32>
  %p5 = tensor.pad %copy3 low[1, 1] high[1, 1] {
  ^bb0(%a: index, %b: index):
    %i = arith.index_cast %a : index to i32
    %f = arith.sitofp %i : i32 to f32
    tensor.yield %f : f32
  } : tensor<4x4xf32> to tensor<6x6xf32>
  return %p0, %neg, %p1, %p2, %p3, %p4, %p5 : tensor<6x6xf32>, tensor<4x4xf32>, tensor<6x6xf32>, tensor<6xf32>, tensor<6x6xf32>, tensor<?x6xf32>, tensor<6x6xf32>
}
