// RUN: whittle-opt %s | whittle-opt | FileCheck %s

// CHECK-LABEL: func.func @add
// CHECK: nn.add %arg0, %arg1 : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
func.func @add(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = nn.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sub
// CHECK: nn.sub %arg0, %arg1 : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
func.func @sub(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = nn.sub %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @mul
// CHECK: nn.mul %arg0, %arg1 : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
func.func @mul(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = nn.mul %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @div
// CHECK: nn.div %arg0, %arg1 : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
func.func @div(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = nn.div %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @add_int
// CHECK: nn.add %arg0, %arg1 : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
func.func @add_int(%a: tensor<4xi8>, %b: tensor<4xi8>) -> tensor<4xi8> {
  %0 = nn.add %a, %b : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// CHECK-LABEL: func.func @div_unsigned
// CHECK: nn.div %arg0, %arg1 : (tensor<4xui16>, tensor<1xui16>) -> tensor<4xui16>
func.func @div_unsigned(%a: tensor<4xui16>, %b: tensor<1xui16>) -> tensor<4xui16> {
  %0 = nn.div %a, %b : (tensor<4xui16>, tensor<1xui16>) -> tensor<4xui16>
  return %0 : tensor<4xui16>
}

// CHECK-LABEL: func.func @pow
// CHECK: nn.pow %arg0, %arg1 : (tensor<2x3xf32>, tensor<i64>) -> tensor<2x3xf32>
func.func @pow(%a: tensor<2x3xf32>, %b: tensor<i64>) -> tensor<2x3xf32> {
  %0 = nn.pow %a, %b : (tensor<2x3xf32>, tensor<i64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @pow_int
// CHECK: nn.pow %arg0, %arg1 : (tensor<3xi32>, tensor<3xf32>) -> tensor<3xi32>
func.func @pow_int(%a: tensor<3xi32>, %b: tensor<3xf32>) -> tensor<3xi32> {
  %0 = nn.pow %a, %b : (tensor<3xi32>, tensor<3xf32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// CHECK-LABEL: func.func @neg
// CHECK: nn.neg %arg0 : (tensor<2x?xi32>) -> tensor<2x?xi32>
func.func @neg(%a: tensor<2x?xi32>) -> tensor<2x?xi32> {
  %0 = nn.neg %a : (tensor<2x?xi32>) -> tensor<2x?xi32>
  return %0 : tensor<2x?xi32>
}

// CHECK-LABEL: func.func @abs
// CHECK: nn.abs %arg0 : (tensor<2x?xui8>) -> tensor<2x?xui8>
func.func @abs(%a: tensor<2x?xui8>) -> tensor<2x?xui8> {
  %0 = nn.abs %a : (tensor<2x?xui8>) -> tensor<2x?xui8>
  return %0 : tensor<2x?xui8>
}

// CHECK-LABEL: func.func @sqrt
// CHECK: nn.sqrt %arg0 : (tensor<2x?xf32>) -> tensor<2x?xf32>
func.func @sqrt(%a: tensor<2x?xf32>) -> tensor<2x?xf32> {
  %0 = nn.sqrt %a : (tensor<2x?xf32>) -> tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}

// CHECK-LABEL: func.func @reciprocal
// CHECK: nn.reciprocal %arg0 : (tensor<2x?xf16>) -> tensor<2x?xf16>
func.func @reciprocal(%a: tensor<2x?xf16>) -> tensor<2x?xf16> {
  %0 = nn.reciprocal %a : (tensor<2x?xf16>) -> tensor<2x?xf16>
  return %0 : tensor<2x?xf16>
}

// CHECK-LABEL: func.func @exp
// CHECK: nn.exp %arg0 : (tensor<2x?xbf16>) -> tensor<2x?xbf16>
func.func @exp(%a: tensor<2x?xbf16>) -> tensor<2x?xbf16> {
  %0 = nn.exp %a : (tensor<2x?xbf16>) -> tensor<2x?xbf16>
  return %0 : tensor<2x?xbf16>
}

// CHECK-LABEL: func.func @log
// CHECK: nn.log %arg0 : (tensor<2x?xf64>) -> tensor<2x?xf64>
func.func @log(%a: tensor<2x?xf64>) -> tensor<2x?xf64> {
  %0 = nn.log %a : (tensor<2x?xf64>) -> tensor<2x?xf64>
  return %0 : tensor<2x?xf64>
}

// CHECK-LABEL: func.func @erf
// CHECK: nn.erf %arg0 : (tensor<2x?xf32>) -> tensor<2x?xf32>
func.func @erf(%a: tensor<2x?xf32>) -> tensor<2x?xf32> {
  %0 = nn.erf %a : (tensor<2x?xf32>) -> tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}

// CHECK-LABEL: func.func @floor
// CHECK: nn.floor %arg0 : (tensor<2x?xf32>) -> tensor<2x?xf32>
func.func @floor(%a: tensor<2x?xf32>) -> tensor<2x?xf32> {
  %0 = nn.floor %a : (tensor<2x?xf32>) -> tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}

// CHECK-LABEL: func.func @ceil
// CHECK: nn.ceil %arg0 : (tensor<2x?xf32>) -> tensor<2x?xf32>
func.func @ceil(%a: tensor<2x?xf32>) -> tensor<2x?xf32> {
  %0 = nn.ceil %a : (tensor<2x?xf32>) -> tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}

// CHECK-LABEL: func.func @round
// CHECK: nn.round %arg0 : (tensor<2x?xf32>) -> tensor<2x?xf32>
func.func @round(%a: tensor<2x?xf32>) -> tensor<2x?xf32> {
  %0 = nn.round %a : (tensor<2x?xf32>) -> tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}

// CHECK-LABEL: func.func @sign
// CHECK: nn.sign %arg0 : (tensor<2x?xi64>) -> tensor<2x?xi64>
func.func @sign(%a: tensor<2x?xi64>) -> tensor<2x?xi64> {
  %0 = nn.sign %a : (tensor<2x?xi64>) -> tensor<2x?xi64>
  return %0 : tensor<2x?xi64>
}

// CHECK-LABEL: func.func @not
// CHECK: nn.not %arg0 : (tensor<2x?xi1>) -> tensor<2x?xi1>
func.func @not(%a: tensor<2x?xi1>) -> tensor<2x?xi1> {
  %0 = nn.not %a : (tensor<2x?xi1>) -> tensor<2x?xi1>
  return %0 : tensor<2x?xi1>
}

// CHECK-LABEL: func.func @relu
// CHECK: nn.relu %arg0 : (tensor<2x?xf32>) -> tensor<2x?xf32>
func.func @relu(%a: tensor<2x?xf32>) -> tensor<2x?xf32> {
  %0 = nn.relu %a : (tensor<2x?xf32>) -> tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}

// CHECK-LABEL: func.func @sigmoid
// CHECK: nn.sigmoid %arg0 : (tensor<2x?xf32>) -> tensor<2x?xf32>
func.func @sigmoid(%a: tensor<2x?xf32>) -> tensor<2x?xf32> {
  %0 = nn.sigmoid %a : (tensor<2x?xf32>) -> tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}

// CHECK-LABEL: func.func @hard_swish
// CHECK: nn.hard_swish %arg0 : (tensor<2x?xf32>) -> tensor<2x?xf32>
func.func @hard_swish(%a: tensor<2x?xf32>) -> tensor<2x?xf32> {
  %0 = nn.hard_swish %a : (tensor<2x?xf32>) -> tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}

// CHECK-LABEL: func.func @tanh
// CHECK: nn.tanh %arg0 : (tensor<2x?xf32>) -> tensor<2x?xf32>
func.func @tanh(%a: tensor<2x?xf32>) -> tensor<2x?xf32> {
  %0 = nn.tanh %a : (tensor<2x?xf32>) -> tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}

// CHECK-LABEL: func.func @softplus
// CHECK: nn.softplus %arg0 : (tensor<2x?xf32>) -> tensor<2x?xf32>
func.func @softplus(%a: tensor<2x?xf32>) -> tensor<2x?xf32> {
  %0 = nn.softplus %a : (tensor<2x?xf32>) -> tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}

// CHECK-LABEL: func.func @softsign
// CHECK: nn.softsign %arg0 : (tensor<2x?xf32>) -> tensor<2x?xf32>
func.func @softsign(%a: tensor<2x?xf32>) -> tensor<2x?xf32> {
  %0 = nn.softsign %a : (tensor<2x?xf32>) -> tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}

// CHECK-LABEL: func.func @relu_int
// CHECK: nn.relu %arg0 : (tensor<5xi8>) -> tensor<5xi8>
func.func @relu_int(%a: tensor<5xi8>) -> tensor<5xi8> {
  %0 = nn.relu %a : (tensor<5xi8>) -> tensor<5xi8>
  return %0 : tensor<5xi8>
}

// CHECK-LABEL: func.func @min
// CHECK: nn.min %arg0, %arg1, %arg2 : (tensor<2x1xf32>, tensor<3xf32>, tensor<1x1xf32>) -> tensor<2x3xf32>
func.func @min(%a: tensor<2x1xf32>, %b: tensor<3xf32>, %c: tensor<1x1xf32>) -> tensor<2x3xf32> {
  %0 = nn.min %a, %b, %c : (tensor<2x1xf32>, tensor<3xf32>, tensor<1x1xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @max
// CHECK: nn.max %arg0, %arg1, %arg2 : (tensor<2x1xf32>, tensor<3xf32>, tensor<1x1xf32>) -> tensor<2x3xf32>
func.func @max(%a: tensor<2x1xf32>, %b: tensor<3xf32>, %c: tensor<1x1xf32>) -> tensor<2x3xf32> {
  %0 = nn.max %a, %b, %c : (tensor<2x1xf32>, tensor<3xf32>, tensor<1x1xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sum
// CHECK: nn.sum %arg0, %arg1, %arg2 : (tensor<2x1xf32>, tensor<3xf32>, tensor<1x1xf32>) -> tensor<2x3xf32>
func.func @sum(%a: tensor<2x1xf32>, %b: tensor<3xf32>, %c: tensor<1x1xf32>) -> tensor<2x3xf32> {
  %0 = nn.sum %a, %b, %c : (tensor<2x1xf32>, tensor<3xf32>, tensor<1x1xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @mean
// CHECK: nn.mean %arg0, %arg1, %arg2 : (tensor<2x1xf32>, tensor<3xf32>, tensor<1x1xf32>) -> tensor<2x3xf32>
func.func @mean(%a: tensor<2x1xf32>, %b: tensor<3xf32>, %c: tensor<1x1xf32>) -> tensor<2x3xf32> {
  %0 = nn.mean %a, %b, %c : (tensor<2x1xf32>, tensor<3xf32>, tensor<1x1xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @min_single
// CHECK: nn.min %arg0 : (tensor<4xi32>) -> tensor<4xi32>
func.func @min_single(%a: tensor<4xi32>) -> tensor<4xi32> {
  %0 = nn.min %a : (tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// CHECK-LABEL: func.func @equal
// CHECK: nn.equal %arg0, %arg1 : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xi1>
func.func @equal(%a: tensor<2x3xf32>, %b: tensor<2x1xf32>) -> tensor<2x3xi1> {
  %0 = nn.equal %a, %b : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @greater
// CHECK: nn.greater %arg0, %arg1 : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xi1>
func.func @greater(%a: tensor<2x3xf32>, %b: tensor<2x1xf32>) -> tensor<2x3xi1> {
  %0 = nn.greater %a, %b : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @greater_or_equal
// CHECK: nn.greater_or_equal %arg0, %arg1 : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xi1>
func.func @greater_or_equal(%a: tensor<2x3xf32>, %b: tensor<2x1xf32>) -> tensor<2x3xi1> {
  %0 = nn.greater_or_equal %a, %b : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @less
// CHECK: nn.less %arg0, %arg1 : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xi1>
func.func @less(%a: tensor<2x3xf32>, %b: tensor<2x1xf32>) -> tensor<2x3xi1> {
  %0 = nn.less %a, %b : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @less_or_equal
// CHECK: nn.less_or_equal %arg0, %arg1 : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xi1>
func.func @less_or_equal(%a: tensor<2x3xf32>, %b: tensor<2x1xf32>) -> tensor<2x3xi1> {
  %0 = nn.less_or_equal %a, %b : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @equal_bool
// CHECK: nn.equal %arg0, %arg1 : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
func.func @equal_bool(%a: tensor<3xi1>, %b: tensor<3xi1>) -> tensor<3xi1> {
  %0 = nn.equal %a, %b : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// CHECK-LABEL: func.func @and
// CHECK: nn.and %arg0, %arg1 : (tensor<2x3xi1>, tensor<i1>) -> tensor<2x3xi1>
func.func @and(%a: tensor<2x3xi1>, %b: tensor<i1>) -> tensor<2x3xi1> {
  %0 = nn.and %a, %b : (tensor<2x3xi1>, tensor<i1>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @or
// CHECK: nn.or %arg0, %arg1 : (tensor<2x3xi1>, tensor<i1>) -> tensor<2x3xi1>
func.func @or(%a: tensor<2x3xi1>, %b: tensor<i1>) -> tensor<2x3xi1> {
  %0 = nn.or %a, %b : (tensor<2x3xi1>, tensor<i1>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @xor
// CHECK: nn.xor %arg0, %arg1 : (tensor<2x3xi1>, tensor<i1>) -> tensor<2x3xi1>
func.func @xor(%a: tensor<2x3xi1>, %b: tensor<i1>) -> tensor<2x3xi1> {
  %0 = nn.xor %a, %b : (tensor<2x3xi1>, tensor<i1>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @where
// CHECK: nn.where %arg0, %arg1, %arg2 : (tensor<2x1xi1>, tensor<3xi64>, tensor<4x1x1xi64>) -> tensor<4x2x3xi64>
func.func @where(%c: tensor<2x1xi1>, %a: tensor<3xi64>, %b: tensor<4x1x1xi64>) -> tensor<4x2x3xi64> {
  %0 = nn.where %c, %a, %b : (tensor<2x1xi1>, tensor<3xi64>, tensor<4x1x1xi64>) -> tensor<4x2x3xi64>
  return %0 : tensor<4x2x3xi64>
}

// CHECK-LABEL: func.func @leaky_relu
// CHECK: nn.leaky_relu %arg0 {alpha = 1.000000e-01 : f32} : (tensor<4xf32>) -> tensor<4xf32>
func.func @leaky_relu(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = nn.leaky_relu %a {alpha = 1.000000e-01 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @leaky_relu_default
// CHECK: nn.leaky_relu %arg0 : (tensor<4xf32>) -> tensor<4xf32>
func.func @leaky_relu_default(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = nn.leaky_relu %a : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @prelu
// CHECK: nn.prelu %arg0, %arg1 : (tensor<1x3x4x4xf32>, tensor<3x1x1xf32>) -> tensor<1x3x4x4xf32>
func.func @prelu(%a: tensor<1x3x4x4xf32>, %b: tensor<3x1x1xf32>) -> tensor<1x3x4x4xf32> {
  %0 = nn.prelu %a, %b : (tensor<1x3x4x4xf32>, tensor<3x1x1xf32>) -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// CHECK-LABEL: func.func @elu
// CHECK: nn.elu %arg0 {alpha = 2.000000e+00 : f32} : (tensor<4xf32>) -> tensor<4xf32>
func.func @elu(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = nn.elu %a {alpha = 2.000000e+00 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @selu
// CHECK: nn.selu %arg0 {alpha = 2.000000e+00 : f32, gamma = 3.000000e+00 : f32} : (tensor<4xf64>) -> tensor<4xf64>
func.func @selu(%a: tensor<4xf64>) -> tensor<4xf64> {
  %0 = nn.selu %a {alpha = 2.000000e+00 : f32, gamma = 3.000000e+00 : f32} : (tensor<4xf64>) -> tensor<4xf64>
  return %0 : tensor<4xf64>
}

// CHECK-LABEL: func.func @celu
// CHECK: nn.celu %arg0 {alpha = 5.000000e-01 : f32} : (tensor<4xf32>) -> tensor<4xf32>
func.func @celu(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = nn.celu %a {alpha = 5.000000e-01 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @hard_sigmoid
// CHECK: nn.hard_sigmoid %arg0 {alpha = 2.500000e-01 : f32, beta = 4.000000e-01 : f32} : (tensor<4xf16>) -> tensor<4xf16>
func.func @hard_sigmoid(%a: tensor<4xf16>) -> tensor<4xf16> {
  %0 = nn.hard_sigmoid %a {alpha = 2.500000e-01 : f32, beta = 4.000000e-01 : f32} : (tensor<4xf16>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// CHECK-LABEL: func.func @clip
// CHECK: nn.clip %arg0, %arg1, %arg2 : (tensor<4xf32>, tensor<f32>, tensor<1xf32>) -> tensor<4xf32>
func.func @clip(%a: tensor<4xf32>, %lo: tensor<f32>, %hi: tensor<1xf32>) -> tensor<4xf32> {
  %0 = nn.clip %a, %lo, %hi : (tensor<4xf32>, tensor<f32>, tensor<1xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @gelu
// CHECK: nn.gelu %arg0 {approximate = "tanh"} : (tensor<4xf32>) -> tensor<4xf32>
func.func @gelu(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = nn.gelu %a {approximate = "tanh"} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @thresholded_relu
// CHECK: nn.thresholded_relu %arg0 {alpha = 2.000000e+00 : f32} : (tensor<4xf32>) -> tensor<4xf32>
func.func @thresholded_relu(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = nn.thresholded_relu %a {alpha = 2.000000e+00 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
// CHECK-LABEL: func.func @clip_none
// CHECK: %[[NONE:.*]] = nn.none
// CHECK: nn.clip %arg0, %[[NONE]], %arg1 : (tensor<4xi32>, none, tensor<i32>) -> tensor<4xi32>
func.func @clip_none(%a: tensor<4xi32>, %hi: tensor<i32>) -> tensor<4xi32> {
  %none = nn.none
  %0 = nn.clip %a, %none, %hi : (tensor<4xi32>, none, tensor<i32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}
