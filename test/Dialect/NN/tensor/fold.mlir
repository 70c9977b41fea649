// RUN: whittle-opt %s -canonicalize -split-input-file | FileCheck %s

// Shape of a statically shaped tensor, whole and with start/end.
// CHECK-LABEL: func.func @shape
// CHECK-DAG: nn.constant dense<[2, 3, 4]> : tensor<3xi64>
// CHECK-DAG: nn.constant dense<3> : tensor<1xi64>
// CHECK-NOT: nn.shape
func.func @shape(%x: tensor<2x3x4xf32>) -> (tensor<3xi64>, tensor<1xi64>) {
  %0 = nn.shape %x : (tensor<2x3x4xf32>) -> tensor<3xi64>
  %1 = nn.shape %x {start = -2 : i64, end = 2 : i64} : (tensor<2x3x4xf32>) -> tensor<1xi64>
  return %0, %1 : tensor<3xi64>, tensor<1xi64>
}

// -----

// Shape folds when the requested dimensions are static, not otherwise.
// CHECK-LABEL: func.func @shape_partially_dynamic
// CHECK: %[[C:.*]] = nn.constant dense<[3, 4]> : tensor<2xi64>
// CHECK: %[[S:.*]] = nn.shape %arg0 : (tensor<?x3x4xf32>) -> tensor<3xi64>
// CHECK: return %[[C]], %[[S]]
func.func @shape_partially_dynamic(%x: tensor<?x3x4xf32>) -> (tensor<2xi64>, tensor<3xi64>) {
  %0 = nn.shape %x {start = 1 : i64} : (tensor<?x3x4xf32>) -> tensor<2xi64>
  %1 = nn.shape %x : (tensor<?x3x4xf32>) -> tensor<3xi64>
  return %0, %1 : tensor<2xi64>, tensor<3xi64>
}

// -----

// CHECK-LABEL: func.func @size
// CHECK: nn.constant dense<24> : tensor<i64>
// CHECK-NOT: nn.size
func.func @size(%x: tensor<2x3x4xf32>) -> tensor<i64> {
  %0 = nn.size %x : (tensor<2x3x4xf32>) -> tensor<i64>
  return %0 : tensor<i64>
}

// -----

// Gather of constants, with a negative index and 2-D data.
// CHECK-LABEL: func.func @gather
// CHECK-DAG: nn.constant dense<4> : tensor<i64>
// CHECK-DAG: nn.constant dense<{{\[}}[3, 1], [6, 4]]> : tensor<2x2xi32>
// CHECK-NOT: nn.gather
func.func @gather() -> (tensor<i64>, tensor<2x2xi32>) {
  %d = nn.constant dense<[2, 3, 4]> : tensor<3xi64>
  %i = nn.constant dense<-1> : tensor<i64>
  %0 = nn.gather %d, %i : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %m = nn.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
  %j = nn.constant dense<[2, 0]> : tensor<2xi64>
  %1 = nn.gather %m, %j {axis = 1 : i64} : (tensor<2x3xi32>, tensor<2xi64>) -> tensor<2x2xi32>
  return %0, %1 : tensor<i64>, tensor<2x2xi32>
}

// -----

// CHECK-LABEL: func.func @concat
// CHECK-DAG: nn.constant dense<[1, 2, 3]> : tensor<3xi64>
// CHECK-DAG: nn.constant dense<{{\[}}[1.000000e+00, 5.000000e+00], [2.000000e+00, 6.000000e+00]]> : tensor<2x2xf32>
// CHECK-NOT: nn.concat
func.func @concat() -> (tensor<3xi64>, tensor<2x2xf32>) {
  %a = nn.constant dense<[1]> : tensor<1xi64>
  %b = nn.constant dense<[2, 3]> : tensor<2xi64>
  %0 = nn.concat %a, %b {axis = 0 : i64} : (tensor<1xi64>, tensor<2xi64>) -> tensor<3xi64>
  %c = nn.constant dense<[[1.0], [2.0]]> : tensor<2x1xf32>
  %d = nn.constant dense<[[5.0], [6.0]]> : tensor<2x1xf32>
  %1 = nn.concat %c, %d {axis = -1 : i64} : (tensor<2x1xf32>, tensor<2x1xf32>) -> tensor<2x2xf32>
  return %0, %1 : tensor<3xi64>, tensor<2x2xf32>
}

// -----

// Concat of one input is the input.
// CHECK-LABEL: func.func @concat_single
// CHECK-NEXT: return %arg0
func.func @concat_single(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = nn.concat %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Reshape-like ops of constants.
// CHECK-LABEL: func.func @reshape_like_constants
// CHECK-DAG: nn.constant dense<5> : tensor<1xi64>
// CHECK-DAG: nn.constant dense<{{\[}}[1, 2], [3, 4]]> : tensor<2x2xi64>
// CHECK-DAG: nn.constant dense<7> : tensor<i64>
// CHECK-DAG: nn.constant dense<{{\[}}[1, 2, 3, 4]]> : tensor<1x4xi64>
// CHECK-NOT: nn.unsqueeze
// CHECK-NOT: nn.reshape
// CHECK-NOT: nn.squeeze
// CHECK-NOT: nn.flatten
func.func @reshape_like_constants() -> (tensor<1xi64>, tensor<2x2xi64>, tensor<i64>, tensor<1x4xi64>) {
  %five = nn.constant dense<5> : tensor<i64>
  %axes = nn.constant dense<[0]> : tensor<1xi64>
  %0 = nn.unsqueeze %five, %axes : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %v = nn.constant dense<[1, 2, 3, 4]> : tensor<4xi64>
  %s = nn.constant dense<[2, -1]> : tensor<2xi64>
  %1 = nn.reshape %v, %s : (tensor<4xi64>, tensor<2xi64>) -> tensor<2x2xi64>
  %seven = nn.constant dense<[7]> : tensor<1xi64>
  %n = nn.none
  %2 = nn.squeeze %seven, %n : (tensor<1xi64>, none) -> tensor<i64>
  %3 = nn.flatten %1 {axis = 0 : i64} : (tensor<2x2xi64>) -> tensor<1x4xi64>
  return %0, %1, %2, %3 : tensor<1xi64>, tensor<2x2xi64>, tensor<i64>, tensor<1x4xi64>
}

// -----

// Reshape-like ops to the same type are no-ops.
// CHECK-LABEL: func.func @reshape_like_noop
// CHECK-NOT: nn.
// CHECK: return %arg0, %arg0, %arg0, %arg0, %arg0, %arg0
func.func @reshape_like_noop(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %s = nn.constant dense<[2, 3]> : tensor<2xi64>
  %0 = nn.reshape %x, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %1 = nn.flatten %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %empty = nn.constant dense<> : tensor<0xi64>
  %2 = nn.squeeze %x, %empty : (tensor<2x3xf32>, tensor<0xi64>) -> tensor<2x3xf32>
  %3 = nn.unsqueeze %x, %empty : (tensor<2x3xf32>, tensor<0xi64>) -> tensor<2x3xf32>
  %4 = nn.identity %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %5 = nn.transpose %x {perm = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_constant
// CHECK: nn.constant dense<{{\[}}[1, 4], [2, 5], [3, 6]]> : tensor<3x2xi32>
// CHECK-NOT: nn.transpose
func.func @transpose_constant() -> tensor<3x2xi32> {
  %m = nn.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
  %0 = nn.transpose %m : (tensor<2x3xi32>) -> tensor<3x2xi32>
  return %0 : tensor<3x2xi32>
}

// -----

// Slice of constants: a strided range, and a reversal with i32 operands.
// CHECK-LABEL: func.func @slice
// CHECK-DAG: nn.constant dense<[1, 3]> : tensor<2xi64>
// CHECK-DAG: nn.constant dense<{{\[}}[6, 5, 4]]> : tensor<1x3xi64>
// CHECK-NOT: nn.slice
func.func @slice() -> (tensor<2xi64>, tensor<1x3xi64>) {
  %d = nn.constant dense<[0, 1, 2, 3, 4]> : tensor<5xi64>
  %starts = nn.constant dense<[1]> : tensor<1xi64>
  %ends = nn.constant dense<[9223372036854775807]> : tensor<1xi64>
  %n = nn.none
  %steps = nn.constant dense<[2]> : tensor<1xi64>
  %0 = nn.slice %d, %starts, %ends, %n, %steps : (tensor<5xi64>, tensor<1xi64>, tensor<1xi64>, none, tensor<1xi64>) -> tensor<2xi64>
  %m = nn.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
  %s2 = nn.constant dense<[1, -1]> : tensor<2xi32>
  %e2 = nn.constant dense<[2, -10]> : tensor<2xi32>
  %st2 = nn.constant dense<[1, -1]> : tensor<2xi32>
  %1 = nn.slice %m, %s2, %e2, %n, %st2 : (tensor<2x3xi64>, tensor<2xi32>, tensor<2xi32>, none, tensor<2xi32>) -> tensor<1x3xi64>
  return %0, %1 : tensor<2xi64>, tensor<1x3xi64>
}

// -----

// CHECK-LABEL: func.func @cast
// CHECK-DAG: nn.constant dense<[1, -2, 0]> : tensor<3xi32>
// CHECK-DAG: nn.constant dense<[true, true, false]> : tensor<3xi1>
// CHECK-DAG: nn.constant dense<[3.000000e+00, 4.000000e+00]> : tensor<2xf32>
// CHECK-NOT: nn.cast
// CHECK: return {{.*}}, {{.*}}, {{.*}}, %arg0
func.func @cast(%x: tensor<2xf32>) -> (tensor<3xi32>, tensor<3xi1>, tensor<2xf32>, tensor<2xf32>) {
  %f = nn.constant dense<[1.7, -2.5, 0.0]> : tensor<3xf32>
  %0 = nn.cast %f {to = 6 : i64} : (tensor<3xf32>) -> tensor<3xi32>
  %1 = nn.cast %f {to = 9 : i64} : (tensor<3xf32>) -> tensor<3xi1>
  %i = nn.constant dense<[3, 4]> : tensor<2xi64>
  %2 = nn.cast %i {to = 1 : i64} : (tensor<2xi64>) -> tensor<2xf32>
  %3 = nn.cast %x {to = 1 : i64} : (tensor<2xf32>) -> tensor<2xf32>
  return %0, %1, %2, %3 : tensor<3xi32>, tensor<3xi1>, tensor<2xf32>, tensor<2xf32>
}

// -----

// ConstantOfShape with a constant shape is a splat, at any size.
// CHECK-LABEL: func.func @constant_of_shape
// CHECK-DAG: nn.constant dense<0.000000e+00> : tensor<64x64xf32>
// CHECK-DAG: nn.constant dense<-1> : tensor<3xi64>
// CHECK-NOT: nn.constant_of_shape
func.func @constant_of_shape() -> (tensor<64x64xf32>, tensor<3xi64>) {
  %s = nn.constant dense<[64, 64]> : tensor<2xi64>
  %0 = nn.constant_of_shape %s : (tensor<2xi64>) -> tensor<64x64xf32>
  %t = nn.constant dense<[3]> : tensor<1xi64>
  %1 = nn.constant_of_shape %t {value = dense<-1> : tensor<1xi64>} : (tensor<1xi64>) -> tensor<3xi64>
  return %0, %1 : tensor<64x64xf32>, tensor<3xi64>
}

// -----

// Expand and Tile of small constants; Expand of a splat stays a splat.
// CHECK-LABEL: func.func @expand_tile
// CHECK-DAG: nn.constant dense<{{\[}}[1, 1, 1], [2, 2, 2]]> : tensor<2x3xi64>
// CHECK-DAG: nn.constant dense<[1, 2, 1, 2, 1, 2]> : tensor<6xi64>
// CHECK-DAG: nn.constant dense<1.000000e+00> : tensor<100x100xf32>
// CHECK-NOT: nn.expand
// CHECK-NOT: nn.tile
func.func @expand_tile() -> (tensor<2x3xi64>, tensor<6xi64>, tensor<100x100xf32>) {
  %c = nn.constant dense<[[1], [2]]> : tensor<2x1xi64>
  %s = nn.constant dense<[2, 3]> : tensor<2xi64>
  %0 = nn.expand %c, %s : (tensor<2x1xi64>, tensor<2xi64>) -> tensor<2x3xi64>
  %v = nn.constant dense<[1, 2]> : tensor<2xi64>
  %r = nn.constant dense<[3]> : tensor<1xi64>
  %1 = nn.tile %v, %r : (tensor<2xi64>, tensor<1xi64>) -> tensor<6xi64>
  %one = nn.constant dense<1.0> : tensor<f32>
  %big = nn.constant dense<[100, 100]> : tensor<2xi64>
  %2 = nn.expand %one, %big : (tensor<f32>, tensor<2xi64>) -> tensor<100x100xf32>
  return %0, %1, %2 : tensor<2x3xi64>, tensor<6xi64>, tensor<100x100xf32>
}

// -----

// Large non-splat constants are not folded.
// CHECK-LABEL: func.func @no_fold_large
// CHECK: nn.tile
func.func @no_fold_large(%x: tensor<2xf32>) -> tensor<2048xf32> {
  %c = nn.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %r = nn.constant dense<[1024]> : tensor<1xi64>
  %0 = nn.tile %c, %r : (tensor<2xf32>, tensor<1xi64>) -> tensor<2048xf32>
  return %0 : tensor<2048xf32>
}

// -----

// reshape(reshape(x)) -> reshape(x).
// CHECK-LABEL: func.func @reshape_of_reshape
// CHECK: %[[S:.*]] = nn.constant dense<[4, 6]> : tensor<2xi64>
// CHECK: %[[R:.*]] = nn.reshape %arg0, %[[S]] : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<4x6xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_of_reshape(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %s1 = nn.constant dense<[6, 4]> : tensor<2xi64>
  %0 = nn.reshape %x, %s1 : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
  %s2 = nn.constant dense<[4, 6]> : tensor<2xi64>
  %1 = nn.reshape %0, %s2 : (tensor<6x4xf32>, tensor<2xi64>) -> tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}

// -----

// A 0 entry copies the intermediate dimension: use the static result shape.
// CHECK-LABEL: func.func @reshape_of_reshape_zero
// CHECK: %[[S:.*]] = nn.constant dense<[6, 4]> : tensor<2xi64>
// CHECK: nn.reshape %arg0, %[[S]] : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
// CHECK-NOT: nn.reshape
func.func @reshape_of_reshape_zero(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %s1 = nn.constant dense<[6, 2, 2]> : tensor<3xi64>
  %0 = nn.reshape %x, %s1 : (tensor<2x3x4xf32>, tensor<3xi64>) -> tensor<6x2x2xf32>
  %s2 = nn.constant dense<[0, -1]> : tensor<2xi64>
  %1 = nn.reshape %0, %s2 : (tensor<6x2x2xf32>, tensor<2xi64>) -> tensor<6x4xf32>
  return %1 : tensor<6x4xf32>
}

// -----

// Reductions with no axes and noop_with_empty_axes=1 are the identity.
// CHECK-LABEL: func.func @reduce_noop
// CHECK-NOT: nn.reduce
// CHECK: return %arg0, %arg0
func.func @reduce_noop(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %n = nn.none
  %0 = nn.reduce_mean %x, %n {noop_with_empty_axes = 1 : i64} : (tensor<2x3xf32>, none) -> tensor<2x3xf32>
  %e = nn.constant dense<> : tensor<0xi64>
  %1 = nn.reduce_sum %x, %e {noop_with_empty_axes = 1 : i64} : (tensor<2x3xf32>, tensor<0xi64>) -> tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// PyTorch-style shape arithmetic folds to a static reshape; the reshape keeps
// its (compatible) dynamic result type as canonicalization does not refine
// types.
// CHECK-LABEL: func.func @shape_arithmetic
// CHECK: %[[S:.*]] = nn.constant dense<[2, -1]> : tensor<2xi64>
// CHECK: nn.reshape %arg0, %[[S]] : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
func.func @shape_arithmetic(%x: tensor<2x3x4xf32>) -> tensor<?x?xf32> {
  %shape = nn.shape %x : (tensor<2x3x4xf32>) -> tensor<3xi64>
  %zero = nn.constant dense<0> : tensor<i64>
  %batch = nn.gather %shape, %zero : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %axes = nn.constant dense<[0]> : tensor<1xi64>
  %b1 = nn.unsqueeze %batch, %axes : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %minus1 = nn.constant dense<[-1]> : tensor<1xi64>
  %target = nn.concat %b1, %minus1 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %0 = nn.reshape %x, %target : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// A small dense_resource constant is read and rebuilt by reshape-like folds;
// gathering from it gives inline data.
// CHECK-LABEL: func.func @resource_constant
// CHECK-DAG: nn.constant dense_resource<{{.*}}> : tensor<5x8xi64>
// CHECK-DAG: nn.constant dense<[8, 9, 10, 11, 12, 13, 14, 15]> : tensor<8xi64>
// CHECK-NOT: nn.reshape
// CHECK-NOT: nn.gather
func.func @resource_constant() -> (tensor<5x8xi64>, tensor<8xi64>) {
  %c = nn.constant dense_resource<blob> : tensor<40xi64>
  %s = nn.constant dense<[5, 8]> : tensor<2xi64>
  %0 = nn.reshape %c, %s : (tensor<40xi64>, tensor<2xi64>) -> tensor<5x8xi64>
  %i = nn.constant dense<1> : tensor<i64>
  %1 = nn.gather %0, %i : (tensor<5x8xi64>, tensor<i64>) -> tensor<8xi64>
  return %0, %1 : tensor<5x8xi64>, tensor<8xi64>
}

{-#
  dialect_resources: {
    builtin: {
      blob: "0x0800000000000000000000000100000000000000020000000000000003000000000000000400000000000000050000000000000006000000000000000700000000000000080000000000000009000000000000000A000000000000000B000000000000000C000000000000000D000000000000000E000000000000000F0000000000000010000000000000001100000000000000120000000000000013000000000000001400000000000000150000000000000016000000000000001700000000000000180000000000000019000000000000001A000000000000001B000000000000001C000000000000001D000000000000001E000000000000001F0000000000000020000000000000002100000000000000220000000000000023000000000000002400000000000000250000000000000026000000000000002700000000000000"
    }
  }
#-}

// -----

// Zero pads are a no-op in every mode (PyTorch's AvgPool2d export has one);
// nonzero pads stay.
// CHECK-LABEL: func.func @pad_zero
// CHECK: %[[P:.*]] = nn.pad %arg0
// CHECK-SAME: -> tensor<1x2x4x6xf32>
// CHECK-NOT: nn.pad
// CHECK: return %arg0, %arg0, %[[P]]
func.func @pad_zero(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x6xf32>) {
  %zeros = nn.constant dense<0> : tensor<8xi64>
  %n = nn.none
  %0 = nn.pad %x, %zeros, %n, %n : (tensor<1x2x4x4xf32>, tensor<8xi64>, none, none) -> tensor<1x2x4x4xf32>
  %zero2 = nn.constant dense<0> : tensor<2xi64>
  %axes = nn.constant dense<[3]> : tensor<1xi64>
  %1 = nn.pad %x, %zero2, %n, %axes {mode = "reflect"} : (tensor<1x2x4x4xf32>, tensor<2xi64>, none, tensor<1xi64>) -> tensor<1x2x4x4xf32>
  %ones = nn.constant dense<1> : tensor<2xi64>
  %2 = nn.pad %x, %ones, %n, %axes {mode = "edge"} : (tensor<1x2x4x4xf32>, tensor<2xi64>, none, tensor<1xi64>) -> tensor<1x2x4x6xf32>
  return %0, %1, %2 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x6xf32>
}
