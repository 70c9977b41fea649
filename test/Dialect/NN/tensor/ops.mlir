// RUN: whittle-opt %s | whittle-opt | FileCheck %s

// CHECK-LABEL: func.func @reshape
// CHECK: nn.reshape %arg0, %{{.*}} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x12xf32>
func.func @reshape(%x: tensor<2x3x4xf32>) -> tensor<2x12xf32> {
  %s = nn.constant dense<[0, -1]> : tensor<2xi64>
  %0 = nn.reshape %x, %s : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x12xf32>
  return %0 : tensor<2x12xf32>
}

// CHECK-LABEL: func.func @reshape_dynamic
// CHECK: nn.reshape %arg0, %arg1 {allowzero = 1 : i64} : (tensor<2x3x4xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
func.func @reshape_dynamic(%x: tensor<2x3x4xf32>, %s: tensor<3xi64>) -> tensor<?x?x?xf32> {
  %0 = nn.reshape %x, %s {allowzero = 1 : i64} : (tensor<2x3x4xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  return %0 : tensor<?x?x?xf32>
}

// CHECK-LABEL: func.func @flatten
// CHECK: nn.flatten %arg0 {axis = 2 : i64} : (tensor<2x3x4x5xf32>) -> tensor<6x20xf32>
func.func @flatten(%x: tensor<2x3x4x5xf32>) -> tensor<6x20xf32> {
  %0 = nn.flatten %x {axis = 2 : i64} : (tensor<2x3x4x5xf32>) -> tensor<6x20xf32>
  return %0 : tensor<6x20xf32>
}

// CHECK-LABEL: func.func @flatten_default
// CHECK: nn.flatten %arg0 : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
func.func @flatten_default(%x: tensor<2x3x4xf32>) -> tensor<2x12xf32> {
  %0 = nn.flatten %x : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  return %0 : tensor<2x12xf32>
}

// CHECK-LABEL: func.func @transpose
// CHECK: nn.transpose %arg0 {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = nn.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// CHECK-LABEL: func.func @transpose_reverse
// CHECK: nn.transpose %arg0 : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
func.func @transpose_reverse(%x: tensor<2x3x4xf32>) -> tensor<4x3x2xf32> {
  %0 = nn.transpose %x : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  return %0 : tensor<4x3x2xf32>
}

// CHECK-LABEL: func.func @concat
// CHECK: nn.concat %arg0, %arg1, %arg2 {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>, tensor<?x1xf32>) -> tensor<2x9xf32>
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>, %c: tensor<?x1xf32>) -> tensor<2x9xf32> {
  %0 = nn.concat %a, %b, %c {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>, tensor<?x1xf32>) -> tensor<2x9xf32>
  return %0 : tensor<2x9xf32>
}

// CHECK-LABEL: func.func @split_sizes
// CHECK: nn.split %arg0, %{{.*}} {axis = 1 : i64} : (tensor<2x10xf32>, tensor<2xi64>) -> (tensor<2x3xf32>, tensor<2x7xf32>)
func.func @split_sizes(%x: tensor<2x10xf32>) -> (tensor<2x3xf32>, tensor<2x7xf32>) {
  %s = nn.constant dense<[3, 7]> : tensor<2xi64>
  %0:2 = nn.split %x, %s {axis = 1 : i64} : (tensor<2x10xf32>, tensor<2xi64>) -> (tensor<2x3xf32>, tensor<2x7xf32>)
  return %0#0, %0#1 : tensor<2x3xf32>, tensor<2x7xf32>
}

// CHECK-LABEL: func.func @split_num_outputs
// CHECK: nn.split %arg0, %{{.*}} {num_outputs = 3 : i64} : (tensor<10x2xf32>, none) -> (tensor<4x2xf32>, tensor<4x2xf32>, tensor<2x2xf32>)
func.func @split_num_outputs(%x: tensor<10x2xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>, tensor<2x2xf32>) {
  %n = nn.none
  %0:3 = nn.split %x, %n {num_outputs = 3 : i64} : (tensor<10x2xf32>, none) -> (tensor<4x2xf32>, tensor<4x2xf32>, tensor<2x2xf32>)
  return %0#0, %0#1, %0#2 : tensor<4x2xf32>, tensor<4x2xf32>, tensor<2x2xf32>
}

// CHECK-LABEL: func.func @split_dynamic
// CHECK: nn.split %arg0, %arg1 {axis = 1 : i64} : (tensor<2x10xf32>, tensor<2xi64>) -> (tensor<2x?xf32>, tensor<2x?xf32>)
func.func @split_dynamic(%x: tensor<2x10xf32>, %s: tensor<2xi64>) -> (tensor<2x?xf32>, tensor<2x?xf32>) {
  %0:2 = nn.split %x, %s {axis = 1 : i64} : (tensor<2x10xf32>, tensor<2xi64>) -> (tensor<2x?xf32>, tensor<2x?xf32>)
  return %0#0, %0#1 : tensor<2x?xf32>, tensor<2x?xf32>
}

// CHECK-LABEL: func.func @slice
// CHECK: nn.slice %arg0, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<10x20xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<10x4xf32>
func.func @slice(%x: tensor<10x20xf32>) -> tensor<10x4xf32> {
  %starts = nn.constant dense<[1]> : tensor<1xi64>
  %ends = nn.constant dense<[-1]> : tensor<1xi64>
  %axes = nn.constant dense<[1]> : tensor<1xi64>
  %steps = nn.constant dense<[5]> : tensor<1xi64>
  %0 = nn.slice %x, %starts, %ends, %axes, %steps : (tensor<10x20xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<10x4xf32>
  return %0 : tensor<10x4xf32>
}

// CHECK-LABEL: func.func @slice_negative_step_i32
// CHECK: nn.slice %arg0, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<10xf32>, tensor<1xi32>, tensor<1xi32>, none, tensor<1xi32>) -> tensor<10xf32>
func.func @slice_negative_step_i32(%x: tensor<10xf32>) -> tensor<10xf32> {
  %starts = nn.constant dense<[-1]> : tensor<1xi32>
  %ends = nn.constant dense<[-2147483647]> : tensor<1xi32>
  %n = nn.none
  %steps = nn.constant dense<[-1]> : tensor<1xi32>
  %0 = nn.slice %x, %starts, %ends, %n, %steps : (tensor<10xf32>, tensor<1xi32>, tensor<1xi32>, none, tensor<1xi32>) -> tensor<10xf32>
  return %0 : tensor<10xf32>
}

// CHECK-LABEL: func.func @slice_dynamic
// CHECK: nn.slice %arg0, %arg1, %arg2, %{{.*}}, %{{.*}} : (tensor<10x20xf32>, tensor<1xi64>, tensor<1xi64>, none, none) -> tensor<?x20xf32>
func.func @slice_dynamic(%x: tensor<10x20xf32>, %starts: tensor<1xi64>, %ends: tensor<1xi64>) -> tensor<?x20xf32> {
  %n = nn.none
  %0 = nn.slice %x, %starts, %ends, %n, %n : (tensor<10x20xf32>, tensor<1xi64>, tensor<1xi64>, none, none) -> tensor<?x20xf32>
  return %0 : tensor<?x20xf32>
}

// CHECK-LABEL: func.func @squeeze
// CHECK: nn.squeeze %arg0, %{{.*}} : (tensor<1x3x1x4xf32>, tensor<1xi64>) -> tensor<3x1x4xf32>
func.func @squeeze(%x: tensor<1x3x1x4xf32>) -> tensor<3x1x4xf32> {
  %axes = nn.constant dense<[0]> : tensor<1xi64>
  %0 = nn.squeeze %x, %axes : (tensor<1x3x1x4xf32>, tensor<1xi64>) -> tensor<3x1x4xf32>
  return %0 : tensor<3x1x4xf32>
}

// CHECK-LABEL: func.func @squeeze_all
// CHECK: nn.squeeze %arg0, %{{.*}} : (tensor<1x3x1x4xf32>, none) -> tensor<3x4xf32>
func.func @squeeze_all(%x: tensor<1x3x1x4xf32>) -> tensor<3x4xf32> {
  %n = nn.none
  %0 = nn.squeeze %x, %n : (tensor<1x3x1x4xf32>, none) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @unsqueeze
// CHECK: nn.unsqueeze %arg0, %{{.*}} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<1x3x4x1xf32>
func.func @unsqueeze(%x: tensor<3x4xf32>) -> tensor<1x3x4x1xf32> {
  %axes = nn.constant dense<[0, -1]> : tensor<2xi64>
  %0 = nn.unsqueeze %x, %axes : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<1x3x4x1xf32>
  return %0 : tensor<1x3x4x1xf32>
}

// CHECK-LABEL: func.func @unsqueeze_dynamic
// CHECK: nn.unsqueeze %arg0, %arg1 : (tensor<3x4xf32>, tensor<1xi64>) -> tensor<?x?x?xf32>
func.func @unsqueeze_dynamic(%x: tensor<3x4xf32>, %axes: tensor<1xi64>) -> tensor<?x?x?xf32> {
  %0 = nn.unsqueeze %x, %axes : (tensor<3x4xf32>, tensor<1xi64>) -> tensor<?x?x?xf32>
  return %0 : tensor<?x?x?xf32>
}

// CHECK-LABEL: func.func @pad
// CHECK: nn.pad %arg0, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x3x4x4xf32>, tensor<8xi64>, tensor<f32>, none) -> tensor<1x3x7x9xf32>
func.func @pad(%x: tensor<1x3x4x4xf32>) -> tensor<1x3x7x9xf32> {
  %pads = nn.constant dense<[0, 0, 1, 2, 0, 0, 2, 3]> : tensor<8xi64>
  %v = nn.constant dense<1.5> : tensor<f32>
  %n = nn.none
  %0 = nn.pad %x, %pads, %v, %n : (tensor<1x3x4x4xf32>, tensor<8xi64>, tensor<f32>, none) -> tensor<1x3x7x9xf32>
  return %0 : tensor<1x3x7x9xf32>
}

// CHECK-LABEL: func.func @pad_axes_reflect
// CHECK: nn.pad %arg0, %{{.*}}, %{{.*}}, %{{.*}} {mode = "reflect"} : (tensor<1x3x4x4xf32>, tensor<2xi64>, none, tensor<1xi64>) -> tensor<1x3x4x6xf32>
func.func @pad_axes_reflect(%x: tensor<1x3x4x4xf32>) -> tensor<1x3x4x6xf32> {
  %pads = nn.constant dense<[1, 1]> : tensor<2xi64>
  %axes = nn.constant dense<[-1]> : tensor<1xi64>
  %n = nn.none
  %0 = nn.pad %x, %pads, %n, %axes {mode = "reflect"} : (tensor<1x3x4x4xf32>, tensor<2xi64>, none, tensor<1xi64>) -> tensor<1x3x4x6xf32>
  return %0 : tensor<1x3x4x6xf32>
}

// CHECK-LABEL: func.func @expand
// CHECK: nn.expand %arg0, %{{.*}} : (tensor<3x1xf32>, tensor<3xi64>) -> tensor<2x3x4xf32>
func.func @expand(%x: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %s = nn.constant dense<[2, 1, 4]> : tensor<3xi64>
  %0 = nn.expand %x, %s : (tensor<3x1xf32>, tensor<3xi64>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// CHECK-LABEL: func.func @expand_dynamic
// CHECK: nn.expand %arg0, %arg1 : (tensor<3x1xf32>, tensor<2xi64>) -> tensor<3x?xf32>
func.func @expand_dynamic(%x: tensor<3x1xf32>, %s: tensor<2xi64>) -> tensor<3x?xf32> {
  %0 = nn.expand %x, %s : (tensor<3x1xf32>, tensor<2xi64>) -> tensor<3x?xf32>
  return %0 : tensor<3x?xf32>
}

// CHECK-LABEL: func.func @tile
// CHECK: nn.tile %arg0, %{{.*}} : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<4x9xf32>
func.func @tile(%x: tensor<2x3xf32>) -> tensor<4x9xf32> {
  %r = nn.constant dense<[2, 3]> : tensor<2xi64>
  %0 = nn.tile %x, %r : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<4x9xf32>
  return %0 : tensor<4x9xf32>
}

// CHECK-LABEL: func.func @gather
// CHECK: nn.gather %arg0, %arg1 {axis = 1 : i64} : (tensor<5x6x7xf32>, tensor<2x3xi32>) -> tensor<5x2x3x7xf32>
func.func @gather(%x: tensor<5x6x7xf32>, %i: tensor<2x3xi32>) -> tensor<5x2x3x7xf32> {
  %0 = nn.gather %x, %i {axis = 1 : i64} : (tensor<5x6x7xf32>, tensor<2x3xi32>) -> tensor<5x2x3x7xf32>
  return %0 : tensor<5x2x3x7xf32>
}

// CHECK-LABEL: func.func @gather_scalar
// CHECK: nn.gather %arg0, %arg1 : (tensor<5x6xf32>, tensor<i64>) -> tensor<6xf32>
func.func @gather_scalar(%x: tensor<5x6xf32>, %i: tensor<i64>) -> tensor<6xf32> {
  %0 = nn.gather %x, %i : (tensor<5x6xf32>, tensor<i64>) -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// CHECK-LABEL: func.func @identity
// CHECK: nn.identity %arg0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = nn.identity %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @constant_of_shape
// CHECK: nn.constant_of_shape %arg0 {value = dense<7> : tensor<1xi32>} : (tensor<2xi64>) -> tensor<?x?xi32>
func.func @constant_of_shape(%s: tensor<2xi64>) -> tensor<?x?xi32> {
  %0 = nn.constant_of_shape %s {value = dense<7> : tensor<1xi32>} : (tensor<2xi64>) -> tensor<?x?xi32>
  return %0 : tensor<?x?xi32>
}

// CHECK-LABEL: func.func @constant_of_shape_default
// CHECK: nn.constant_of_shape %arg0 : (tensor<3xi64>) -> tensor<?x?x?xf32>
func.func @constant_of_shape_default(%s: tensor<3xi64>) -> tensor<?x?x?xf32> {
  %0 = nn.constant_of_shape %s : (tensor<3xi64>) -> tensor<?x?x?xf32>
  return %0 : tensor<?x?x?xf32>
}

// CHECK-LABEL: func.func @shape
// CHECK: nn.shape %arg0 : (tensor<2x?x4xf32>) -> tensor<3xi64>
func.func @shape(%x: tensor<2x?x4xf32>) -> tensor<3xi64> {
  %0 = nn.shape %x : (tensor<2x?x4xf32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// CHECK-LABEL: func.func @shape_start_end
// CHECK: nn.shape %arg0 {end = -1 : i64, start = 1 : i64} : (tensor<2x?x4xf32>) -> tensor<1xi64>
func.func @shape_start_end(%x: tensor<2x?x4xf32>) -> tensor<1xi64> {
  %0 = nn.shape %x {end = -1 : i64, start = 1 : i64} : (tensor<2x?x4xf32>) -> tensor<1xi64>
  return %0 : tensor<1xi64>
}

// CHECK-LABEL: func.func @size
// CHECK: nn.size %arg0 : (tensor<2x?xf32>) -> tensor<i64>
func.func @size(%x: tensor<2x?xf32>) -> tensor<i64> {
  %0 = nn.size %x : (tensor<2x?xf32>) -> tensor<i64>
  return %0 : tensor<i64>
}

// CHECK-LABEL: func.func @cast
// CHECK: nn.cast %arg0 {to = 10 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf16>
// CHECK: nn.cast %arg0 {to = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xui8>
// CHECK: nn.cast %arg0 {to = 9 : i64} : (tensor<2x3xf32>) -> tensor<2x3xi1>
// CHECK: nn.cast %arg0 {saturate = 0 : i64, to = 16 : i64} : (tensor<2x3xf32>) -> tensor<2x3xbf16>
func.func @cast(%x: tensor<2x3xf32>) -> (tensor<2x3xf16>, tensor<2x3xui8>, tensor<2x3xi1>, tensor<2x3xbf16>) {
  %0 = nn.cast %x {to = 10 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf16>
  %1 = nn.cast %x {to = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xui8>
  %2 = nn.cast %x {to = 9 : i64} : (tensor<2x3xf32>) -> tensor<2x3xi1>
  %3 = nn.cast %x {saturate = 0 : i64, to = 16 : i64} : (tensor<2x3xf32>) -> tensor<2x3xbf16>
  return %0, %1, %2, %3 : tensor<2x3xf16>, tensor<2x3xui8>, tensor<2x3xi1>, tensor<2x3xbf16>
}

// CHECK-LABEL: func.func @depth_to_space
// CHECK: nn.depth_to_space %arg0 {blocksize = 2 : i64} : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32>
// CHECK: nn.depth_to_space %arg0 {blocksize = 2 : i64, mode = "CRD"} : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32>
func.func @depth_to_space(%x: tensor<1x8x2x3xf32>) -> (tensor<1x2x4x6xf32>, tensor<1x2x4x6xf32>) {
  %0 = nn.depth_to_space %x {blocksize = 2 : i64} : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32>
  %1 = nn.depth_to_space %x {blocksize = 2 : i64, mode = "CRD"} : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32>
  return %0, %1 : tensor<1x2x4x6xf32>, tensor<1x2x4x6xf32>
}

// CHECK-LABEL: func.func @space_to_depth
// CHECK: nn.space_to_depth %arg0 {blocksize = 2 : i64} : (tensor<1x2x4x6xf32>) -> tensor<1x8x2x3xf32>
func.func @space_to_depth(%x: tensor<1x2x4x6xf32>) -> tensor<1x8x2x3xf32> {
  %0 = nn.space_to_depth %x {blocksize = 2 : i64} : (tensor<1x2x4x6xf32>) -> tensor<1x8x2x3xf32>
  return %0 : tensor<1x8x2x3xf32>
}

// CHECK-LABEL: func.func @reduce_mean
// CHECK: nn.reduce_mean %arg0, %{{.*}} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x1x1xf32>
func.func @reduce_mean(%x: tensor<2x3x4xf32>) -> tensor<2x1x1xf32> {
  %axes = nn.constant dense<[1, -1]> : tensor<2xi64>
  %0 = nn.reduce_mean %x, %axes : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x1x1xf32>
  return %0 : tensor<2x1x1xf32>
}

// CHECK-LABEL: func.func @reduce_sum_no_keepdims
// CHECK: nn.reduce_sum %arg0, %{{.*}} {keepdims = 0 : i64} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<3xf32>
func.func @reduce_sum_no_keepdims(%x: tensor<2x3x4xf32>) -> tensor<3xf32> {
  %axes = nn.constant dense<[0, 2]> : tensor<2xi64>
  %0 = nn.reduce_sum %x, %axes {keepdims = 0 : i64} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @reduce_max_all
// CHECK: nn.reduce_max %arg0, %{{.*}} {keepdims = 0 : i64} : (tensor<2x3x4xf32>, none) -> tensor<f32>
func.func @reduce_max_all(%x: tensor<2x3x4xf32>) -> tensor<f32> {
  %n = nn.none
  %0 = nn.reduce_max %x, %n {keepdims = 0 : i64} : (tensor<2x3x4xf32>, none) -> tensor<f32>
  return %0 : tensor<f32>
}

// CHECK-LABEL: func.func @reduce_min_dynamic_axes
// CHECK: nn.reduce_min %arg0, %arg1 : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<?x?x?xf32>
func.func @reduce_min_dynamic_axes(%x: tensor<2x3x4xf32>, %axes: tensor<1xi64>) -> tensor<?x?x?xf32> {
  %0 = nn.reduce_min %x, %axes : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<?x?x?xf32>
  return %0 : tensor<?x?x?xf32>
}

// CHECK-LABEL: func.func @reduce_prod
// CHECK: nn.reduce_prod %arg0, %{{.*}} : (tensor<2x3x4xi32>, tensor<1xi64>) -> tensor<2x3x1xi32>
func.func @reduce_prod(%x: tensor<2x3x4xi32>) -> tensor<2x3x1xi32> {
  %axes = nn.constant dense<[2]> : tensor<1xi64>
  %0 = nn.reduce_prod %x, %axes : (tensor<2x3x4xi32>, tensor<1xi64>) -> tensor<2x3x1xi32>
  return %0 : tensor<2x3x1xi32>
}

// CHECK-LABEL: func.func @reduce_l2_noop
// CHECK: nn.reduce_l2 %arg0, %{{.*}} {noop_with_empty_axes = 1 : i64} : (tensor<2x3xf32>, none) -> tensor<2x3xf32>
func.func @reduce_l2_noop(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %n = nn.none
  %0 = nn.reduce_l2 %x, %n {noop_with_empty_axes = 1 : i64} : (tensor<2x3xf32>, none) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @arg_max
// CHECK: nn.arg_max %arg0 {axis = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x1x4xi64>
func.func @arg_max(%x: tensor<2x3x4xf32>) -> tensor<2x1x4xi64> {
  %0 = nn.arg_max %x {axis = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x1x4xi64>
  return %0 : tensor<2x1x4xi64>
}

// CHECK-LABEL: func.func @arg_min
// CHECK: nn.arg_min %arg0 {axis = -1 : i64, keepdims = 0 : i64, select_last_index = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3xi64>
func.func @arg_min(%x: tensor<2x3x4xf32>) -> tensor<2x3xi64> {
  %0 = nn.arg_min %x {axis = -1 : i64, keepdims = 0 : i64, select_last_index = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}
