// RUN: whittle-opt %s -split-input-file -verify-diagnostics

func.func @conv_1(%x: tensor<1x3x8xf32>, %w: tensor<4x3x3x3xf32>) {
  %none = nn.none
  // expected-error @+2 {{Conv expects X of rank >= 3 and W of the same rank, got ranks 3 and 4}}
  // expected-error @+1 {{'nn.conv' op failed to infer returned types}}
  %0 = nn.conv %x, %w, %none : (tensor<1x3x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x6xf32>
  return
}

// -----

func.func @conv_transpose_1(%x: tensor<1x2x5x5xf32>, %w: tensor<2x3x3x3xf32>) {
  %none = nn.none
  // expected-error @+2 {{'output_padding' value 1 must be non-negative and smaller than the stride (1) or the dilation (1)}}
  // expected-error @+1 {{'nn.conv_transpose' op failed to infer returned types}}
  %0 = nn.conv_transpose %x, %w, %none {output_padding = array<i64: 1, 1>} : (tensor<1x2x5x5xf32>, tensor<2x3x3x3xf32>, none) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @conv_transpose_2(%x: tensor<1x2x5x5xf32>, %w: tensor<2x3x3x3xf32>) {
  %none = nn.none
  // expected-error @+2 {{'pads' cannot be used together with auto_pad 'SAME_UPPER'}}
  // expected-error @+1 {{'nn.conv_transpose' op failed to infer returned types}}
  %0 = nn.conv_transpose %x, %w, %none {auto_pad = "SAME_UPPER", pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x5x5xf32>, tensor<2x3x3x3xf32>, none) -> tensor<1x3x5x5xf32>
  return
}

// -----

func.func @conv_transpose_3(%x: tensor<1x2x5x5xf32>, %w: tensor<2x3x3x3xf32>) {
  %none = nn.none
  // expected-error @+2 {{'output_shape' has 4 values, expected one per spatial dimension (2)}}
  // expected-error @+1 {{'nn.conv_transpose' op failed to infer returned types}}
  %0 = nn.conv_transpose %x, %w, %none {output_shape = array<i64: 1, 3, 10, 10>} : (tensor<1x2x5x5xf32>, tensor<2x3x3x3xf32>, none) -> tensor<1x3x10x10xf32>
  return
}

// -----

func.func @conv_transpose_4(%x: tensor<1x2x5x5xf32>, %w: tensor<2x3x3x3xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.conv_transpose' op 'group' must be positive, got 0}}
  %0 = nn.conv_transpose %x, %w, %none {group = 0 : i64} : (tensor<1x2x5x5xf32>, tensor<2x3x3x3xf32>, none) -> tensor<1x3x7x7xf32>
  return
}

// -----

func.func @gemm_1(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) {
  %none = nn.none
  // expected-error @+2 {{Gemm expects 2-D A and B, got ranks 3 and 2}}
  // expected-error @+1 {{'nn.gemm' op failed to infer returned types}}
  %0 = nn.gemm %a, %b, %none : (tensor<2x3x4xf32>, tensor<4x5xf32>, none) -> tensor<2x5xf32>
  return
}

// -----

func.func @gemm_2(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  %none = nn.none
  // expected-error @+2 {{Gemm inner dimensions differ: A' is [3,2] and B' is [4,5]}}
  // expected-error @+1 {{'nn.gemm' op failed to infer returned types}}
  %0 = nn.gemm %a, %b, %none {transA = 1 : i64} : (tensor<2x3xf32>, tensor<4x5xf32>, none) -> tensor<3x5xf32>
  return
}

// -----

func.func @gemm_3(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>) {
  %none = nn.none
  // expected-error @+2 {{'transA' and 'transB' must be 0 or 1}}
  // expected-error @+1 {{'nn.gemm' op failed to infer returned types}}
  %0 = nn.gemm %a, %b, %none {transB = 2 : i64} : (tensor<2x3xf32>, tensor<3x5xf32>, none) -> tensor<2x5xf32>
  return
}

// -----

func.func @matmul_1(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  %none = nn.none
  // expected-error @+2 {{matmul contracts dimension of size 3 with dimension of size 4; shapes [2,3] and [4,5] are incompatible}}
  // expected-error @+1 {{'nn.matmul' op failed to infer returned types}}
  %0 = nn.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @matmul_2(%a: tensor<2x2x3xf32>, %b: tensor<4x3x5xf32>) {
  %none = nn.none
  // expected-error @+2 {{shapes [2] and [4] are not broadcast-compatible}}
  // expected-error @+1 {{'nn.matmul' op failed to infer returned types}}
  %0 = nn.matmul %a, %b : (tensor<2x2x3xf32>, tensor<4x3x5xf32>) -> tensor<4x2x5xf32>
  return
}

// -----

func.func @matmul_3(%a: tensor<f32>, %b: tensor<3xf32>) {
  %none = nn.none
  // expected-error @+2 {{matmul operands must have rank >= 1, got ranks 0 and 1}}
  // expected-error @+1 {{'nn.matmul' op failed to infer returned types}}
  %0 = nn.matmul %a, %b : (tensor<f32>, tensor<3xf32>) -> tensor<f32>
  return
}

// -----

func.func @batch_normalization_1(%x: tensor<3xf32>, %p: tensor<3xf32>) {
  %none = nn.none
  // expected-error @+2 {{BatchNormalization expects X of rank >= 2 (N x C x ...), got rank 1}}
  // expected-error @+1 {{'nn.batch_normalization' op failed to infer returned types}}
  %0 = nn.batch_normalization %x, %p, %p, %p, %p : (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @instance_normalization_1(%x: tensor<2x3xf32>, %p: tensor<3xf32>) {
  %none = nn.none
  // expected-error @+2 {{InstanceNormalization expects input of rank >= 3 (N x C x D1 ...), got rank 2}}
  // expected-error @+1 {{'nn.instance_normalization' op failed to infer returned types}}
  %0 = nn.instance_normalization %x, %p, %p : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @layer_normalization_1(%x: tensor<2x3xf32>, %s: tensor<3xf32>) {
  %none = nn.none
  // expected-error @+2 {{axis 2 is out of range for rank 2}}
  // expected-error @+1 {{'nn.layer_normalization' op failed to infer returned types}}
  %0:3 = nn.layer_normalization %x, %s, %none {axis = 2 : i64} : (tensor<2x3xf32>, tensor<3xf32>, none) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_normalization_2(%x: tensor<2x3xf32>, %s: tensor<3xf32>) {
  %none = nn.none
  // expected-error @+2 {{unsupported stash_type 10 (expected 1 for float or 16 for bfloat16)}}
  // expected-error @+1 {{'nn.layer_normalization' op failed to infer returned types}}
  %0:3 = nn.layer_normalization %x, %s, %none {stash_type = 10 : i64} : (tensor<2x3xf32>, tensor<3xf32>, none) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @lrn_1(%x: tensor<2x3xf32>) {
  %none = nn.none
  // expected-error @+2 {{LRN expects X of rank >= 3 (N x C x D1 ...), got rank 2}}
  // expected-error @+1 {{'nn.lrn' op failed to infer returned types}}
  %0 = nn.lrn %x {size = 3 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @max_pool_1(%x: tensor<1x3x8x8xf32>) {
  %none = nn.none
  // expected-error @+2 {{'ceil_mode' must be 0 or 1, got 2}}
  // expected-error @+1 {{'nn.max_pool' op failed to infer returned types}}
  %0:2 = nn.max_pool %x {ceil_mode = 2 : i64, kernel_shape = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>) -> (tensor<1x3x7x7xf32>, tensor<1x3x7x7xi64>)
  return
}

// -----

func.func @max_pool_2(%x: tensor<1x3x8x8xf32>) {
  %none = nn.none
  // expected-error @+2 {{kernel has 1 spatial dimensions but the input has 2}}
  // expected-error @+1 {{'nn.max_pool' op failed to infer returned types}}
  %0:2 = nn.max_pool %x {kernel_shape = array<i64: 2>} : (tensor<1x3x8x8xf32>) -> (tensor<1x3x7x7xf32>, tensor<1x3x7x7xi64>)
  return
}

// -----

func.func @average_pool_1(%x: tensor<1x3x8x8xf32>) {
  %none = nn.none
  // expected-error @+2 {{unsupported auto_pad value 'SAME' (expected NOTSET, VALID, SAME_UPPER or SAME_LOWER)}}
  // expected-error @+1 {{'nn.average_pool' op failed to infer returned types}}
  %0 = nn.average_pool %x {auto_pad = "SAME", kernel_shape = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @average_pool_2(%x: tensor<1x3x8x8xf32>) {
  %none = nn.none
  // expected-error @+2 {{'pads' has 2 values, expected 4}}
  // expected-error @+1 {{'nn.average_pool' op failed to infer returned types}}
  %0 = nn.average_pool %x {kernel_shape = array<i64: 2, 2>, pads = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @average_pool_3(%x: tensor<1x3x2x2xf32>) {
  %none = nn.none
  // expected-error @+2 {{window of size 3 does not fit spatial dimension 0 of size 2 with padding}}
  // expected-error @+1 {{'nn.average_pool' op failed to infer returned types}}
  %0 = nn.average_pool %x {kernel_shape = array<i64: 3, 3>} : (tensor<1x3x2x2xf32>) -> tensor<1x3x1x1xf32>
  return
}

// -----

func.func @global_average_pool_1(%x: tensor<2x3xf32>) {
  %none = nn.none
  // expected-error @+2 {{GlobalAveragePool expects X of rank >= 3 (N x C x D1 ...), got rank 2}}
  // expected-error @+1 {{'nn.global_average_pool' op failed to infer returned types}}
  %0 = nn.global_average_pool %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @global_max_pool_1(%x: tensor<2x3xf32>) {
  %none = nn.none
  // expected-error @+2 {{GlobalMaxPool expects X of rank >= 3 (N x C x D1 ...), got rank 2}}
  // expected-error @+1 {{'nn.global_max_pool' op failed to infer returned types}}
  %0 = nn.global_max_pool %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @softmax_1(%x: tensor<2x3xf32>) {
  %none = nn.none
  // expected-error @+2 {{axis 2 is out of range for rank 2}}
  // expected-error @+1 {{'nn.softmax' op failed to infer returned types}}
  %0 = nn.softmax %x {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @log_softmax_1(%x: tensor<2x3xf32>) {
  %none = nn.none
  // expected-error @+2 {{axis -3 is out of range for rank 2}}
  // expected-error @+1 {{'nn.log_softmax' op failed to infer returned types}}
  %0 = nn.log_softmax %x {axis = -3 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @resize_1(%x: tensor<1x3x4x4xf32>) {
  %none = nn.none
  // expected-error @+2 {{Resize needs exactly one of 'scales' and 'sizes', got neither}}
  // expected-error @+1 {{'nn.resize' op failed to infer returned types}}
  %0 = nn.resize %x, %none, %none, %none : (tensor<1x3x4x4xf32>, none, none, none) -> tensor<1x3x4x4xf32>
  return
}

// -----

func.func @resize_2(%x: tensor<1x3x4x4xf32>, %s: tensor<3xf32>) {
  %none = nn.none
  // expected-error @+2 {{'scales' must be 1-D with 4 elements (one per resized axis), got 'tensor<3xf32>'}}
  // expected-error @+1 {{'nn.resize' op failed to infer returned types}}
  %0 = nn.resize %x, %none, %s, %none : (tensor<1x3x4x4xf32>, none, tensor<3xf32>, none) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @resize_3(%x: tensor<1x3x4x4xf32>) {
  %none = nn.none
  %z = nn.constant dense<[1, 3, 0, 8]> : tensor<4xi64>
  // expected-error @+2 {{'sizes' must be positive}}
  // expected-error @+1 {{'nn.resize' op failed to infer returned types}}
  %0 = nn.resize %x, %none, %none, %z : (tensor<1x3x4x4xf32>, none, none, tensor<4xi64>) -> tensor<1x3x0x8xf32>
  return
}

// -----

func.func @resize_4(%x: tensor<1x3x4x4xf32>) {
  %none = nn.none
  %s = nn.constant dense<[1.0, 1.0, -2.0, 2.0]> : tensor<4xf32>
  // expected-error @+2 {{'scales' must be positive, got -2.000000e+00}}
  // expected-error @+1 {{'nn.resize' op failed to infer returned types}}
  %0 = nn.resize %x, %none, %s, %none : (tensor<1x3x4x4xf32>, none, tensor<4xf32>, none) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @resize_5(%x: tensor<1x3x4x4xf32>, %z: tensor<2xi64>) {
  %none = nn.none
  // expected-error @+2 {{'axes' repeats axis -2}}
  // expected-error @+1 {{'nn.resize' op failed to infer returned types}}
  %0 = nn.resize %x, %none, %none, %z {axes = array<i64: 2, -2>} : (tensor<1x3x4x4xf32>, none, none, tensor<2xi64>) -> tensor<1x3x?x4xf32>
  return
}

// -----

func.func @resize_6(%x: tensor<1x3x4x4xf32>, %z: tensor<2xi64>) {
  %none = nn.none
  // expected-error @+2 {{axis 4 is out of range for rank 4}}
  // expected-error @+1 {{'nn.resize' op failed to infer returned types}}
  %0 = nn.resize %x, %none, %none, %z {axes = array<i64: 2, 4>} : (tensor<1x3x4x4xf32>, none, none, tensor<2xi64>) -> tensor<1x3x?x?xf32>
  return
}

// -----

func.func @upsample_1(%x: tensor<1x3x4x4xf32>, %s: tensor<3xf32>) {
  %none = nn.none
  // expected-error @+2 {{'scales' must be 1-D with 4 elements (one per dimension of X), got 'tensor<3xf32>'}}
  // expected-error @+1 {{'nn.upsample' op failed to infer returned types}}
  %0 = nn.upsample %x, %s : (tensor<1x3x4x4xf32>, tensor<3xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_2(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.conv' op input has 3 channels but the weight expects 2 x group 1}}
  %0 = nn.conv %x, %w, %none : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>, none) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_3(%x: tensor<1x4x8x8xf32>, %w: tensor<3x2x3x3xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.conv' op output channels (3) must be divisible by 'group' (2)}}
  %0 = nn.conv %x, %w, %none {group = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<3x2x3x3xf32>, none) -> tensor<1x3x6x6xf32>
  return
}

// -----

func.func @conv_4(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.conv' op bias must have shape [4]}}
  %0 = nn.conv %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_transpose_5(%x: tensor<1x3x5x5xf32>, %w: tensor<2x3x3x3xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.conv_transpose' op input has 3 channels but W expects 2 (W is C x M/group x k...)}}
  %0 = nn.conv_transpose %x, %w, %none : (tensor<1x3x5x5xf32>, tensor<2x3x3x3xf32>, none) -> tensor<1x3x7x7xf32>
  return
}

// -----

func.func @conv_transpose_6(%x: tensor<1x3x5x5xf32>, %w: tensor<3x3x3x3xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.conv_transpose' op input channels (3) must be divisible by 'group' (2)}}
  %0 = nn.conv_transpose %x, %w, %none {group = 2 : i64} : (tensor<1x3x5x5xf32>, tensor<3x3x3x3xf32>, none) -> tensor<1x6x7x7xf32>
  return
}

// -----

func.func @conv_transpose_7(%x: tensor<1x2x5x5xf32>, %w: tensor<2x3x3x3xf32>, %b: tensor<2xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.conv_transpose' op bias must have shape [3]}}
  %0 = nn.conv_transpose %x, %w, %b : (tensor<1x2x5x5xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>) -> tensor<1x3x7x7xf32>
  return
}

// -----

func.func @conv_transpose_8(%x: tensor<1x2x5x5xf32>, %w: tensor<2x3x3x3xf16>) {
  %none = nn.none
  // expected-error @+1 {{'nn.conv_transpose' op operands must have the same element type, got 'f32' and 'f16'}}
  %0 = nn.conv_transpose %x, %w, %none : (tensor<1x2x5x5xf32>, tensor<2x3x3x3xf16>, none) -> tensor<1x3x7x7xf32>
  return
}

// -----

func.func @gemm_4(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<3x4xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.gemm' op C of shape [3,4] is not unidirectionally broadcastable to the result shape [2,4]}}
  %0 = nn.gemm %a, %b, %c : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @gemm_5(%a: tensor<2x3xf32>, %b: tensor<3x4xf16>) {
  %none = nn.none
  // expected-error @+1 {{'nn.gemm' op operands must have the same element type, got 'f32' and 'f16'}}
  %0 = nn.gemm %a, %b, %none : (tensor<2x3xf32>, tensor<3x4xf16>, none) -> tensor<2x4xf32>
  return
}

// -----

func.func @matmul_4(%a: tensor<2x3xf32>, %b: tensor<3x4xi32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.matmul' op operands must have the same element type, got 'f32' and 'i32'}}
  %0 = nn.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xi32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @batch_normalization_2(%x: tensor<2x3x4x4xf32>, %p: tensor<3xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.batch_normalization' op training_mode=1 is not supported: whittle compiles inference graphs, where BatchNormalization uses the given mean and variance}}
  %0 = nn.batch_normalization %x, %p, %p, %p, %p {training_mode = 1 : i64} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  return
}

// -----

func.func @batch_normalization_3(%x: tensor<2x3x4x4xf32>, %p: tensor<3xf32>, %q: tensor<4xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.batch_normalization' op 'input_mean' has 4 elements but the input has 3 channels}}
  %0 = nn.batch_normalization %x, %p, %p, %q, %p : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<4xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  return
}

// -----

func.func @batch_normalization_4(%x: tensor<2x3x4x4xf32>, %p: tensor<3xf32>, %q: tensor<1x3xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.batch_normalization' op 'scale' must be 1-D, got rank 2}}
  %0 = nn.batch_normalization %x, %q, %p, %p, %p : (tensor<2x3x4x4xf32>, tensor<1x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  return
}

// -----

func.func @batch_normalization_5(%x: tensor<2x3x4x4xf32>, %p: tensor<3xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.batch_normalization' op 'epsilon' must be non-negative}}
  %0 = nn.batch_normalization %x, %p, %p, %p, %p {epsilon = -1.0 : f32} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  return
}

// -----

func.func @instance_normalization_2(%x: tensor<2x3x4x4xf32>, %p: tensor<3xf32>, %q: tensor<2xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.instance_normalization' op 'B' has 2 elements but the input has 3 channels}}
  %0 = nn.instance_normalization %x, %p, %q : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<2xf32>) -> tensor<2x3x4x4xf32>
  return
}

// -----

func.func @instance_normalization_3(%x: tensor<2x3x4x4xf32>, %p: tensor<3xf16>) {
  %none = nn.none
  // expected-error @+1 {{'nn.instance_normalization' op operands must have the same element type, got 'f32' and 'f16'}}
  %0 = nn.instance_normalization %x, %p, %p : (tensor<2x3x4x4xf32>, tensor<3xf16>, tensor<3xf16>) -> tensor<2x3x4x4xf32>
  return
}

// -----

func.func @layer_normalization_3(%x: tensor<2x3x4xf32>, %s: tensor<3xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.layer_normalization' op 'Scale' of shape [3] is not unidirectionally broadcastable to X of shape [2,3,4]}}
  %0:3 = nn.layer_normalization %x, %s, %none : (tensor<2x3x4xf32>, tensor<3xf32>, none) -> (tensor<2x3x4xf32>, tensor<2x3x1xf32>, tensor<2x3x1xf32>)
  return
}

// -----

func.func @layer_normalization_4(%x: tensor<2x3x4xf32>, %s: tensor<4xf32>, %b: tensor<4xf16>) {
  %none = nn.none
  // expected-error @+1 {{'nn.layer_normalization' op operands must have the same element type, got 'f32' and 'f16'}}
  %0:3 = nn.layer_normalization %x, %s, %b : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf16>) -> (tensor<2x3x4xf32>, tensor<2x3x1xf32>, tensor<2x3x1xf32>)
  return
}

// -----

func.func @lrn_2(%x: tensor<1x3x4x4xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.lrn' op 'size' must be positive, got 0}}
  %0 = nn.lrn %x {size = 0 : i64} : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  return
}

// -----

func.func @lrn_3(%x: tensor<1x3x4x4xi32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.lrn' op expects a floating-point input}}
  %0 = nn.lrn %x {size = 3 : i64} : (tensor<1x3x4x4xi32>) -> tensor<1x3x4x4xi32>
  return
}

// -----

func.func @max_pool_3(%x: tensor<1x3x8x8xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.max_pool' op 'storage_order' must be 0 or 1, got 2}}
  %0:2 = nn.max_pool %x {kernel_shape = array<i64: 2, 2>, storage_order = 2 : i64} : (tensor<1x3x8x8xf32>) -> (tensor<1x3x7x7xf32>, tensor<1x3x7x7xi64>)
  return
}

// -----

func.func @average_pool_4(%x: tensor<1x3x8x8xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.average_pool' op 'count_include_pad' must be 0 or 1, got 3}}
  %0 = nn.average_pool %x {count_include_pad = 3 : i64, kernel_shape = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x7x7xf32>
  return
}

// -----

func.func @average_pool_5(%x: tensor<1x3x8x8xi8>) {
  %none = nn.none
  // expected-error @+1 {{'nn.average_pool' op expects a floating-point input}}
  %0 = nn.average_pool %x {kernel_shape = array<i64: 2, 2>} : (tensor<1x3x8x8xi8>) -> tensor<1x3x7x7xi8>
  return
}

// -----

func.func @softmax_2(%x: tensor<2x3xi32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.softmax' op expects a floating-point input}}
  %0 = nn.softmax %x : (tensor<2x3xi32>) -> tensor<2x3xi32>
  return
}

// -----

func.func @hardmax_integer(%x: tensor<2x3xi32>) {
  // expected-error @+1 {{'nn.hardmax' op expects a floating-point input}}
  %0 = nn.hardmax %x : (tensor<2x3xi32>) -> tensor<2x3xi32>
  return
}

// -----

func.func @hardmax_axis(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{axis 2 is out of range for rank 2}}
  // expected-error @+1 {{'nn.hardmax' op failed to infer returned types}}
  %0 = nn.hardmax %x {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @dropout_1(%x: tensor<2x3xf32>, %r: tensor<1xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.dropout' op 'ratio' must be a floating-point scalar, got 'tensor<1xf32>'}}
  %0:2 = nn.dropout %x, %r, %none : (tensor<2x3xf32>, tensor<1xf32>, none) -> (tensor<2x3xf32>, tensor<2x3xi1>)
  return
}

// -----

func.func @dropout_2(%x: tensor<2x3xf32>) {
  %none = nn.none
  %r = nn.constant dense<1.0> : tensor<f32>
  // expected-error @+1 {{'nn.dropout' op 'ratio' must be in [0, 1), got 1.000000e+00}}
  %0:2 = nn.dropout %x, %r, %none : (tensor<2x3xf32>, tensor<f32>, none) -> (tensor<2x3xf32>, tensor<2x3xi1>)
  return
}

// -----

func.func @dropout_3(%x: tensor<2x3xf32>, %t: tensor<i32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.dropout' op 'training_mode' must be an i1 scalar, got 'tensor<i32>'}}
  %0:2 = nn.dropout %x, %none, %t : (tensor<2x3xf32>, none, tensor<i32>) -> (tensor<2x3xf32>, tensor<2x3xi1>)
  return
}

// -----

func.func @dropout_4(%x: tensor<2x3xf32>) {
  %none = nn.none
  %t = nn.constant dense<true> : tensor<i1>
  // expected-error @+1 {{'nn.dropout' op training_mode=true is not supported: whittle compiles inference graphs}}
  %0:2 = nn.dropout %x, %none, %t : (tensor<2x3xf32>, none, tensor<i1>) -> (tensor<2x3xf32>, tensor<2x3xi1>)
  return
}

// -----

func.func @resize_7(%x: tensor<1x3x4x4xf32>, %s: tensor<4xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.resize' op unsupported mode 'bilinear' (expected one of nearest, linear, cubic)}}
  %0 = nn.resize %x, %none, %s, %none {mode = "bilinear"} : (tensor<1x3x4x4xf32>, none, tensor<4xf32>, none) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @resize_8(%x: tensor<1x3x4x4xf32>, %s: tensor<4xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.resize' op unsupported coordinate_transformation_mode 'half_pixels' (expected one of half_pixel, half_pixel_symmetric, pytorch_half_pixel, align_corners, asymmetric, tf_crop_and_resize, tf_half_pixel_for_nn)}}
  %0 = nn.resize %x, %none, %s, %none {coordinate_transformation_mode = "half_pixels"} : (tensor<1x3x4x4xf32>, none, tensor<4xf32>, none) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @resize_9(%x: tensor<1x3x4x4xf32>, %s: tensor<4xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.resize' op unsupported nearest_mode 'round' (expected one of round_prefer_floor, round_prefer_ceil, floor, ceil)}}
  %0 = nn.resize %x, %none, %s, %none {nearest_mode = "round"} : (tensor<1x3x4x4xf32>, none, tensor<4xf32>, none) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @resize_10(%x: tensor<1x3x4x4xf32>, %s: tensor<4xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.resize' op unsupported keep_aspect_ratio_policy 'fit' (expected one of stretch, not_larger, not_smaller)}}
  %0 = nn.resize %x, %none, %s, %none {keep_aspect_ratio_policy = "fit"} : (tensor<1x3x4x4xf32>, none, tensor<4xf32>, none) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @resize_11(%x: tensor<1x3x4x4xf32>, %s: tensor<4xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.resize' op 'antialias' must be 0 or 1, got 2}}
  %0 = nn.resize %x, %none, %s, %none {antialias = 2 : i64} : (tensor<1x3x4x4xf32>, none, tensor<4xf32>, none) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @resize_12(%x: tensor<1x3x4x4xf32>, %s: tensor<4xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.resize' op 'exclude_outside' must be 0 or 1, got -1}}
  %0 = nn.resize %x, %none, %s, %none {exclude_outside = -1 : i64} : (tensor<1x3x4x4xf32>, none, tensor<4xf32>, none) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @resize_13(%x: tensor<1x3x4x4xf32>, %s: tensor<4xi64>) {
  %none = nn.none
  // expected-error @+1 {{'nn.resize' op 'scales' must hold floats, got 'tensor<4xi64>'}}
  %0 = nn.resize %x, %none, %s, %none : (tensor<1x3x4x4xf32>, none, tensor<4xi64>, none) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @resize_14(%x: tensor<1x3x4x4xf32>, %z: tensor<4xi32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.resize' op 'sizes' must hold i64, got 'tensor<4xi32>'}}
  %0 = nn.resize %x, %none, %none, %z : (tensor<1x3x4x4xf32>, none, none, tensor<4xi32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @resize_15(%x: tensor<1x3x4x4xf32>, %s: tensor<4xf32>, %roi: tensor<4xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.resize' op 'roi' must be a 1-D float tensor of 8 elements (starts then ends), got 'tensor<4xf32>'}}
  %0 = nn.resize %x, %roi, %s, %none {coordinate_transformation_mode = "tf_crop_and_resize"} : (tensor<1x3x4x4xf32>, tensor<4xf32>, tensor<4xf32>, none) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @resize_16(%x: tensor<1x3x4x4xf32>, %s: tensor<4xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.resize' op coordinate_transformation_mode 'tf_crop_and_resize' requires 'roi'}}
  %0 = nn.resize %x, %none, %s, %none {coordinate_transformation_mode = "tf_crop_and_resize"} : (tensor<1x3x4x4xf32>, none, tensor<4xf32>, none) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @upsample_2(%x: tensor<1x3x4x4xf32>, %s: tensor<4xf32>) {
  %none = nn.none
  // expected-error @+1 {{'nn.upsample' op unsupported mode 'cubic' (expected one of nearest, linear)}}
  %0 = nn.upsample %x, %s {mode = "cubic"} : (tensor<1x3x4x4xf32>, tensor<4xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @upsample_3(%x: tensor<1x3x4x4xf32>) {
  %none = nn.none
  %s = nn.constant dense<[1.0, 1.0, 0.5, 2.0]> : tensor<4xf32>
  // expected-error @+1 {{'nn.upsample' op 'scales' must be >= 1 (Upsample only enlarges), got 5.000000e-01}}
  %0 = nn.upsample %x, %s : (tensor<1x3x4x4xf32>, tensor<4xf32>) -> tensor<1x3x2x8xf32>
  return
}

// -----

func.func @upsample_4(%x: tensor<1x3x4x4xf32>, %s: tensor<4xi64>) {
  %none = nn.none
  // expected-error @+1 {{'nn.upsample' op 'scales' must hold floats, got 'tensor<4xi64>'}}
  %0 = nn.upsample %x, %s : (tensor<1x3x4x4xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  return
}

