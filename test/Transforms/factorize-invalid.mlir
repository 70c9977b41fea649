// Layers named in layer-ranks that cannot be factorized as asked are
// errors naming the layer and the reason.
// RUN: whittle-opt %s --split-input-file --verify-diagnostics --whittle-factorize="layer-ranks=l:99"

func.func @rank_too_large(%x: tensor<1x4x8x8xf32>) -> tensor<1x8x6x6xf32> {
  %w = nn.constant dense<1.0> : tensor<8x4x3x3xf32>
  %none = nn.none
  // expected-error@unknown {{whittle-factorize: rank 99 for layer 'l' is larger than the input-mode (R3) maximum 4}}
  %y = nn.conv %x, %w, %none {kernel_shape = array<i64: 3, 3>} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>, none) -> tensor<1x8x6x6xf32> loc("l")
  return %y : tensor<1x8x6x6xf32>
}

// -----

func.func @svd_rank_too_large(%a: tensor<2x6xf32>) -> tensor<2x5xf32> {
  %b = nn.constant dense<1.0> : tensor<6x5xf32>
  // expected-error@unknown {{whittle-factorize: rank 99 for layer 'l' is larger than the maximum 5}}
  %y = nn.matmul %a, %b : (tensor<2x6xf32>, tensor<6x5xf32>) -> tensor<2x5xf32> loc("l")
  return %y : tensor<2x5xf32>
}

// -----

func.func @grouped(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = nn.constant dense<1.0> : tensor<4x2x3x3xf32>
  %none = nn.none
  // expected-error@unknown {{whittle-factorize: layer 'l' named in layer-ranks cannot be factorized: it is a grouped convolution (group = 2)}}
  %y = nn.conv %x, %w, %none {group = 2 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>, none) -> tensor<1x4x8x8xf32> loc("l")
  return %y : tensor<1x4x8x8xf32>
}

// -----

func.func @depthwise(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = nn.constant dense<1.0> : tensor<4x1x3x3xf32>
  %none = nn.none
  // expected-error@unknown {{whittle-factorize: layer 'l' named in layer-ranks cannot be factorized: it is a depthwise convolution}}
  %y = nn.conv %x, %w, %none {group = 4 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>, none) -> tensor<1x4x8x8xf32> loc("l")
  return %y : tensor<1x4x8x8xf32>
}

// -----

func.func @not_constant(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32> {
  %none = nn.none
  // expected-error@unknown {{whittle-factorize: layer 'l' named in layer-ranks cannot be factorized: its weights are not a constant float tensor}}
  %y = nn.conv %x, %w, %none {kernel_shape = array<i64: 3, 3>} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>, none) -> tensor<1x8x6x6xf32> loc("l")
  return %y : tensor<1x8x6x6xf32>
}

// -----

func.func @nan(%a: tensor<2x6xf32>) -> tensor<2x5xf32> {
  %b = nn.constant dense<0x7FC00000> : tensor<6x5xf32>
  // expected-error@unknown {{whittle-factorize: layer 'l' has NaN or infinite weights}}
  %y = nn.matmul %a, %b : (tensor<2x6xf32>, tensor<6x5xf32>) -> tensor<2x5xf32> loc("l")
  return %y : tensor<2x5xf32>
}
