// RUN: whittle-opt %s --split-input-file --whittle-vectorize-transposes=min-elements=1 --canonicalize | FileCheck %s
// RUN: whittle-opt %s --split-input-file --whittle-vectorize-transposes --canonicalize | FileCheck %s --check-prefix=DEFAULT

#to_nhwc = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1, d2)>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// NCHW to NHWC fused with a ReLU6: 16x16 tiles over (w, c), the width's
// remainder (20 = 16 + 4) peeled into static 4x16 tiles; each tile reads
// 16 channels of contiguous pixels, transposes them in registers and
// writes contiguous channels.
// CHECK-LABEL: func.func @relu6_to_nhwc
// CHECK: scf.for %[[H:.*]] = %c0 to %c5 step %c1
// CHECK: scf.for %[[C:.*]] = %c0 to %c32 step %c16
// CHECK: vector.transfer_read %{{.*}}[%c0, %[[C]], %[[H]], %c0]{{.*}} : tensor<1x32x5x20xf32>, vector<16x1x16xf32>
// CHECK: vector.shape_cast {{.*}} : vector<16x1x16xf32> to vector<16x16xf32>
// CHECK: vector.transpose {{.*}}, [1, 0] : vector<16x16xf32> to vector<16x16xf32>
// CHECK: arith.maximumf {{.*}} : vector<16x16xf32>
// CHECK: arith.minimumf {{.*}} : vector<16x16xf32>
// CHECK: vector.transfer_write {{.*}} : vector<16x16xf32>, tensor<1x1x16x16xf32>
// CHECK: scf.for
// CHECK: vector.transfer_read %{{.*}}[%c0, %{{.*}}, %[[H]], %c16]{{.*}} : tensor<1x32x5x20xf32>, vector<16x1x4xf32>
// CHECK: vector.transpose {{.*}}, [1, 0] : vector<16x4xf32> to vector<4x16xf32>
// CHECK: vector.transfer_write {{.*}} : vector<4x16xf32>, tensor<1x1x4x16xf32>
// CHECK-NOT: linalg.generic
// By default, layout changes under 262144 elements per image stay loops
// (whatever the batch).
// DEFAULT-LABEL: func.func @relu6_to_nhwc
// DEFAULT-NOT: vector.transpose
// DEFAULT: linalg.generic
// DEFAULT-LABEL: func.func @large_to_nhwc
// DEFAULT: vector.transpose {{.*}} : vector<16x16xf32> to vector<16x16xf32>
// DEFAULT-LABEL: func.func @large_batch_to_nhwc
// DEFAULT-NOT: vector.transpose
// DEFAULT: linalg.generic
func.func @relu6_to_nhwc(%x: tensor<1x32x5x20xf32>) -> tensor<1x5x20x32xf32> {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %empty = tensor.empty() : tensor<1x5x20x32xf32>
  %y = linalg.generic {indexing_maps = [#to_nhwc, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x32x5x20xf32>) outs(%empty : tensor<1x5x20x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.maximumf %in, %zero : f32
    %b = arith.minimumf %a, %six : f32
    linalg.yield %b : f32
  } -> tensor<1x5x20x32xf32>
  return %y : tensor<1x5x20x32xf32>
}

func.func @large_to_nhwc(%x: tensor<1x32x128x64xf32>) -> tensor<1x128x64x32xf32> {
  %empty = tensor.empty() : tensor<1x128x64x32xf32>
  %y = linalg.generic {indexing_maps = [#to_nhwc, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x32x128x64xf32>) outs(%empty : tensor<1x128x64x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x128x64x32xf32>
  return %y : tensor<1x128x64x32xf32>
}

func.func @large_batch_to_nhwc(%x: tensor<1024x16x4x4xf32>) -> tensor<1024x4x4x16xf32> {
  %empty = tensor.empty() : tensor<1024x4x4x16xf32>
  %y = linalg.generic {indexing_maps = [#to_nhwc, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1024x16x4x4xf32>) outs(%empty : tensor<1024x4x4x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1024x4x4x16xf32>
  return %y : tensor<1024x4x4x16xf32>
}

// -----

#to_nchw = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3, d1)>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// NHWC back to NCHW, with a 7x7 map: tiles of 16 channels by the 7
// pixels of a row.
// CHECK-LABEL: func.func @to_nchw
// CHECK: vector.transfer_read {{.*}} : tensor<1x7x7x32xf32>, vector<7x16xf32>
// CHECK: vector.transpose {{.*}}, [1, 0] : vector<7x16xf32> to vector<16x7xf32>
// CHECK: vector.transfer_write {{.*}} : vector<16x1x7xf32>
func.func @to_nchw(%x: tensor<1x7x7x32xf32>) -> tensor<1x32x7x7xf32> {
  %empty = tensor.empty() : tensor<1x32x7x7xf32>
  %y = linalg.generic {indexing_maps = [#to_nchw, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x7x7x32xf32>) outs(%empty : tensor<1x32x7x7xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x32x7x7xf32>
  return %y : tensor<1x32x7x7xf32>
}

// -----

#to_nhwc = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1, d2)>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// Left alone: elementwise ops in one layout, integer layout changes (the
// int8 path's), and bodies with ops that do not all lower on n-D vectors.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: vector.transpose
// CHECK: linalg.generic
// CHECK: arith.negf
// CHECK: linalg.generic
// CHECK: arith.addi
// CHECK: linalg.generic
// CHECK: math.exp
func.func @left_alone(%x: tensor<1x32x4x4xf32>, %i: tensor<1x32x4x4xi32>) -> (tensor<1x32x4x4xf32>, tensor<1x4x4x32xi32>, tensor<1x4x4x32xf32>) {
  %empty = tensor.empty() : tensor<1x32x4x4xf32>
  %neg = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x32x4x4xf32>) outs(%empty : tensor<1x32x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<1x32x4x4xf32>
  %iempty = tensor.empty() : tensor<1x4x4x32xi32>
  %sum = linalg.generic {indexing_maps = [#to_nhwc, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%i : tensor<1x32x4x4xi32>) outs(%iempty : tensor<1x4x4x32xi32>) {
  ^bb0(%in: i32, %out: i32):
    %z = arith.addi %in, %in : i32
    linalg.yield %z : i32
  } -> tensor<1x4x4x32xi32>
  %fempty = tensor.empty() : tensor<1x4x4x32xf32>
  %exp = linalg.generic {indexing_maps = [#to_nhwc, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x32x4x4xf32>) outs(%fempty : tensor<1x4x4x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  } -> tensor<1x4x4x32xf32>
  return %neg, %sum, %exp : tensor<1x32x4x4xf32>, tensor<1x4x4x32xi32>, tensor<1x4x4x32xf32>
}
