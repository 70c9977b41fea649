// RUN: whittle-opt %s --whittle-sparsify="granularity=channel layer-sparsity=conv1:0.5" -split-input-file -verify-diagnostics | FileCheck %s

// conv -> relu -> conv: conv1's filters have L2 norms 1, 0.1, 2, 0.2, so
// channels 1 and 3 go from its weights and bias, from the relu's result
// and from conv2's input channels. The graph shrinks.
// CHECK-LABEL: func.func @conv_relu_conv
// CHECK-DAG: %[[W1:.*]] = nn.constant dense<{{\[\[\[\[}}1.000000e+00]]], {{\[\[\[}}2.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B1:.*]] = nn.constant dense<[1.000000e-01, 3.000000e-01]> : tensor<2xf32>
// CHECK: %[[C1:.*]] = nn.conv %{{.*}}, %[[W1]], %[[B1]] {whittle.compression = #nn.compression<layer = "conv1", form = "mask-channel"{{.*}}, params_before = 8, params_after = 4, macs_before = 16, macs_after = 8
// CHECK-SAME: whittle.sparsity = #nn.sparsity<channel, sparsity = 5.000000e-01{{.*}}, out_axis = 0, in_axis = 1
// CHECK-SAME: -> tensor<1x2x2x2xf32>
// CHECK: %[[R:.*]] = nn.relu %[[C1]] : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
// CHECK: %[[W2:.*]] = nn.constant dense<{{\[\[\[\[}}1.000000e+00]], {{\[\[}}3.000000e+00]]], {{\[\[\[}}5.000000e+00]], {{\[\[}}7.000000e+00]]]]> : tensor<2x2x1x1xf32>
// CHECK: nn.conv %[[R]], %[[W2]], %{{.*}} {whittle.compression = #nn.compression<layer = "conv2", form = "mask-channel"{{.*}}, params_before = 10, params_after = 6, macs_before = 32, macs_after = 16
// CHECK-SAME: (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
func.func @conv_relu_conv(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w1 = nn.constant dense<[[[[1.0]]], [[[0.1]]], [[[2.0]]], [[[-0.2]]]]> : tensor<4x1x1x1xf32>
  %b1 = nn.constant dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>
  %w2 = nn.constant dense<[[[[1.0]], [[2.0]], [[3.0]], [[4.0]]], [[[5.0]], [[6.0]], [[7.0]], [[8.0]]]]> : tensor<2x4x1x1xf32>
  %b2 = nn.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %0 = nn.conv %x, %w1, %b1 : (tensor<1x1x2x2xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32> loc("conv1")
  %1 = nn.relu %0 : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  %2 = nn.conv %1, %w2, %b2 : (tensor<1x4x2x2xf32>, tensor<2x4x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32> loc("conv2")
  return %2 : tensor<1x2x2x2xf32>
}

// -----

// conv -> batch_normalization -> relu -> max_pool -> conv: the
// normalization's four parameter vectors lose the channels too.
// CHECK-LABEL: func.func @conv_bn_relu_conv
// CHECK-DAG: nn.constant dense<[1.000000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK-DAG: nn.constant dense<[1.000000e+01, 3.000000e+01]> : tensor<2xf32>
// CHECK-DAG: nn.constant dense<[5.000000e-01, 1.500000e+00]> : tensor<2xf32>
// CHECK-DAG: nn.constant dense<[2.000000e+00, 4.000000e+00]> : tensor<2xf32>
// CHECK: nn.batch_normalization {{.*}} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
// CHECK: nn.relu {{.*}} -> tensor<1x2x2x2xf32>
// CHECK: nn.max_pool {{.*}} -> (tensor<1x2x1x1xf32>, tensor<1x2x1x1xi64>)
// CHECK: nn.conv {{.*}} : (tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>, none) -> tensor<1x1x1x1xf32>
func.func @conv_bn_relu_conv(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x1x1xf32> {
  %none = nn.none
  %w1 = nn.constant dense<[[[[1.0]]], [[[0.1]]], [[[2.0]]], [[[-0.2]]]]> : tensor<4x1x1x1xf32>
  %scale = nn.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %beta = nn.constant dense<[10.0, 20.0, 30.0, 40.0]> : tensor<4xf32>
  %mean = nn.constant dense<[0.5, 1.0, 1.5, 2.0]> : tensor<4xf32>
  %var = nn.constant dense<[2.0, 3.0, 4.0, 5.0]> : tensor<4xf32>
  %w2 = nn.constant dense<[[[[1.0]], [[2.0]], [[3.0]], [[4.0]]]]> : tensor<1x4x1x1xf32>
  %0 = nn.conv %x, %w1, %none : (tensor<1x1x2x2xf32>, tensor<4x1x1x1xf32>, none) -> tensor<1x4x2x2xf32> loc("conv1")
  %1 = nn.batch_normalization %0, %scale, %beta, %mean, %var : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
  %2 = nn.relu %1 : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  %3, %indices = nn.max_pool %2 {kernel_shape = array<i64: 2, 2>} : (tensor<1x4x2x2xf32>) -> (tensor<1x4x1x1xf32>, tensor<1x4x1x1xi64>)
  %4 = nn.conv %3, %w2, %none : (tensor<1x4x1x1xf32>, tensor<1x4x1x1xf32>, none) -> tensor<1x1x1x1xf32> loc("conv2")
  return %4 : tensor<1x1x1x1xf32>
}

// -----

// conv -> relu -> flatten -> gemm: channel c owns the H*W = 4 columns
// 4c .. 4c+3 of the flattened input, so removing channel 1 of 2 removes
// columns 4..7 of the gemm's B [N, K].
// CHECK-LABEL: func.func @conv_flatten_gemm
// CHECK: nn.conv {{.*}} -> tensor<1x1x2x2xf32>
// CHECK: nn.relu {{.*}} -> tensor<1x1x2x2xf32>
// CHECK: nn.flatten {{.*}} -> tensor<1x4xf32>
// CHECK: %[[B:.*]] = nn.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00], [9.000000e+00, 1.000000e+01, 1.100000e+01, 1.200000e+01]]> : tensor<2x4xf32>
// CHECK: nn.gemm %{{.*}}, %[[B]], %{{.*}} {transB = 1 : i64, whittle.compression = #nn.compression<layer = "fc", form = "mask-channel"{{.*}}, macs_before = 16, macs_after = 8
// CHECK-SAME: (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
func.func @conv_flatten_gemm(%x: tensor<1x1x2x2xf32>) -> tensor<1x2xf32> {
  %none = nn.none
  %w1 = nn.constant dense<[[[[3.0]]], [[[0.5]]]]> : tensor<2x1x1x1xf32>
  %b = nn.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0]]> : tensor<2x8xf32>
  %c = nn.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %0 = nn.conv %x, %w1, %none : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, none) -> tensor<1x2x2x2xf32> loc("conv1")
  %1 = nn.relu %0 : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %2 = nn.flatten %1 : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
  %3 = nn.gemm %2, %b, %c {transB = 1 : i64} : (tensor<1x8xf32>, tensor<2x8xf32>, tensor<2xf32>) -> tensor<1x2xf32> loc("fc")
  return %3 : tensor<1x2xf32>
}


// -----

// MobileNet's inverted residual: expand 1x1 conv -> clip -> depthwise conv
// -> clip -> project 1x1 conv. The depthwise conv's channel c is its filter
// c alone, so the removed channels (1 and 3) pass through it: it loses
// those filters, bias entries and groups.
// CHECK-LABEL: func.func @through_depthwise
// CHECK: nn.conv {{.*}} -> tensor<1x2x3x3xf32>
// CHECK: nn.clip {{.*}} -> tensor<1x2x3x3xf32>
// CHECK: %[[DW:.*]] = nn.constant dense<{{\[\[\[\[}}1.000000e+00, 1.000000e+00, 1.000000e+00], [1.000000e+00, 1.000000e+00, 1.000000e+00], [1.000000e+00, 1.000000e+00, 1.000000e+00]]], {{\[\[\[}}3.000000e+00, 3.000000e+00, 3.000000e+00], [3.000000e+00, 3.000000e+00, 3.000000e+00], [3.000000e+00, 3.000000e+00, 3.000000e+00]]]]> : tensor<2x1x3x3xf32>
// CHECK: %[[DB:.*]] = nn.constant dense<[1.000000e-01, 3.000000e-01]> : tensor<2xf32>
// CHECK: nn.conv %{{.*}}, %[[DW]], %[[DB]] {group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, whittle.compression = #nn.compression<layer = "dw", form = "mask-channel"
// CHECK-SAME: -> tensor<1x2x3x3xf32>
// CHECK: nn.clip {{.*}} -> tensor<1x2x3x3xf32>
// CHECK: nn.conv {{.*}} : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>, none) -> tensor<1x1x3x3xf32>
func.func @through_depthwise(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %none = nn.none
  %lo = nn.constant dense<0.0> : tensor<f32>
  %hi = nn.constant dense<6.0> : tensor<f32>
  %w1 = nn.constant dense<[[[[1.0]]], [[[0.1]]], [[[2.0]]], [[[-0.2]]]]> : tensor<4x1x1x1xf32>
  %dw = nn.constant dense<[[[[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]], [[[2.0, 2.0, 2.0], [2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]], [[[3.0, 3.0, 3.0], [3.0, 3.0, 3.0], [3.0, 3.0, 3.0]]], [[[4.0, 4.0, 4.0], [4.0, 4.0, 4.0], [4.0, 4.0, 4.0]]]]> : tensor<4x1x3x3xf32>
  %db = nn.constant dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>
  %w2 = nn.constant dense<[[[[1.0]], [[2.0]], [[3.0]], [[4.0]]]]> : tensor<1x4x1x1xf32>
  %0 = nn.conv %x, %w1, %none : (tensor<1x1x3x3xf32>, tensor<4x1x1x1xf32>, none) -> tensor<1x4x3x3xf32> loc("conv1")
  %1 = nn.clip %0, %lo, %hi : (tensor<1x4x3x3xf32>, tensor<f32>, tensor<f32>) -> tensor<1x4x3x3xf32>
  %2 = nn.conv %1, %dw, %db {group = 4 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x3x3xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<1x4x3x3xf32> loc("dw")
  %3 = nn.clip %2, %lo, %hi : (tensor<1x4x3x3xf32>, tensor<f32>, tensor<f32>) -> tensor<1x4x3x3xf32>
  %4 = nn.conv %3, %w2, %none : (tensor<1x4x3x3xf32>, tensor<1x4x1x1xf32>, none) -> tensor<1x1x3x3xf32> loc("conv2")
  return %4 : tensor<1x1x3x3xf32>
}

// -----

// Fully connected layers: gemm (transB) -> relu -> matmul. The gemm's
// output channels are the rows of B [N, K] and the entries of C; the
// matmul loses the matching rows of its B [K, N] (its reduction axis).
// CHECK-LABEL: func.func @gemm_relu_matmul
// CHECK-DAG: nn.constant dense<{{\[\[}}1.000000e+00, 1.000000e+00], [3.000000e+00, 3.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: nn.constant dense<[1.000000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK: nn.gemm {{.*}} -> tensor<1x2xf32>
// CHECK: nn.relu {{.*}} -> tensor<1x2xf32>
// CHECK: nn.constant dense<{{\[\[}}1.000000e+00], [3.000000e+00]]> : tensor<2x1xf32>
// CHECK: nn.matmul {{.*}} : (tensor<1x2xf32>, tensor<2x1xf32>) -> tensor<1x1xf32>
func.func @gemm_relu_matmul(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  %w1 = nn.constant dense<[[1.0, 1.0], [0.1, 0.1], [3.0, 3.0], [0.2, 0.2]]> : tensor<4x2xf32>
  %c1 = nn.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %w2 = nn.constant dense<[[1.0], [2.0], [3.0], [4.0]]> : tensor<4x1xf32>
  %0 = nn.gemm %x, %w1, %c1 {transB = 1 : i64} : (tensor<1x2xf32>, tensor<4x2xf32>, tensor<4xf32>) -> tensor<1x4xf32> loc("conv1")
  %1 = nn.relu %0 : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %2 = nn.matmul %1, %w2 : (tensor<1x4xf32>, tensor<4x1xf32>) -> tensor<1x1xf32> loc("fc")
  return %2 : tensor<1x1xf32>
}
