// RUN: whittle-opt %s -split-input-file -verify-diagnostics

func.func @add_element_mismatch(%a: tensor<2xf32>, %b: tensor<2xi32>) -> tensor<2xf32> {
  // expected-error @+1 {{'nn.add' op operands must have the same element type, got 'f32' and 'i32'}}
  %0 = nn.add %a, %b : (tensor<2xf32>, tensor<2xi32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @sub_not_broadcastable(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{shapes [2,3] and [4] are not broadcast-compatible}}
  // expected-error @+1 {{'nn.sub' op failed to infer returned types}}
  %0 = nn.sub %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @mul_wrong_result_shape(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+2 {{'nn.mul' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
  // expected-error @+1 {{'nn.mul' op failed to infer returned types}}
  %0 = nn.mul %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @div_bool(%a: tensor<2xi1>, %b: tensor<2xi1>) -> tensor<2xi1> {
  // expected-error @+1 {{'nn.div' op operand #0 must be ranked tensor of}}
  %0 = nn.div %a, %b : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  return %0 : tensor<2xi1>
}

// -----

func.func @pow_unsigned_base(%a: tensor<2xui8>, %b: tensor<2xf32>) -> tensor<2xui8> {
  // expected-error @+1 {{'nn.pow' op operand #0 must be ranked tensor of 32-bit signless integer or 64-bit signless integer or 16-bit float or 32-bit float or 64-bit float or bfloat16 type values, but got 'tensor<2xui8>'}}
  %0 = nn.pow %a, %b : (tensor<2xui8>, tensor<2xf32>) -> tensor<2xui8>
  return %0 : tensor<2xui8>
}

// -----

func.func @sqrt_int(%a: tensor<2xi32>) -> tensor<2xi32> {
  // expected-error @+1 {{'nn.sqrt' op operand #0 must be ranked tensor of 16-bit float or 32-bit float or 64-bit float or bfloat16 type values, but got 'tensor<2xi32>'}}
  %0 = nn.sqrt %a : (tensor<2xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @exp_int(%a: tensor<2xi64>) -> tensor<2xi64> {
  // expected-error @+1 {{'nn.exp' op operand #0 must be ranked tensor of 16-bit float or 32-bit float or 64-bit float or bfloat16 type values, but got 'tensor<2xi64>'}}
  %0 = nn.exp %a : (tensor<2xi64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @sigmoid_int(%a: tensor<2xi8>) -> tensor<2xi8> {
  // expected-error @+1 {{'nn.sigmoid' op operand #0 must be ranked tensor of 16-bit float or 32-bit float or 64-bit float or bfloat16 type values, but got 'tensor<2xi8>'}}
  %0 = nn.sigmoid %a : (tensor<2xi8>) -> tensor<2xi8>
  return %0 : tensor<2xi8>
}

// -----

func.func @round_bf16(%a: tensor<2xbf16>) -> tensor<2xbf16> {
  // expected-error @+1 {{'nn.round' op operand #0 must be ranked tensor of 16-bit float or 32-bit float or 64-bit float values, but got 'tensor<2xbf16>'}}
  %0 = nn.round %a : (tensor<2xbf16>) -> tensor<2xbf16>
  return %0 : tensor<2xbf16>
}

// -----

func.func @neg_unsigned(%a: tensor<2xui32>) -> tensor<2xui32> {
  // expected-error @+1 {{'nn.neg' op operand #0 must be ranked tensor of}}
  %0 = nn.neg %a : (tensor<2xui32>) -> tensor<2xui32>
  return %0 : tensor<2xui32>
}

// -----

func.func @relu_unsigned(%a: tensor<2xui8>) -> tensor<2xui8> {
  // expected-error @+1 {{'nn.relu' op operand #0 must be ranked tensor of}}
  %0 = nn.relu %a : (tensor<2xui8>) -> tensor<2xui8>
  return %0 : tensor<2xui8>
}

// -----

func.func @abs_result_type(%a: tensor<2xf32>) -> tensor<2xf16> {
  // expected-error @+1 {{'nn.abs' op requires the same type for all operands and results}}
  %0 = nn.abs %a : (tensor<2xf32>) -> tensor<2xf16>
  return %0 : tensor<2xf16>
}

// -----

func.func @min_element_mismatch(%a: tensor<2xf32>, %b: tensor<2xf32>, %c: tensor<2xf16>) -> tensor<2xf32> {
  // expected-error @+1 {{'nn.min' op operands must have the same element type, got 'f32' and 'f16'}}
  %0 = nn.min %a, %b, %c : (tensor<2xf32>, tensor<2xf32>, tensor<2xf16>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @max_no_operands() -> tensor<2xf32> {
  // expected-error @+1 {{'nn.max' op expected 1 or more operands, but found 0}}
  %0 = nn.max : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @sum_int(%a: tensor<2xi32>) -> tensor<2xi32> {
  // expected-error @+1 {{'nn.sum' op operand #0 must be variadic of ranked tensor of 16-bit float or 32-bit float or 64-bit float or bfloat16 type values, but got 'tensor<2xi32>'}}
  %0 = nn.sum %a : (tensor<2xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @mean_not_broadcastable(%a: tensor<2xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+2 {{shapes [2] and [3] are not broadcast-compatible}}
  // expected-error @+1 {{'nn.mean' op failed to infer returned types}}
  %0 = nn.mean %a, %b : (tensor<2xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @equal_element_mismatch(%a: tensor<2xi32>, %b: tensor<2xi64>) -> tensor<2xi1> {
  // expected-error @+1 {{'nn.equal' op operands must have the same element type, got 'i32' and 'i64'}}
  %0 = nn.equal %a, %b : (tensor<2xi32>, tensor<2xi64>) -> tensor<2xi1>
  return %0 : tensor<2xi1>
}

// -----

func.func @greater_result_not_bool(%a: tensor<2xf32>, %b: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'nn.greater' op result #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<2xf32>'}}
  %0 = nn.greater %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @less_bool(%a: tensor<2xi1>, %b: tensor<2xi1>) -> tensor<2xi1> {
  // expected-error @+1 {{'nn.less' op operand #0 must be ranked tensor of}}
  %0 = nn.less %a, %b : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  return %0 : tensor<2xi1>
}

// -----

func.func @where_condition_not_bool(%c: tensor<2xi32>, %a: tensor<2xf32>, %b: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'nn.where' op operand #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<2xi32>'}}
  %0 = nn.where %c, %a, %b : (tensor<2xi32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @where_element_mismatch(%c: tensor<2xi1>, %a: tensor<2xf32>, %b: tensor<2xf64>) -> tensor<2xf32> {
  // expected-error @+1 {{'nn.where' op operands must have the same element type, got 'f32' and 'f64'}}
  %0 = nn.where %c, %a, %b : (tensor<2xi1>, tensor<2xf32>, tensor<2xf64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @not_float(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'nn.not' op operand #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<2xf32>'}}
  %0 = nn.not %a : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @and_int(%a: tensor<2xi8>, %b: tensor<2xi8>) -> tensor<2xi1> {
  // expected-error @+1 {{'nn.and' op operand #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<2xi8>'}}
  %0 = nn.and %a, %b : (tensor<2xi8>, tensor<2xi8>) -> tensor<2xi1>
  return %0 : tensor<2xi1>
}

// -----

func.func @leaky_relu_int(%a: tensor<2xi32>) -> tensor<2xi32> {
  // expected-error @+1 {{'nn.leaky_relu' op operand #0 must be ranked tensor of 16-bit float or 32-bit float or 64-bit float or bfloat16 type values, but got 'tensor<2xi32>'}}
  %0 = nn.leaky_relu %a : (tensor<2xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @leaky_relu_alpha_type(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'nn.leaky_relu' op attribute 'alpha' failed to satisfy constraint: 32-bit float attribute}}
  %0 = nn.leaky_relu %a {alpha = 1 : i64} : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @celu_f64(%a: tensor<2xf64>) -> tensor<2xf64> {
  // expected-error @+1 {{'nn.celu' op operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<2xf64>'}}
  %0 = nn.celu %a : (tensor<2xf64>) -> tensor<2xf64>
  return %0 : tensor<2xf64>
}

// -----

func.func @prelu_not_unidirectional(%x: tensor<2x3xf32>, %s: tensor<2x1x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'slope' of type 'tensor<2x1x3xf32>' does not broadcast unidirectionally to 'X' of type 'tensor<2x3xf32>'}}
  // expected-error @+1 {{'nn.prelu' op failed to infer returned types}}
  %0 = nn.prelu %x, %s : (tensor<2x3xf32>, tensor<2x1x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @prelu_element_mismatch(%x: tensor<2x3xf32>, %s: tensor<3xf64>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'nn.prelu' op operands must have the same element type, got 'f32' and 'f64'}}
  %0 = nn.prelu %x, %s : (tensor<2x3xf32>, tensor<3xf64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @clip_min_element_mismatch(%x: tensor<4xf32>, %lo: tensor<f64>) -> tensor<4xf32> {
  %none = nn.none
  // expected-error @+1 {{'nn.clip' op 'min' must have the element type of 'input' ('f32'), got 'f64'}}
  %0 = nn.clip %x, %lo, %none : (tensor<4xf32>, tensor<f64>, none) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @clip_max_not_scalar(%x: tensor<4xf32>, %lo: tensor<f32>, %hi: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'nn.clip' op 'max' must be a scalar, got 'tensor<4xf32>'}}
  %0 = nn.clip %x, %lo, %hi : (tensor<4xf32>, tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @gelu_approximate(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'nn.gelu' op attribute 'approximate' failed to satisfy constraint: string attribute whose value is "none" or "tanh"}}
  %0 = nn.gelu %a {approximate = "foo"} : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @hard_swish_bf16(%a: tensor<2xbf16>) -> tensor<2xbf16> {
  // expected-error @+1 {{'nn.hard_swish' op operand #0 must be ranked tensor of 16-bit float or 32-bit float or 64-bit float values, but got 'tensor<2xbf16>'}}
  %0 = nn.hard_swish %a : (tensor<2xbf16>) -> tensor<2xbf16>
  return %0 : tensor<2xbf16>
}
