// RUN: whittle-opt %s | whittle-opt | FileCheck %s

// CHECK-LABEL: func.func @conv_family
func.func @conv_family(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %wt: tensor<3x2x3x3xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x2x17x17xf32>, tensor<1x6x16x16xf32>) {
  %none = nn.none
  // CHECK: nn.conv %{{.*}}, %{{.*}}, %{{.*}} {auto_pad = "SAME_LOWER"} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %0 = nn.conv %x, %w, %b {auto_pad = "SAME_LOWER"} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  // CHECK: nn.conv_transpose %{{.*}}, %{{.*}}, %{{.*}} {strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<3x2x3x3xf32>, none) -> tensor<1x2x17x17xf32>
  %1 = nn.conv_transpose %x, %wt, %none {strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<3x2x3x3xf32>, none) -> tensor<1x2x17x17xf32>
  // CHECK: nn.conv_transpose %{{.*}}, %{{.*}}, %{{.*}} {group = 3 : i64, output_padding = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<3x2x3x3xf32>, none) -> tensor<1x6x16x16xf32>
  %2 = nn.conv_transpose %x, %wt, %none {group = 3 : i64, output_padding = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<3x2x3x3xf32>, none) -> tensor<1x6x16x16xf32>
  return %0, %1, %2 : tensor<1x4x8x8xf32>, tensor<1x2x17x17xf32>, tensor<1x6x16x16xf32>
}

// CHECK-LABEL: func.func @dynamic_batch
func.func @dynamic_batch(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<?x4x6x6xf32>, tensor<?x3x4x4xf32>) {
  %none = nn.none
  // CHECK: nn.conv {{.*}} -> tensor<?x4x6x6xf32>
  %0 = nn.conv %x, %w, %none : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<?x4x6x6xf32>
  // CHECK: nn.average_pool {{.*}} -> tensor<?x3x4x4xf32>
  %1 = nn.average_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x3x8x8xf32>) -> tensor<?x3x4x4xf32>
  return %0, %1 : tensor<?x4x6x6xf32>, tensor<?x3x4x4xf32>
}

// CHECK-LABEL: func.func @matrix_products
func.func @matrix_products(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<1x4xf32>, %v: tensor<3xf32>, %ba: tensor<6x1x2x3xf32>, %bb: tensor<5x3x4xf32>) -> (tensor<2x4xf32>, tensor<f32>, tensor<6x5x2x4xf32>, tensor<4xf32>) {
  // CHECK: nn.gemm %{{.*}}, %{{.*}}, %{{.*}} {alpha = 2.000000e+00 : f32, beta = 5.000000e-01 : f32} : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<1x4xf32>) -> tensor<2x4xf32>
  %0 = nn.gemm %a, %b, %c {alpha = 2.0 : f32, beta = 0.5 : f32, transB = 0 : i64} : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<1x4xf32>) -> tensor<2x4xf32>
  // CHECK: nn.matmul %{{.*}}, %{{.*}} : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  %1 = nn.matmul %v, %v : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  // CHECK: nn.matmul %{{.*}}, %{{.*}} : (tensor<6x1x2x3xf32>, tensor<5x3x4xf32>) -> tensor<6x5x2x4xf32>
  %2 = nn.matmul %ba, %bb : (tensor<6x1x2x3xf32>, tensor<5x3x4xf32>) -> tensor<6x5x2x4xf32>
  // CHECK: nn.matmul %{{.*}}, %{{.*}} : (tensor<3xf32>, tensor<3x4xf32>) -> tensor<4xf32>
  %3 = nn.matmul %v, %b : (tensor<3xf32>, tensor<3x4xf32>) -> tensor<4xf32>
  return %0, %1, %2, %3 : tensor<2x4xf32>, tensor<f32>, tensor<6x5x2x4xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @normalizations
func.func @normalizations(%x: tensor<2x3x4x4xf32>, %p: tensor<3xf32>, %s: tensor<4x4xf32>) -> (tensor<2x3x4x4xf32>, tensor<2x3x4x4xf32>, tensor<2x3x4x4xf32>, tensor<2x1x1x1xbf16>, tensor<2x3x4x4xf32>) {
  %none = nn.none
  // CHECK: nn.batch_normalization %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-03 : f32, momentum = 5.000000e-01 : f32} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  %0 = nn.batch_normalization %x, %p, %p, %p, %p {epsilon = 1.0e-3 : f32, momentum = 0.5 : f32} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  // CHECK: nn.instance_normalization %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  %1 = nn.instance_normalization %x, %p, %p : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  // CHECK: nn.layer_normalization %{{.*}}, %{{.*}}, %{{.*}} {axis = 1 : i64, stash_type = 16 : i64} : (tensor<2x3x4x4xf32>, tensor<4x4xf32>, none) -> (tensor<2x3x4x4xf32>, tensor<2x1x1x1xbf16>, tensor<2x1x1x1xbf16>)
  %2:3 = nn.layer_normalization %x, %s, %none {axis = 1 : i64, stash_type = 16 : i64} : (tensor<2x3x4x4xf32>, tensor<4x4xf32>, none) -> (tensor<2x3x4x4xf32>, tensor<2x1x1x1xbf16>, tensor<2x1x1x1xbf16>)
  // CHECK: nn.lrn %{{.*}} {size = 3 : i64} : (tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32>
  %3 = nn.lrn %x {size = 3 : i64} : (tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32>
  return %0, %1, %2#0, %2#1, %3 : tensor<2x3x4x4xf32>, tensor<2x3x4x4xf32>, tensor<2x3x4x4xf32>, tensor<2x1x1x1xbf16>, tensor<2x3x4x4xf32>
}

// CHECK-LABEL: func.func @pooling
func.func @pooling(%x: tensor<1x3x9x9xf32>) -> (tensor<1x3x5x5xf32>, tensor<1x3x5x5xi64>, tensor<1x3x4x4xf32>, tensor<1x3x1x1xf32>, tensor<1x3x1x1xf32>) {
  // CHECK: nn.max_pool %{{.*}} {ceil_mode = 1 : i64, kernel_shape = array<i64: 2, 2>, storage_order = 1 : i64, strides = array<i64: 2, 2>} : (tensor<1x3x9x9xf32>) -> (tensor<1x3x5x5xf32>, tensor<1x3x5x5xi64>)
  %0:2 = nn.max_pool %x {ceil_mode = 1 : i64, kernel_shape = array<i64: 2, 2>, storage_order = 1 : i64, strides = array<i64: 2, 2>} : (tensor<1x3x9x9xf32>) -> (tensor<1x3x5x5xf32>, tensor<1x3x5x5xi64>)
  // CHECK: nn.average_pool %{{.*}} {count_include_pad = 1 : i64, dilations = array<i64: 2, 2>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x9x9xf32>) -> tensor<1x3x4x4xf32>
  %1 = nn.average_pool %x {count_include_pad = 1 : i64, dilations = array<i64: 2, 2>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x9x9xf32>) -> tensor<1x3x4x4xf32>
  // CHECK: nn.global_average_pool %{{.*}} : (tensor<1x3x9x9xf32>) -> tensor<1x3x1x1xf32>
  %2 = nn.global_average_pool %x : (tensor<1x3x9x9xf32>) -> tensor<1x3x1x1xf32>
  // CHECK: nn.global_max_pool %{{.*}} : (tensor<1x3x9x9xf32>) -> tensor<1x3x1x1xf32>
  %3 = nn.global_max_pool %x : (tensor<1x3x9x9xf32>) -> tensor<1x3x1x1xf32>
  return %0#0, %0#1, %1, %2, %3 : tensor<1x3x5x5xf32>, tensor<1x3x5x5xi64>, tensor<1x3x4x4xf32>, tensor<1x3x1x1xf32>, tensor<1x3x1x1xf32>
}

// CHECK-LABEL: func.func @softmax_dropout
func.func @softmax_dropout(%x: tensor<2x5xf16>) -> (tensor<2x5xf16>, tensor<2x5xf16>, tensor<2x5xf16>, tensor<2x5xi1>) {
  %none = nn.none
  // CHECK: nn.softmax %{{.*}} {axis = 0 : i64} : (tensor<2x5xf16>) -> tensor<2x5xf16>
  %0 = nn.softmax %x {axis = 0 : i64} : (tensor<2x5xf16>) -> tensor<2x5xf16>
  // CHECK: nn.log_softmax %{{.*}} : (tensor<2x5xf16>) -> tensor<2x5xf16>
  %1 = nn.log_softmax %x : (tensor<2x5xf16>) -> tensor<2x5xf16>
  // CHECK: nn.dropout %{{.*}}, %{{.*}}, %{{.*}} {seed = 3 : i64} : (tensor<2x5xf16>, none, none) -> (tensor<2x5xf16>, tensor<2x5xi1>)
  %2:2 = nn.dropout %x, %none, %none {seed = 3 : i64} : (tensor<2x5xf16>, none, none) -> (tensor<2x5xf16>, tensor<2x5xi1>)
  return %0, %1, %2#0, %2#1 : tensor<2x5xf16>, tensor<2x5xf16>, tensor<2x5xf16>, tensor<2x5xi1>
}

// CHECK-LABEL: func.func @resampling
func.func @resampling(%x: tensor<1x3x4x6xf32>, %dyn: tensor<4xf32>) -> (tensor<1x3x8x12xf32>, tensor<1x3x5x5xf32>, tensor<?x?x?x?xf32>, tensor<1x3x6x9xf32>, tensor<1x3x8x12xf32>) {
  %none = nn.none
  %scales = nn.constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
  %sizes = nn.constant dense<[5, 5]> : tensor<2xi64>
  %up = nn.constant dense<[1.0, 1.0, 1.5, 1.5]> : tensor<4xf32>
  // CHECK: nn.resize %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {coordinate_transformation_mode = "asymmetric", nearest_mode = "floor"} : (tensor<1x3x4x6xf32>, none, tensor<4xf32>, none) -> tensor<1x3x8x12xf32>
  %0 = nn.resize %x, %none, %scales, %none {coordinate_transformation_mode = "asymmetric", nearest_mode = "floor"} : (tensor<1x3x4x6xf32>, none, tensor<4xf32>, none) -> tensor<1x3x8x12xf32>
  // CHECK: nn.resize %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {axes = array<i64: 2, 3>, mode = "cubic"} : (tensor<1x3x4x6xf32>, none, none, tensor<2xi64>) -> tensor<1x3x5x5xf32>
  %1 = nn.resize %x, %none, %none, %sizes {axes = array<i64: 2, 3>, mode = "cubic"} : (tensor<1x3x4x6xf32>, none, none, tensor<2xi64>) -> tensor<1x3x5x5xf32>
  // Non-constant scales leave the resized dimensions dynamic.
  // CHECK: nn.resize {{.*}} -> tensor<?x?x?x?xf32>
  %2 = nn.resize %x, %none, %dyn, %none : (tensor<1x3x4x6xf32>, none, tensor<4xf32>, none) -> tensor<?x?x?x?xf32>
  // CHECK: nn.upsample %{{.*}}, %{{.*}} : (tensor<1x3x4x6xf32>, tensor<4xf32>) -> tensor<1x3x6x9xf32>
  %3 = nn.upsample %x, %up : (tensor<1x3x4x6xf32>, tensor<4xf32>) -> tensor<1x3x6x9xf32>
  // CHECK: nn.upsample %{{.*}}, %{{.*}} {mode = "linear"} : (tensor<1x3x4x6xf32>, tensor<4xf32>) -> tensor<1x3x8x12xf32>
  %4 = nn.upsample %x, %scales {mode = "linear"} : (tensor<1x3x4x6xf32>, tensor<4xf32>) -> tensor<1x3x8x12xf32>
  return %0, %1, %2, %3, %4 : tensor<1x3x8x12xf32>, tensor<1x3x5x5xf32>, tensor<?x?x?x?xf32>, tensor<1x3x6x9xf32>, tensor<1x3x8x12xf32>
}
