// RUN: whittle-opt %s --convert-nn-to-linalg -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @reshape
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1]] : tensor<2x6xf32> into tensor<12xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1, 2]] output_shape [3, 2, 2] : tensor<12xf32> into tensor<3x2x2xf32>
// CHECK-NOT: nn.
func.func @reshape(%x: tensor<2x6xf32>) -> tensor<3x2x2xf32> {
  %s = nn.constant dense<[3, 2, -1]> : tensor<3xi64>
  %0 = nn.reshape %x, %s : (tensor<2x6xf32>, tensor<3xi64>) -> tensor<3x2x2xf32>
  return %0 : tensor<3x2x2xf32>
}

// -----

// CHECK-LABEL: func.func @flatten
// CHECK: tensor.collapse_shape %{{.*}} : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK: tensor.expand_shape %{{.*}} : tensor<24xf32> into tensor<6x4xf32>
func.func @flatten(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %0 = nn.flatten %x {axis = 2 : i64} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  return %0 : tensor<6x4xf32>
}

// -----

// CHECK-LABEL: func.func @squeeze
// CHECK: tensor.collapse_shape %{{.*}} : tensor<1x3x1xf32> into tensor<3xf32>
// CHECK-NOT: nn.
func.func @squeeze(%x: tensor<1x3x1xf32>) -> tensor<3xf32> {
  %n = nn.none
  %0 = nn.squeeze %x, %n : (tensor<1x3x1xf32>, none) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @unsqueeze
// CHECK: tensor.expand_shape %{{.*}} : tensor<3xf32> into tensor<1x3x1xf32>
func.func @unsqueeze(%x: tensor<3xf32>) -> tensor<1x3x1xf32> {
  %a = nn.constant dense<[0, 2]> : tensor<2xi64>
  %0 = nn.unsqueeze %x, %a : (tensor<3xf32>, tensor<2xi64>) -> tensor<1x3x1xf32>
  return %0 : tensor<1x3x1xf32>
}

// -----

// CHECK-LABEL: func.func @transpose
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x3x4xf32>) outs(%{{.*}} : tensor<4x2x3xf32>) permutation = [2, 0, 1]
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = nn.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_default
// CHECK: linalg.transpose {{.*}} permutation = [2, 1, 0]
func.func @transpose_default(%x: tensor<2x3x4xf32>) -> tensor<4x3x2xf32> {
  %0 = nn.transpose %x : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  return %0 : tensor<4x3x2xf32>
}

// -----

// An empty input drops out of the concat.
// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<2x0xf32>, %[[C:.*]]: tensor<2x1xf32>)
// CHECK: tensor.concat dim(1) %[[A]], %[[C]] : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x0xf32>, %c: tensor<2x1xf32>) -> tensor<2x4xf32> {
  %0 = nn.concat %a, %b, %c {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x0xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// CHECK-LABEL: func.func @concat_one_left
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %{{.*}}: tensor<2x0xf32>)
// CHECK-NEXT: return %[[A]]
func.func @concat_one_left(%a: tensor<2x3xf32>, %b: tensor<2x0xf32>) -> tensor<2x3xf32> {
  %0 = nn.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x0xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Positive steps: one extract_slice; out-of-range ends are clamped.
// CHECK-LABEL: func.func @slice
// CHECK: tensor.extract_slice %{{.*}}[0, 1] [10, 4] [1, 5] : tensor<10x20xf32> to tensor<10x4xf32>
// CHECK-NOT: nn.
func.func @slice(%x: tensor<10x20xf32>) -> tensor<10x4xf32> {
  %starts = nn.constant dense<[1]> : tensor<1xi64>
  %ends = nn.constant dense<[1000]> : tensor<1xi64>
  %axes = nn.constant dense<[-1]> : tensor<1xi64>
  %steps = nn.constant dense<[5]> : tensor<1xi64>
  %0 = nn.slice %x, %starts, %ends, %axes, %steps : (tensor<10x20xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<10x4xf32>
  return %0 : tensor<10x4xf32>
}

// -----

// A negative step reads backwards through an affine access.
// CHECK: #[[MAP:.*]] = affine_map<(d0, d1) -> (d0 + 1, d1 * -2 + 8)>
// CHECK-LABEL: func.func @slice_negative_step
// CHECK: linalg.generic {indexing_maps = [#[[MAP]], #{{.*}}]
// CHECK-SAME: ins(%{{.*}} : tensor<4x10xf32>) outs(%{{.*}} : tensor<2x4xf32>)
func.func @slice_negative_step(%x: tensor<4x10xf32>) -> tensor<2x4xf32> {
  %starts = nn.constant dense<[1, -2]> : tensor<2xi64>
  %ends = nn.constant dense<[3, 0]> : tensor<2xi64>
  %steps = nn.constant dense<[1, -2]> : tensor<2xi64>
  %n = nn.none
  %0 = nn.slice %x, %starts, %ends, %n, %steps : (tensor<4x10xf32>, tensor<2xi64>, tensor<2xi64>, none, tensor<2xi64>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// CHECK-LABEL: func.func @split
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [2, 3] [1, 1] : tensor<2x10xf32> to tensor<2x3xf32>
// CHECK: tensor.extract_slice %{{.*}}[0, 3] [2, 7] [1, 1] : tensor<2x10xf32> to tensor<2x7xf32>
func.func @split(%x: tensor<2x10xf32>) -> (tensor<2x3xf32>, tensor<2x7xf32>) {
  %s = nn.constant dense<[3, 7]> : tensor<2xi64>
  %0:2 = nn.split %x, %s {axis = 1 : i64} : (tensor<2x10xf32>, tensor<2xi64>) -> (tensor<2x3xf32>, tensor<2x7xf32>)
  return %0#0, %0#1 : tensor<2x3xf32>, tensor<2x7xf32>
}

// -----

// CHECK-LABEL: func.func @split_num_outputs
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [4, 2] [1, 1]
// CHECK: tensor.extract_slice %{{.*}}[4, 0] [4, 2] [1, 1]
// CHECK: tensor.extract_slice %{{.*}}[8, 0] [2, 2] [1, 1]
func.func @split_num_outputs(%x: tensor<10x2xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>, tensor<2x2xf32>) {
  %n = nn.none
  %0:3 = nn.split %x, %n {num_outputs = 3 : i64} : (tensor<10x2xf32>, none) -> (tensor<4x2xf32>, tensor<4x2xf32>, tensor<2x2xf32>)
  return %0#0, %0#1, %0#2 : tensor<4x2xf32>, tensor<4x2xf32>, tensor<2x2xf32>
}

// -----

// Constant mode: negative pads crop, the rest is a tensor.pad with the
// given value.
// CHECK-LABEL: func.func @pad_constant
// CHECK-SAME: %[[X:.*]]: tensor<3x4xf32>, %[[V:.*]]: tensor<f32>
// CHECK: %[[CROP:.*]] = tensor.extract_slice %[[X]][1, 0] [2, 4] [1, 1]
// CHECK: %[[VALUE:.*]] = tensor.extract %[[V]][]
// CHECK: tensor.pad %[[CROP]] low[0, 2] high[1, 0]
// CHECK: tensor.yield %[[VALUE]]
// CHECK: tensor<2x4xf32> to tensor<3x6xf32>
func.func @pad_constant(%x: tensor<3x4xf32>, %v: tensor<f32>) -> tensor<3x6xf32> {
  %pads = nn.constant dense<[-1, 2, 1, 0]> : tensor<4xi64>
  %n = nn.none
  %0 = nn.pad %x, %pads, %v, %n : (tensor<3x4xf32>, tensor<4xi64>, tensor<f32>, none) -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}

// -----

// Pads of the listed axes only; the default value is zero.
// CHECK-LABEL: func.func @pad_axes
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: tensor.pad %{{.*}} low[0, 1] high[0, 2]
// CHECK: tensor.yield %[[ZERO]]
func.func @pad_axes(%x: tensor<3x4xi32>) -> tensor<3x7xi32> {
  %pads = nn.constant dense<[1, 2]> : tensor<2xi64>
  %axes = nn.constant dense<[-1]> : tensor<1xi64>
  %n = nn.none
  %0 = nn.pad %x, %pads, %n, %axes : (tensor<3x4xi32>, tensor<2xi64>, none, tensor<1xi64>) -> tensor<3x7xi32>
  return %0 : tensor<3x7xi32>
}

// -----

// Reflect: the index is mirrored with period 2(n-1) = 6.
// CHECK-LABEL: func.func @pad_reflect
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.*}} : tensor<3x8xf32>)
// CHECK: %[[I:.*]] = linalg.index 0
// CHECK: %[[J:.*]] = linalg.index 1
// CHECK: arith.subi %[[J]], %c2
// CHECK: arith.remsi %{{.*}}, %c6
// CHECK: arith.cmpi sge, %{{.*}}, %c4
// CHECK: tensor.extract %{{.*}}[%[[I]], %{{.*}}] : tensor<3x4xf32>
func.func @pad_reflect(%x: tensor<3x4xf32>) -> tensor<3x8xf32> {
  %pads = nn.constant dense<[0, 2, 0, 2]> : tensor<4xi64>
  %n = nn.none
  %0 = nn.pad %x, %pads, %n, %n {mode = "reflect"} : (tensor<3x4xf32>, tensor<4xi64>, none, none) -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

// Edge: the index is clamped.
// CHECK-LABEL: func.func @pad_edge
// CHECK: linalg.generic
// CHECK: arith.maxsi %{{.*}}, %c0
// CHECK: arith.minsi %{{.*}}, %c3
// CHECK: tensor.extract
func.func @pad_edge(%x: tensor<4xf32>) -> tensor<7xf32> {
  %pads = nn.constant dense<[1, 2]> : tensor<2xi64>
  %n = nn.none
  %0 = nn.pad %x, %pads, %n, %n {mode = "edge"} : (tensor<4xf32>, tensor<2xi64>, none, none) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

// Wrap: the index is taken modulo the size.
// CHECK-LABEL: func.func @pad_wrap
// CHECK: linalg.generic
// CHECK: arith.remsi %{{.*}}, %c4
// CHECK: arith.select
// CHECK: tensor.extract
func.func @pad_wrap(%x: tensor<4xf32>) -> tensor<7xf32> {
  %pads = nn.constant dense<[1, 2]> : tensor<2xi64>
  %n = nn.none
  %0 = nn.pad %x, %pads, %n, %n {mode = "wrap"} : (tensor<4xf32>, tensor<2xi64>, none, none) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

// CHECK: #[[IN:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @expand
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]]
// CHECK-SAME: ins(%{{.*}} : tensor<3x1xf32>) outs(%{{.*}} : tensor<2x3x5xf32>)
func.func @expand(%x: tensor<3x1xf32>) -> tensor<2x3x5xf32> {
  %s = nn.constant dense<[2, 1, 5]> : tensor<3xi64>
  %0 = nn.expand %x, %s : (tensor<3x1xf32>, tensor<3xi64>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// CHECK: #[[IN:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
// CHECK-LABEL: func.func @tile
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #{{.*}}]
// CHECK-SAME: ins(%{{.*}} : tensor<2x3xi64>) outs(%{{.*}} : tensor<2x2x3x3xi64>)
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2, 3]] : tensor<2x2x3x3xi64> into tensor<4x9xi64>
func.func @tile(%x: tensor<2x3xi64>) -> tensor<4x9xi64> {
  %r = nn.constant dense<[2, 3]> : tensor<2xi64>
  %0 = nn.tile %x, %r : (tensor<2x3xi64>, tensor<2xi64>) -> tensor<4x9xi64>
  return %0 : tensor<4x9xi64>
}

// -----

// CHECK: #[[IDX:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d2)>
// CHECK-LABEL: func.func @gather
// CHECK-SAME: %[[D:.*]]: tensor<2x5x3xf32>, %[[I:.*]]: tensor<4x2xi64>
// CHECK: linalg.generic {indexing_maps = [#[[IDX]], #{{.*}}]
// CHECK-SAME: ins(%[[I]] : tensor<4x2xi64>) outs(%{{.*}} : tensor<2x4x2x3xf32>)
// CHECK: ^bb0(%[[IN:.*]]: i64, %{{.*}}: f32):
// CHECK: %[[K:.*]] = arith.index_cast %[[IN]] : i64 to index
// CHECK: arith.cmpi slt, %[[K]], %c0
// CHECK: arith.addi %[[K]], %c5
// CHECK: %[[A:.*]] = linalg.index 0
// CHECK: %[[B:.*]] = linalg.index 3
// CHECK: tensor.extract %[[D]][%[[A]], %{{.*}}, %[[B]]] : tensor<2x5x3xf32>
func.func @gather(%d: tensor<2x5x3xf32>, %i: tensor<4x2xi64>) -> tensor<2x4x2x3xf32> {
  %0 = nn.gather %d, %i {axis = 1 : i64} : (tensor<2x5x3xf32>, tensor<4x2xi64>) -> tensor<2x4x2x3xf32>
  return %0 : tensor<2x4x2x3xf32>
}

// -----

// A scalar index drops the axis.
// CHECK: #[[IDX:.*]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @gather_scalar
// CHECK: linalg.generic {indexing_maps = [#[[IDX]], #{{.*}}]
// CHECK-SAME: ins(%{{.*}} : tensor<i32>) outs(%{{.*}} : tensor<3xf32>)
// CHECK: tensor.extract %{{.*}}[%{{.*}}, %{{.*}}] : tensor<5x3xf32>
func.func @gather_scalar(%d: tensor<5x3xf32>, %i: tensor<i32>) -> tensor<3xf32> {
  %0 = nn.gather %d, %i : (tensor<5x3xf32>, tensor<i32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @depth_to_space_dcr
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2, 3], [4], [5]] output_shape [1, 2, 2, 2, 2, 3] : tensor<1x8x2x3xf32> into tensor<1x2x2x2x2x3xf32>
// CHECK: linalg.transpose {{.*}} permutation = [0, 3, 4, 1, 5, 2]
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0], [1], [2, 3], [4, 5]] : tensor<1x2x2x2x3x2xf32> into tensor<1x2x4x6xf32>
func.func @depth_to_space_dcr(%x: tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32> {
  %0 = nn.depth_to_space %x {blocksize = 2 : i64} : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32>
  return %0 : tensor<1x2x4x6xf32>
}

// -----

// CHECK-LABEL: func.func @depth_to_space_crd
// CHECK: tensor.expand_shape %{{.*}} output_shape [1, 2, 2, 2, 2, 3]
// CHECK: linalg.transpose {{.*}} permutation = [0, 1, 4, 2, 5, 3]
// CHECK: tensor.collapse_shape
func.func @depth_to_space_crd(%x: tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32> {
  %0 = nn.depth_to_space %x {blocksize = 2 : i64, mode = "CRD"} : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32>
  return %0 : tensor<1x2x4x6xf32>
}

// -----

// CHECK-LABEL: func.func @space_to_depth
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1], [2, 3], [4, 5]] output_shape [1, 2, 2, 2, 3, 2] : tensor<1x2x4x6xf32> into tensor<1x2x2x2x3x2xf32>
// CHECK: linalg.transpose {{.*}} permutation = [0, 3, 5, 1, 2, 4]
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2, 3], [4], [5]] : tensor<1x2x2x2x2x3xf32> into tensor<1x8x2x3xf32>
func.func @space_to_depth(%x: tensor<1x2x4x6xf32>) -> tensor<1x8x2x3xf32> {
  %0 = nn.space_to_depth %x {blocksize = 2 : i64} : (tensor<1x2x4x6xf32>) -> tensor<1x8x2x3xf32>
  return %0 : tensor<1x8x2x3xf32>
}

// -----

// ConstantOfShape, Shape and Size fold to constants once shapes are static.
// CHECK-LABEL: func.func @constant_of_shape
// CHECK: arith.constant dense<7> : tensor<2x3xi32>
func.func @constant_of_shape(%s: tensor<2xi64>) -> tensor<2x3xi32> {
  %0 = nn.constant_of_shape %s {value = dense<7> : tensor<1xi32>} : (tensor<2xi64>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

// CHECK-LABEL: func.func @constant_of_shape_default
// CHECK: arith.constant dense<0.000000e+00> : tensor<4xf32>
func.func @constant_of_shape_default(%s: tensor<1xi64>) -> tensor<4xf32> {
  %0 = nn.constant_of_shape %s : (tensor<1xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @shape
// CHECK: arith.constant dense<[3, 4]> : tensor<2xi64>
// CHECK-LABEL: func.func @size
// CHECK: arith.constant dense<24> : tensor<i64>
func.func @shape(%x: tensor<2x3x4xf32>) -> tensor<2xi64> {
  %0 = nn.shape %x {start = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}
func.func @size(%x: tensor<2x3x4xf32>) -> tensor<i64> {
  %0 = nn.size %x : (tensor<2x3x4xf32>) -> tensor<i64>
  return %0 : tensor<i64>
}

// -----

// Nearest with asymmetric coordinates and floor: input index i/2 along
// each resized axis, one generic per axis reading a constant index table.
// CHECK-LABEL: func.func @resize_nearest
// CHECK: %[[T0:.*]] = arith.constant dense<[0, 0, 1, 1]> : tensor<4xi64>
// CHECK: %[[R0:.*]] = linalg.generic {{.*}} ins(%[[T0]] : tensor<4xi64>) outs(%{{.*}} : tensor<1x1x4x3xf32>)
// CHECK: arith.index_cast
// CHECK: tensor.extract %{{.*}} : tensor<1x1x2x3xf32>
// CHECK: %[[T1:.*]] = arith.constant dense<[0, 0, 1, 1, 2, 2]> : tensor<6xi64>
// CHECK: linalg.generic {{.*}} ins(%[[T1]] : tensor<6xi64>) outs(%{{.*}} : tensor<1x1x4x6xf32>)
// CHECK: tensor.extract %[[R0]]
func.func @resize_nearest(%x: tensor<1x1x2x3xf32>) -> tensor<1x1x4x6xf32> {
  %n = nn.none
  %scales = nn.constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
  %0 = nn.resize %x, %n, %scales, %n {coordinate_transformation_mode = "asymmetric", nearest_mode = "floor"} : (tensor<1x1x2x3xf32>, none, tensor<4xf32>, none) -> tensor<1x1x4x6xf32>
  return %0 : tensor<1x1x4x6xf32>
}

// -----

// Linear with half_pixel over 2 -> 4: source coordinates -0.25, 0.25,
// 0.75, 1.25; two taps per position, clamped into range.
// CHECK-LABEL: func.func @resize_linear
// CHECK-DAG: %[[I0:.*]] = arith.constant dense<[0, 0, 0, 1]> : tensor<4xi64>
// CHECK-DAG: %[[I1:.*]] = arith.constant dense<[0, 1, 1, 1]> : tensor<4xi64>
// CHECK-DAG: %[[W0:.*]] = arith.constant dense<[2.500000e-01, 7.500000e-01, 2.500000e-01, 7.500000e-01]> : tensor<4xf32>
// CHECK-DAG: %[[W1:.*]] = arith.constant dense<[7.500000e-01, 2.500000e-01, 7.500000e-01, 2.500000e-01]> : tensor<4xf32>
// CHECK: linalg.generic {{.*}} ins(%[[I0]], %[[I1]], %[[W0]], %[[W1]] : {{.*}}) outs(%{{.*}} : tensor<4xf32>)
// CHECK: arith.mulf
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @resize_linear(%x: tensor<2xf32>) -> tensor<4xf32> {
  %n = nn.none
  %sizes = nn.constant dense<[4]> : tensor<1xi64>
  %0 = nn.resize %x, %n, %n, %sizes {mode = "linear"} : (tensor<2xf32>, none, none, tensor<1xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Cubic: four taps (indices clamped at the edges).
// CHECK-LABEL: func.func @resize_cubic
// CHECK-COUNT-4: tensor.extract %{{.*}} : tensor<1x4xf32>
// CHECK: -> tensor<1x8xf32>
func.func @resize_cubic(%x: tensor<1x4xf32>) -> tensor<1x8xf32> {
  %n = nn.none
  %scales = nn.constant dense<[2.0]> : tensor<1xf32>
  %0 = nn.resize %x, %n, %scales, %n {axes = array<i64: 1>, mode = "cubic"} : (tensor<1x4xf32>, none, tensor<1xf32>, none) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

// tf_crop_and_resize: positions outside the crop get extrapolation_value.
// CHECK-LABEL: func.func @resize_crop
// CHECK: %[[MASK:.*]] = arith.constant dense<[true, false, false, true]> : tensor<4xi1>
// CHECK: linalg.generic {{.*}} ins({{.*}}, %[[MASK]] : {{.*}})
// CHECK: %[[FILL:.*]] = arith.constant 1.000000e+01 : f32
// CHECK: arith.select %{{.*}}, %[[FILL]], %{{.*}} : f32
func.func @resize_crop(%x: tensor<4xf32>) -> tensor<4xf32> {
  %n = nn.none
  %roi = nn.constant dense<[-0.5, 1.5]> : tensor<2xf32>
  %sizes = nn.constant dense<[4]> : tensor<1xi64>
  %0 = nn.resize %x, %roi, %n, %sizes {coordinate_transformation_mode = "tf_crop_and_resize", mode = "linear", extrapolation_value = 10.0 : f32} : (tensor<4xf32>, tensor<2xf32>, none, tensor<1xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @upsample
// CHECK: arith.constant dense<[0, 0, 0, 1, 1, 1]> : tensor<6xi64>
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.*}} : tensor<1x6xf32>)
func.func @upsample(%x: tensor<1x2xf32>) -> tensor<1x6xf32> {
  %scales = nn.constant dense<[1.0, 3.0]> : tensor<2xf32>
  %0 = nn.upsample %x, %scales : (tensor<1x2xf32>, tensor<2xf32>) -> tensor<1x6xf32>
  return %0 : tensor<1x6xf32>
}
