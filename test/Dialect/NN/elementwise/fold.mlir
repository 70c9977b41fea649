// RUN: whittle-opt %s -canonicalize -split-input-file | FileCheck %s

// Float addition with broadcasting.
// CHECK-LABEL: func.func @add_f32_broadcast
// CHECK: %[[C:.*]] = nn.constant dense<{{\[}}[1.100000e+01, 2.200000e+01, 3.300000e+01], [1.400000e+01, 2.500000e+01, 3.600000e+01]]> : tensor<2x3xf32>
// CHECK-NOT: nn.add
// CHECK: return %[[C]]
func.func @add_f32_broadcast() -> tensor<2x3xf32> {
  %a = nn.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %b = nn.constant dense<[10.0, 20.0, 30.0]> : tensor<3xf32>
  %0 = nn.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Integer addition wraps around in the element type.
// CHECK-LABEL: func.func @add_i8_wraps
// CHECK: nn.constant dense<[-128, 0]> : tensor<2xi8>
func.func @add_i8_wraps() -> tensor<2xi8> {
  %a = nn.constant dense<[127, -1]> : tensor<2xi8>
  %b = nn.constant dense<1> : tensor<i8>
  %0 = nn.add %a, %b : (tensor<2xi8>, tensor<i8>) -> tensor<2xi8>
  return %0 : tensor<2xi8>
}

// -----

// Unsigned subtraction wraps around.
// CHECK-LABEL: func.func @sub_ui8_wraps
// CHECK: nn.constant dense<[254, 0]> : tensor<2xui8>
func.func @sub_ui8_wraps() -> tensor<2xui8> {
  %a = nn.constant dense<[3, 5]> : tensor<2xui8>
  %b = nn.constant dense<5> : tensor<1xui8>
  %0 = nn.sub %a, %b : (tensor<2xui8>, tensor<1xui8>) -> tensor<2xui8>
  return %0 : tensor<2xui8>
}

// -----

// CHECK-LABEL: func.func @mul_i64
// CHECK: nn.constant dense<[-6, 12]> : tensor<2xi64>
func.func @mul_i64() -> tensor<2xi64> {
  %a = nn.constant dense<[-2, 4]> : tensor<2xi64>
  %b = nn.constant dense<3> : tensor<i64>
  %0 = nn.mul %a, %b : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// Integer division truncates toward zero.
// CHECK-LABEL: func.func @div_i32_truncates
// CHECK: nn.constant dense<[3, -3, -3, 3, -2147483648]> : tensor<5xi32>
func.func @div_i32_truncates() -> tensor<5xi32> {
  %a = nn.constant dense<[7, -7, 7, -7, -2147483648]> : tensor<5xi32>
  %b = nn.constant dense<[2, 2, -2, -2, -1]> : tensor<5xi32>
  %0 = nn.div %a, %b : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
  return %0 : tensor<5xi32>
}

// -----

// Unsigned division is unsigned.
// CHECK-LABEL: func.func @div_ui64
// CHECK: nn.constant dense<9223372036854775807> : tensor<1xui64>
func.func @div_ui64() -> tensor<1xui64> {
  %a = nn.constant dense<18446744073709551615> : tensor<1xui64>
  %b = nn.constant dense<2> : tensor<1xui64>
  %0 = nn.div %a, %b : (tensor<1xui64>, tensor<1xui64>) -> tensor<1xui64>
  return %0 : tensor<1xui64>
}

// -----

// Integer division by zero is left to run time.
// CHECK-LABEL: func.func @div_by_zero_not_folded
// CHECK: nn.div
func.func @div_by_zero_not_folded() -> tensor<2xi32> {
  %a = nn.constant dense<[1, 2]> : tensor<2xi32>
  %b = nn.constant dense<[1, 0]> : tensor<2xi32>
  %0 = nn.div %a, %b : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

// CHECK-LABEL: func.func @div_f32
// CHECK: nn.constant dense<[3.500000e+00, -2.500000e-01]> : tensor<2xf32>
func.func @div_f32() -> tensor<2xf32> {
  %a = nn.constant dense<[7.0, 1.0]> : tensor<2xf32>
  %b = nn.constant dense<[2.0, -4.0]> : tensor<2xf32>
  %0 = nn.div %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// The exponent's type may differ; an integer result truncates.
// CHECK-LABEL: func.func @pow
// CHECK-DAG: nn.constant dense<[1.000000e+00, 2.000000e+00, 4.000000e+00, 8.000000e+00]> : tensor<4xf32>
// CHECK-DAG: nn.constant dense<[4, 1]> : tensor<2xi32>
func.func @pow() -> (tensor<4xf32>, tensor<2xi32>) {
  %two = nn.constant dense<2.0> : tensor<f32>
  %e = nn.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %0 = nn.pow %two, %e : (tensor<f32>, tensor<4xi64>) -> tensor<4xf32>
  %b = nn.constant dense<[2, 3]> : tensor<2xi32>
  %f = nn.constant dense<[2.0, 0.5]> : tensor<2xf32>
  %1 = nn.pow %b, %f : (tensor<2xi32>, tensor<2xf32>) -> tensor<2xi32>
  return %0, %1 : tensor<4xf32>, tensor<2xi32>
}

// -----

// CHECK-LABEL: func.func @unary_arith
// CHECK-DAG: nn.constant dense<[-1, 2, -128]> : tensor<3xi8>
// CHECK-DAG: nn.constant dense<[1, 2, -128]> : tensor<3xi8>
// CHECK-DAG: nn.constant dense<[-1, 1, 0]> : tensor<3xi32>
// CHECK-DAG: nn.constant dense<[0.000000e+00, 2.000000e+00, 2.000000e+00, -0.000000e+00, -2.000000e+00]> : tensor<5xf32>
// CHECK-DAG: nn.constant dense<[0.000000e+00, 1.000000e+00, 2.000000e+00, -1.000000e+00, -3.000000e+00]> : tensor<5xf32>
// CHECK-DAG: nn.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, -0.000000e+00, -2.000000e+00]> : tensor<5xf32>
// CHECK-DAG: nn.constant dense<[3.000000e+00, 5.000000e-01]> : tensor<2xf32>
// CHECK-DAG: nn.constant dense<[2.500000e-01, 2.000000e+00]> : tensor<2xf32>
// CHECK-NOT: nn.neg
// CHECK-NOT: nn.abs
// CHECK-NOT: nn.sign
// CHECK-NOT: nn.round
// CHECK-NOT: nn.floor
// CHECK-NOT: nn.ceil
// CHECK-NOT: nn.sqrt
// CHECK-NOT: nn.reciprocal
func.func @unary_arith() -> (tensor<3xi8>, tensor<3xi8>, tensor<3xi32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<2xf32>, tensor<2xf32>) {
  %i = nn.constant dense<[1, -2, -128]> : tensor<3xi8>
  %0 = nn.neg %i : (tensor<3xi8>) -> tensor<3xi8>
  %1 = nn.abs %i : (tensor<3xi8>) -> tensor<3xi8>
  %s = nn.constant dense<[-5, 7, 0]> : tensor<3xi32>
  %2 = nn.sign %s : (tensor<3xi32>) -> tensor<3xi32>
  %h = nn.constant dense<[0.5, 1.5, 2.5, -0.5, -2.5]> : tensor<5xf32>
  %3 = nn.round %h : (tensor<5xf32>) -> tensor<5xf32>
  %4 = nn.floor %h : (tensor<5xf32>) -> tensor<5xf32>
  %5 = nn.ceil %h : (tensor<5xf32>) -> tensor<5xf32>
  %q = nn.constant dense<[9.0, 0.25]> : tensor<2xf32>
  %6 = nn.sqrt %q : (tensor<2xf32>) -> tensor<2xf32>
  %r = nn.constant dense<[4.0, 0.5]> : tensor<2xf32>
  %7 = nn.reciprocal %r : (tensor<2xf32>) -> tensor<2xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<3xi8>, tensor<3xi8>, tensor<3xi32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<2xf32>, tensor<2xf32>
}

// -----

// A NaN result (log of a negative number) is left to run time.
// CHECK-LABEL: func.func @transcendental
// CHECK-DAG: nn.constant dense<[1.000000e+00, 2.71828175]> : tensor<2xf32>
// CHECK-DAG: nn.constant dense<[0.000000e+00, 0.69314718055994529]> : tensor<2xf64>
// CHECK-DAG: nn.constant dense<[0.000000e+00, 0.842700779]> : tensor<2xf32>
// CHECK-DAG: nn.constant dense<[0.000000e+00, 0.761594176]> : tensor<2xf32>
// CHECK: nn.log
// CHECK-NOT: nn.exp
// CHECK-NOT: nn.erf
// CHECK-NOT: nn.tanh
func.func @transcendental() -> (tensor<2xf32>, tensor<2xf64>, tensor<2xf32>, tensor<2xf32>, tensor<1xf32>) {
  %x = nn.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %0 = nn.exp %x : (tensor<2xf32>) -> tensor<2xf32>
  %y = nn.constant dense<[1.0, 2.0]> : tensor<2xf64>
  %1 = nn.log %y : (tensor<2xf64>) -> tensor<2xf64>
  %2 = nn.erf %x : (tensor<2xf32>) -> tensor<2xf32>
  %3 = nn.tanh %x : (tensor<2xf32>) -> tensor<2xf32>
  %n = nn.constant dense<-1.0> : tensor<1xf32>
  %4 = nn.log %n : (tensor<1xf32>) -> tensor<1xf32>
  return %0, %1, %2, %3, %4 : tensor<2xf32>, tensor<2xf64>, tensor<2xf32>, tensor<2xf32>, tensor<1xf32>
}

// -----

// Variadic ops broadcast all operands.
// CHECK-LABEL: func.func @variadic
// CHECK-DAG: nn.constant dense<{{\[}}[1, 0, 1], [1, -5, 1]]> : tensor<2x3xi32>
// CHECK-DAG: nn.constant dense<{{\[}}[3, 3, 3], [4, 4, 4]]> : tensor<2x3xi32>
// CHECK-DAG: nn.constant dense<{{\[}}[6.000000e+00, 7.000000e+00], [7.000000e+00, 8.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: nn.constant dense<{{\[}}[2.000000e+00, 2.33333325], [2.33333325, 2.66666675]]> : tensor<2x2xf32>
func.func @variadic() -> (tensor<2x3xi32>, tensor<2x3xi32>, tensor<2x2xf32>, tensor<2x2xf32>) {
  %a = nn.constant dense<[[3], [4]]> : tensor<2x1xi32>
  %b = nn.constant dense<[1, 0, 1]> : tensor<3xi32>
  %c = nn.constant dense<[[2, 2, 2], [1, -5, 1]]> : tensor<2x3xi32>
  %0 = nn.min %a, %b, %c : (tensor<2x1xi32>, tensor<3xi32>, tensor<2x3xi32>) -> tensor<2x3xi32>
  %1 = nn.max %a, %b, %c : (tensor<2x1xi32>, tensor<3xi32>, tensor<2x3xi32>) -> tensor<2x3xi32>
  %x = nn.constant dense<[[1.0], [2.0]]> : tensor<2x1xf32>
  %y = nn.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %z = nn.constant dense<4.0> : tensor<f32>
  %2 = nn.sum %x, %y, %z : (tensor<2x1xf32>, tensor<2xf32>, tensor<f32>) -> tensor<2x2xf32>
  %3 = nn.mean %x, %y, %z : (tensor<2x1xf32>, tensor<2xf32>, tensor<f32>) -> tensor<2x2xf32>
  return %0, %1, %2, %3 : tensor<2x3xi32>, tensor<2x3xi32>, tensor<2x2xf32>, tensor<2x2xf32>
}

// -----

// A variadic op of one operand is that operand.
// CHECK-LABEL: func.func @variadic_single
// CHECK-NEXT: return %arg0, %arg0
func.func @variadic_single(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = nn.max %x : (tensor<4xf32>) -> tensor<4xf32>
  %1 = nn.sum %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Comparisons produce i1; signed and unsigned integers compare as such.
// CHECK-LABEL: func.func @comparisons
// CHECK-DAG: %[[EQ:.*]] = nn.constant dense<[false, true, false]> : tensor<3xi1>
// CHECK-DAG: %[[GT:.*]] = nn.constant dense<[false, false, true]> : tensor<3xi1>
// CHECK-DAG: %[[GE:.*]] = nn.constant dense<[false, true, true]> : tensor<3xi1>
// CHECK-DAG: %[[LT:.*]] = nn.constant dense<[true, false, false]> : tensor<3xi1>
// CHECK-DAG: %[[LE:.*]] = nn.constant dense<[true, true, false]> : tensor<3xi1>
// CHECK-DAG: %[[US:.*]] = nn.constant dense<true> : tensor<1xi1>
// CHECK-DAG: %[[SI:.*]] = nn.constant dense<[true, false]> : tensor<2xi1>
// CHECK: return %[[EQ]], %[[GT]], %[[GE]], %[[LT]], %[[LE]], %[[US]], %[[SI]]
func.func @comparisons() -> (tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<1xi1>, tensor<2xi1>) {
  %a = nn.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %b = nn.constant dense<2.0> : tensor<f32>
  %0 = nn.equal %a, %b : (tensor<3xf32>, tensor<f32>) -> tensor<3xi1>
  %1 = nn.greater %a, %b : (tensor<3xf32>, tensor<f32>) -> tensor<3xi1>
  %2 = nn.greater_or_equal %a, %b : (tensor<3xf32>, tensor<f32>) -> tensor<3xi1>
  %3 = nn.less %a, %b : (tensor<3xf32>, tensor<f32>) -> tensor<3xi1>
  %4 = nn.less_or_equal %a, %b : (tensor<3xf32>, tensor<f32>) -> tensor<3xi1>
  %u = nn.constant dense<18446744073709551615> : tensor<1xui64>
  %one = nn.constant dense<1> : tensor<1xui64>
  %5 = nn.greater %u, %one : (tensor<1xui64>, tensor<1xui64>) -> tensor<1xi1>
  %s = nn.constant dense<[-1, 1]> : tensor<2xi64>
  %t = nn.constant dense<0> : tensor<i64>
  %6 = nn.less %s, %t : (tensor<2xi64>, tensor<i64>) -> tensor<2xi1>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<1xi1>, tensor<2xi1>
}

// -----

// CHECK-LABEL: func.func @logic
// CHECK-DAG: %[[NOT:.*]] = nn.constant dense<[true, true, false, false]> : tensor<4xi1>
// CHECK-DAG: %[[AND:.*]] = nn.constant dense<[false, false, false, true]> : tensor<4xi1>
// CHECK-DAG: %[[OR:.*]] = nn.constant dense<[false, true, true, true]> : tensor<4xi1>
// CHECK-DAG: %[[XOR:.*]] = nn.constant dense<[false, true, true, false]> : tensor<4xi1>
// CHECK-DAG: %[[EQ:.*]] = nn.constant dense<[true, false, false, true]> : tensor<4xi1>
// CHECK: return %[[NOT]], %[[AND]], %[[OR]], %[[XOR]], %[[EQ]]
func.func @logic() -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  %a = nn.constant dense<[false, false, true, true]> : tensor<4xi1>
  %b = nn.constant dense<[false, true, false, true]> : tensor<4xi1>
  %0 = nn.not %a : (tensor<4xi1>) -> tensor<4xi1>
  %1 = nn.and %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %2 = nn.or %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %3 = nn.xor %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %4 = nn.equal %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  return %0, %1, %2, %3, %4 : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @where
// CHECK: nn.constant dense<{{\[}}[1, 20], [1, 20]]> : tensor<2x2xi64>
func.func @where() -> tensor<2x2xi64> {
  %c = nn.constant dense<[true, false]> : tensor<2xi1>
  %x = nn.constant dense<1> : tensor<i64>
  %y = nn.constant dense<[[10, 20], [10, 20]]> : tensor<2x2xi64>
  %0 = nn.where %c, %x, %y : (tensor<2xi1>, tensor<i64>, tensor<2x2xi64>) -> tensor<2x2xi64>
  return %0 : tensor<2x2xi64>
}

// -----

// A splat condition selects one operand when it has the result's type.
// CHECK-LABEL: func.func @where_splat_condition
// CHECK-NEXT: return %arg0, %arg1
func.func @where_splat_condition(%x: tensor<2xf32>, %y: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %t = nn.constant dense<true> : tensor<2xi1>
  %f = nn.constant dense<false> : tensor<i1>
  %0 = nn.where %t, %x, %y : (tensor<2xi1>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = nn.where %f, %x, %y : (tensor<i1>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0, %1 : tensor<2xf32>, tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @activations
// CHECK-DAG: %[[RELU:.*]] = nn.constant dense<[0.000000e+00, 0.000000e+00, 2.000000e+00]> : tensor<3xf32>
// CHECK-DAG: %[[RELUI:.*]] = nn.constant dense<[0, 0, 2]> : tensor<3xi32>
// CHECK-DAG: %[[LEAKY:.*]] = nn.constant dense<[-1.000000e-01, 0.000000e+00, 2.000000e+00]> : tensor<3xf32>
// CHECK-DAG: %[[PRELU:.*]] = nn.constant dense<[-3, 0, 2]> : tensor<3xi32>
// CHECK-DAG: %[[ELU:.*]] = nn.constant dense<[-0.632120549, 0.000000e+00, 2.000000e+00]> : tensor<3xf32>
// CHECK-DAG: %[[SELU:.*]] = nn.constant dense<[-1.11133075, 0.000000e+00, 2.10140204]> : tensor<3xf32>
// CHECK-DAG: %[[CELU:.*]] = nn.constant dense<[-0.432332367, 0.000000e+00, 2.000000e+00]> : tensor<3xf32>
// CHECK-DAG: %[[SIGMOID:.*]] = nn.constant dense<[0.268941432, 5.000000e-01, 0.880797088]> : tensor<3xf32>
// CHECK-DAG: %[[HSIG:.*]] = nn.constant dense<[3.000000e-01, 5.000000e-01, 0.899999976]> : tensor<3xf32>
// CHECK-DAG: %[[HSWISH:.*]] = nn.constant dense<[-0.333333343, 0.000000e+00, 1.66666663]> : tensor<3xf32>
// CHECK-DAG: %[[SOFTPLUS:.*]] = nn.constant dense<[0.313261688, 0.693147182, 2.12692809]> : tensor<3xf32>
// CHECK-DAG: %[[SOFTSIGN:.*]] = nn.constant dense<[-5.000000e-01, 0.000000e+00, 0.666666686]> : tensor<3xf32>
// CHECK-DAG: %[[GELU:.*]] = nn.constant dense<[-0.158655256, 0.000000e+00, 1.95449972]> : tensor<3xf32>
// CHECK-DAG: %[[GELUT:.*]] = nn.constant dense<[-0.158808008, 0.000000e+00, 1.95459771]> : tensor<3xf32>
// CHECK-DAG: %[[TRELU:.*]] = nn.constant dense<[-1.000000e+00, 0.000000e+00, 2.000000e+00]> : tensor<3xf32>
// CHECK: return %[[RELU]], %[[RELUI]], %[[LEAKY]], %[[PRELU]], %[[ELU]], %[[SELU]], %[[CELU]], %[[SIGMOID]], %[[HSIG]], %[[HSWISH]], %[[SOFTPLUS]], %[[SOFTSIGN]], %[[GELU]], %[[GELUT]], %[[TRELU]]
func.func @activations() -> (tensor<3xf32>, tensor<3xi32>, tensor<3xf32>, tensor<3xi32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %x = nn.constant dense<[-1.0, 0.0, 2.0]> : tensor<3xf32>
  %i = nn.constant dense<[-1, 0, 2]> : tensor<3xi32>
  %slope = nn.constant dense<3> : tensor<1xi32>
  %0 = nn.relu %x : (tensor<3xf32>) -> tensor<3xf32>
  %1 = nn.relu %i : (tensor<3xi32>) -> tensor<3xi32>
  %2 = nn.leaky_relu %x {alpha = 0.1 : f32} : (tensor<3xf32>) -> tensor<3xf32>
  %3 = nn.prelu %i, %slope : (tensor<3xi32>, tensor<1xi32>) -> tensor<3xi32>
  %4 = nn.elu %x : (tensor<3xf32>) -> tensor<3xf32>
  %5 = nn.selu %x : (tensor<3xf32>) -> tensor<3xf32>
  %6 = nn.celu %x {alpha = 0.5 : f32} : (tensor<3xf32>) -> tensor<3xf32>
  %7 = nn.sigmoid %x : (tensor<3xf32>) -> tensor<3xf32>
  %8 = nn.hard_sigmoid %x : (tensor<3xf32>) -> tensor<3xf32>
  %9 = nn.hard_swish %x : (tensor<3xf32>) -> tensor<3xf32>
  %10 = nn.softplus %x : (tensor<3xf32>) -> tensor<3xf32>
  %11 = nn.softsign %x : (tensor<3xf32>) -> tensor<3xf32>
  %12 = nn.gelu %x : (tensor<3xf32>) -> tensor<3xf32>
  %13 = nn.gelu %x {approximate = "tanh"} : (tensor<3xf32>) -> tensor<3xf32>
  %14 = nn.thresholded_relu %x {alpha = -2.0 : f32} : (tensor<3xf32>) -> tensor<3xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14 : tensor<3xf32>, tensor<3xi32>, tensor<3xf32>, tensor<3xi32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// Clip with both bounds, one bound, and none (the identity).
// CHECK-LABEL: func.func @clip
// CHECK-DAG: %[[BOTH:.*]] = nn.constant dense<[-1, 0, 3, 3]> : tensor<4xi64>
// CHECK-DAG: %[[MAX:.*]] = nn.constant dense<[-5, 0, 3, 3]> : tensor<4xi64>
// CHECK: return %[[BOTH]], %[[MAX]], %arg0
func.func @clip(%arg0: tensor<4xf32>) -> (tensor<4xi64>, tensor<4xi64>, tensor<4xf32>) {
  %x = nn.constant dense<[-5, 0, 3, 9]> : tensor<4xi64>
  %lo = nn.constant dense<-1> : tensor<i64>
  %hi = nn.constant dense<3> : tensor<i64>
  %none = nn.none
  %0 = nn.clip %x, %lo, %hi : (tensor<4xi64>, tensor<i64>, tensor<i64>) -> tensor<4xi64>
  %1 = nn.clip %x, %none, %hi : (tensor<4xi64>, none, tensor<i64>) -> tensor<4xi64>
  %2 = nn.clip %arg0, %none, %none : (tensor<4xf32>, none, none) -> tensor<4xf32>
  return %0, %1, %2 : tensor<4xi64>, tensor<4xi64>, tensor<4xf32>
}

// -----

// Identities with a splat constant, on either side of commutative ops.
// CHECK-LABEL: func.func @identities
// CHECK-NOT: nn.
// CHECK: return %arg0, %arg0, %arg0, %arg0, %arg0, %arg0, %arg1, %arg1
func.func @identities(%x: tensor<2x3xf32>, %i: tensor<4xi32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<4xi32>, tensor<4xi32>) {
  %zero = nn.constant dense<0.0> : tensor<3xf32>
  %one = nn.constant dense<1.0> : tensor<f32>
  %ione = nn.constant dense<1> : tensor<4xi32>
  %izero = nn.constant dense<0> : tensor<i32>
  %0 = nn.add %x, %zero : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = nn.add %zero, %x : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = nn.sub %x, %zero : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %3 = nn.mul %one, %x : (tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = nn.div %x, %one : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %eone = nn.constant dense<1> : tensor<3xi32>
  %5 = nn.pow %x, %eone : (tensor<2x3xf32>, tensor<3xi32>) -> tensor<2x3xf32>
  %6 = nn.mul %i, %ione : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %7 = nn.add %izero, %i : (tensor<i32>, tensor<4xi32>) -> tensor<4xi32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<4xi32>, tensor<4xi32>
}

// -----

// No identity when the constant broadcasts the result beyond x's type, is
// not a splat, or is not the identity element; and 0 - x is not x.
// CHECK-LABEL: func.func @not_identities
// CHECK: nn.add
// CHECK: nn.add
// CHECK: nn.mul
// CHECK: nn.sub
func.func @not_identities(%x: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %zero = nn.constant dense<0.0> : tensor<2x3xf32>
  %mixed = nn.constant dense<[0.0, 0.0, 1.0]> : tensor<3xf32>
  %two = nn.constant dense<2.0> : tensor<f32>
  %zs = nn.constant dense<0.0> : tensor<f32>
  %0 = nn.add %x, %zero : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = nn.add %x, %mixed : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %2 = nn.mul %x, %two : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  %3 = nn.sub %zs, %x : (tensor<f32>, tensor<3xf32>) -> tensor<3xf32>
  return %0, %1, %2, %3 : tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// Operands with more than 1024 elements are not folded.
// CHECK-LABEL: func.func @too_large
// CHECK: nn.add
func.func @too_large() -> tensor<2048xf32> {
  %a = nn.constant dense<1.0> : tensor<2048xf32>
  %0 = nn.add %a, %a : (tensor<2048xf32>, tensor<2048xf32>) -> tensor<2048xf32>
  return %0 : tensor<2048xf32>
}
