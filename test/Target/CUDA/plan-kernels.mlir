// RUN: whittle-opt --whittle-cuda-plan=gpu=sm_80 %s | FileCheck %s
// RUN: whittle-opt --whittle-cuda-plan %s | FileCheck %s --check-prefix=SM90

// Every op gets its kernel: a 3x3 convolution over 16 channels on the
// tensor cores with its requantize in the epilogue, a depthwise one on
// dp4a, a 1x1 one whose requantize and residual add (the quantized input,
// computed before it) are both fused, a grouped convolution on the CUDA
// cores, a flatten of NHWC data (a copy into row-major order), a
// matrix product on the tensor cores and one with K = 20 on the CUDA
// cores (with four groups); pools and the edges are their own kernels.

// CHECK-LABEL: module attributes
// CHECK-SAME: whittle.cuda.arena_bytes = [[ARENA:[0-9]+]]
// CHECK-SAME: whittle.cuda.gpu = "sm_80"
// CHECK-SAME: whittle.cuda.time_us
// SM90: whittle.cuda.gpu = "sm_90a"
module {
  // The caller's input and output each have a row-major staging region.
  // CHECK: func.func @main(%{{.*}}: tensor<2x16x8x8xf32> {nn.name = "image", whittle.cuda.staging = {{[0-9]+}} : i64}
  // CHECK-SAME: {nn.name = "logits", whittle.cuda.staging = {{[0-9]+}} : i64}
  func.func @main(%arg0: tensor<2x16x8x8xf32> {nn.name = "image"}) -> (tensor<2x10xf32> {nn.name = "logits"}, tensor<2x4xi8>) {
    %w1 = nn.constant dense<1> : tensor<16x16x3x3xi8>
    %w2 = nn.constant dense<2> : tensor<16x1x3x3xi8>
    %w3 = nn.constant dense<1> : tensor<16x16x1x1xi8>
    %w4 = nn.constant dense<1> : tensor<4x4x3x3xi8>
    %fc = nn.constant dense<1> : tensor<1024x10xi8>
    %fc2 = nn.constant dense<1> : tensor<20x4xi8>
    // CHECK: qnn.quantize
    // CHECK-SAME: whittle.cuda.kernel = "quantize", whittle.cuda.layout = "nhwc", whittle.cuda.offset = [[Q:[0-9]+]]
    %q = qnn.quantize %arg0 {scale = array<f32: 0.1>, zero_point = array<i32: 0>} : (tensor<2x16x8x8xf32>) -> tensor<2x16x8x8xi8>
    // CHECK: qnn.conv
    // CHECK-SAME: whittle.cuda.epilogue = "requantize", whittle.cuda.kernel = "conv.tensor_core", whittle.cuda.tile = array<i64: {{[0-9]+}}, {{[0-9]+}}, 64, {{[0-9]+}}, 32, {{[0-9]+}}>, whittle.cuda.time_us
    %c1 = qnn.conv %q, %w1 {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>} : (tensor<2x16x8x8xi8>, tensor<16x16x3x3xi8>) -> tensor<2x16x8x8xi32>
    // CHECK: qnn.requantize
    // CHECK-SAME: whittle.cuda.kernel = "fused", whittle.cuda.layout = "nhwc", whittle.cuda.offset = [[R1:[0-9]+]]
    %r1 = qnn.requantize %c1 {multiplier = array<i32: 1073741824>, shift = array<i32: 40>} : (tensor<2x16x8x8xi32>) -> tensor<2x16x8x8xi8>
    // CHECK: qnn.conv
    // CHECK-SAME: whittle.cuda.epilogue = "requantize", whittle.cuda.kernel = "conv.depthwise"
    // CHECK-NOT: whittle.cuda.tile
    // CHECK-SAME: whittle.cuda.time_us
    %c2 = qnn.conv %r1, %w2 {dilations = array<i64: 1, 1>, group = 16 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>} : (tensor<2x16x8x8xi8>, tensor<16x1x3x3xi8>) -> tensor<2x16x8x8xi32>
    // CHECK: qnn.requantize
    // CHECK-SAME: whittle.cuda.kernel = "fused"
    %r2 = qnn.requantize %c2 {multiplier = array<i32: 1073741824>, shift = array<i32: 40>} : (tensor<2x16x8x8xi32>) -> tensor<2x16x8x8xi8>
    // CHECK: qnn.conv
    // CHECK-SAME: whittle.cuda.epilogue = "requantize_add", whittle.cuda.kernel = "conv.tensor_core"
    %c3 = qnn.conv %r2, %w3 {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_zero_point = array<i32: 0>} : (tensor<2x16x8x8xi8>, tensor<16x16x1x1xi8>) -> tensor<2x16x8x8xi32>
    // CHECK: qnn.requantize
    // CHECK-SAME: whittle.cuda.kernel = "fused"
    // CHECK-NOT: whittle.cuda.offset
    // CHECK: qnn.add
    // CHECK-SAME: whittle.cuda.kernel = "fused", whittle.cuda.layout = "nhwc", whittle.cuda.offset = [[SUM:[0-9]+]]
    %r3 = qnn.requantize %c3 {multiplier = array<i32: 1073741824>, shift = array<i32: 40>} : (tensor<2x16x8x8xi32>) -> tensor<2x16x8x8xi8>
    %s = qnn.add %r3, %q {a_multiplier = 1 : i32, b_multiplier = 1 : i32, shift = 0 : i32} : (tensor<2x16x8x8xi8>, tensor<2x16x8x8xi8>) -> tensor<2x16x8x8xi8>
    // CHECK: nn.flatten
    // CHECK-SAME: whittle.cuda.kernel = "relayout", whittle.cuda.layout = "rowmajor"
    %f = nn.flatten %s {axis = 1 : i64} : (tensor<2x16x8x8xi8>) -> tensor<2x1024xi8>
    // CHECK: qnn.matmul
    // CHECK-SAME: whittle.cuda.epilogue = "requantize", whittle.cuda.kernel = "matmul.tensor_core"
    %m = qnn.matmul %f, %fc {b_zero_point = array<i32: 0>} : (tensor<2x1024xi8>, tensor<1024x10xi8>) -> tensor<2x10xi32>
    %r4 = qnn.requantize %m {multiplier = array<i32: 1073741824>, shift = array<i32: 40>} : (tensor<2x10xi32>) -> tensor<2x10xi8>
    // CHECK: qnn.dequantize
    // CHECK-SAME: whittle.cuda.kernel = "dequantize", whittle.cuda.layout = "rowmajor"
    %d = qnn.dequantize %r4 {scale = array<f32: 0.25>, zero_point = array<i32: 0>} : (tensor<2x10xi8>) -> tensor<2x10xf32>
    // CHECK: qnn.max_pool
    // CHECK-SAME: whittle.cuda.kernel = "max_pool"
    %p = qnn.max_pool %q {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<2x16x8x8xi8>) -> tensor<2x16x4x4xi8>
    // Four groups: the CUDA cores, weight zero points and all.
    // CHECK: qnn.conv
    // CHECK-SAME: whittle.cuda.epilogue = "requantize", whittle.cuda.kernel = "conv.direct"
    %c4 = qnn.conv %p, %w4 {dilations = array<i64: 1, 1>, group = 4 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, weight_zero_point = array<i32: 3>} : (tensor<2x16x4x4xi8>, tensor<4x4x3x3xi8>) -> tensor<2x4x2x2xi32>
    %r5 = qnn.requantize %c4 {multiplier = array<i32: 1073741824>, shift = array<i32: 40>} : (tensor<2x4x2x2xi32>) -> tensor<2x4x2x2xi8>
    // CHECK: qnn.global_avg_pool
    // CHECK-SAME: whittle.cuda.kernel = "global_avg_pool", whittle.cuda.layout = "nhwc", whittle.cuda.offset = [[POOL:[0-9]+]]
    %g = qnn.global_avg_pool %r5 {multiplier = 1 : i32, shift = 0 : i32} : (tensor<2x4x2x2xi8>) -> tensor<2x4x1x1xi8>
    // A flatten of a 1x1 map reads the pool's buffer: channels-last is
    // row-major there.
    // CHECK: nn.flatten
    // CHECK-SAME: whittle.cuda.kernel = "view", whittle.cuda.layout = "rowmajor", whittle.cuda.offset = [[POOL]]
    %f2 = nn.flatten %g {axis = 1 : i64} : (tensor<2x4x1x1xi8>) -> tensor<2x4xi8>
    return %d, %f2 : tensor<2x10xf32>, tensor<2x4xi8>
  }
}
