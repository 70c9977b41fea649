// RUN: whittle-opt %s --split-input-file --convert-qnn-to-linalg --canonicalize | FileCheck %s

// Requantize per tensor with a right shift below 32: i64 product,
// sign-magnitude shift, round half to even on the discarded bits, output
// stage.
// CHECK-LABEL: func @requantize
// CHECK: linalg.generic
// CHECK: arith.extsi %{{.*}} : i32 to i64
// CHECK: arith.muli %{{.*}}, %c1073741824_i64 : i64
// CHECK: arith.shrui %{{.*}}, %c31_i64 : i64
// CHECK: arith.cmpi ugt
// CHECK: arith.cmpi eq
// CHECK: arith.trunci %{{.*}} : i64 to i1
// CHECK: arith.maxsi %{{.*}}, %c-10_i64
// CHECK: arith.minsi %{{.*}}, %c127_i64
// CHECK: arith.trunci %{{.*}} : i64 to i8
func.func @requantize(%acc: tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xi8> {
  %y = qnn.requantize %acc {multiplier = array<i32: 1073741824>, shift = array<i32: 31>, output_zero_point = -10 : i32, min = -10 : i32} : (tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xi8>
  return %y : tensor<1x4x4x4xi8>
}

// -----

// Shifts of 32 or more (a real scale below 1/2, the usual accumulator
// case) stay in 32-bit lanes: the magnitude times the multiplier from
// 16-bit halves (here the multiplier's low half is 0, so two of the four
// products fold away), the high word shifted by shift - 32, the rounding
// from the rest of the high word and the low word.
// CHECK-LABEL: func @requantize_narrow
// CHECK-NOT: i64
// CHECK: linalg.generic
// CHECK: %[[NEG:.+]] = arith.cmpi slt, %[[IN:.+]], %c0_i32 : i32
// CHECK: %[[MAG:.+]] = arith.select %[[NEG]], %{{.*}}, %[[IN]] : i32
// CHECK-DAG: %[[XL:.+]] = arith.andi %[[MAG]], %c65535_i32 : i32
// CHECK-DAG: %[[XH:.+]] = arith.shrui %[[MAG]], %c16_i32 : i32
// CHECK-DAG: arith.muli %[[XL]], %c16384_i32 : i32
// CHECK-DAG: arith.muli %[[XH]], %c16384_i32 : i32
// CHECK: arith.shrui %{{.*}}, %c6_i32 : i32
// CHECK: arith.andi %{{.*}}, %c63_i32 : i32
// CHECK: arith.cmpi eq, %{{.*}}, %c32_i32 : i32
// CHECK: arith.minsi %{{.*}}, %c127_i32 : i32
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK-NOT: i64
// CHECK: return
func.func @requantize_narrow(%acc: tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xi8> {
  %y = qnn.requantize %acc {multiplier = array<i32: 1073741824>, shift = array<i32: 38>, output_zero_point = -10 : i32, min = -10 : i32} : (tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xi8>
  return %y : tensor<1x4x4x4xi8>
}

// -----

// Per channel on the 32-bit path: i32 multiplier and shift vectors; the
// shift of each lane is a variable one.
// CHECK-LABEL: func @requantize_narrow_per_channel
// CHECK-DAG: %[[M:.+]] = arith.constant dense<[1073741824, 1, 3]> : tensor<3xi32>
// CHECK-DAG: %[[S:.+]] = arith.constant dense<[32, 40, 62]> : tensor<3xi32>
// CHECK: linalg.generic {{.*}}ins(%{{.*}}, %[[M]], %[[S]] : tensor<2x3x5xi32>, tensor<3xi32>, tensor<3xi32>)
// CHECK: ^bb0(%{{.*}}: i32, %{{.*}}: i32, %[[SHIFT:.+]]: i32, %{{.*}}: i8):
// CHECK: %[[T:.+]] = arith.subi %[[SHIFT]], %c32_i32 : i32
// CHECK: arith.shrui %{{.*}}, %[[T]] : i32
// CHECK-NOT: i64
// CHECK: return
func.func @requantize_narrow_per_channel(%acc: tensor<2x3x5xi32>) -> tensor<2x3x5xi8> {
  %y = qnn.requantize %acc {multiplier = array<i32: 1073741824, 1, 3>, shift = array<i32: 32, 40, 62>, rounding = #qnn.rounding<half_away>} : (tensor<2x3x5xi32>) -> tensor<2x3x5xi8>
  return %y : tensor<2x3x5xi8>
}

// -----

// Per channel: the multipliers and shifts are i64 vectors read along the
// axis; mixed shift signs select between the left and the right path.
// CHECK-LABEL: func @requantize_per_channel
// CHECK-DAG: arith.constant dense<[1073741824, 1, 3]> : tensor<3xi64>
// CHECK-DAG: arith.constant dense<[31, 0, -2]> : tensor<3xi64>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[CH:.+]], #[[CH]], #{{.*}}]
// CHECK: arith.cmpi sgt
// CHECK: arith.select
func.func @requantize_per_channel(%acc: tensor<2x3x5xi32>) -> tensor<2x3x5xi8> {
  %y = qnn.requantize %acc {multiplier = array<i32: 1073741824, 1, 3>, shift = array<i32: 31, 0, -2>, rounding = #qnn.rounding<pseudo_stochastic>} : (tensor<2x3x5xi32>) -> tensor<2x3x5xi8>
  return %y : tensor<2x3x5xi8>
}

// -----

// Add with NumPy broadcasting in the maps; the exact numerator
// (a - za) * ma + (b - zb) * mb in i64, then a half-away rounding shift.
// CHECK-DAG: #[[B:.+]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-LABEL: func @add
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[B]], #{{.*}}]
// CHECK: arith.muli %{{.*}}, %c3_i64
// CHECK: arith.muli %{{.*}}, %c-5_i64
// CHECK: arith.cmpi uge
func.func @add(%a: tensor<2x3x4xi8>, %b: tensor<3x1xi8>) -> tensor<2x3x4xi8> {
  %0 = qnn.add %a, %b {a_multiplier = 3 : i32, b_multiplier = -5 : i32, shift = 2 : i32, rounding = #qnn.rounding<half_away>} : (tensor<2x3x4xi8>, tensor<3x1xi8>) -> tensor<2x3x4xi8>
  return %0 : tensor<2x3x4xi8>
}

// -----

// Concat: an input on the output's parameters passes through; the other
// is rescaled; both are inserted along the axis.
// CHECK-LABEL: func @concat
// CHECK: tensor.insert_slice %arg0 into %{{.*}}[0, 0, 0] [2, 3, 4] [1, 1, 1]
// CHECK: %[[R:.+]] = linalg.generic
// CHECK: tensor.insert_slice %[[R]] into %{{.*}}[0, 3, 0] [2, 3, 4] [1, 1, 1]
func.func @concat(%a: tensor<2x3x4xi8>, %b: tensor<2x3x4xi8>) -> tensor<2x6x4xi8> {
  %2 = qnn.concat %a, %b {axis = 1 : i64, input_zero_points = array<i32: 0, 4>, multipliers = array<i32: 1, 3>, shifts = array<i32: 0, 1>} : (tensor<2x3x4xi8>, tensor<2x3x4xi8>) -> tensor<2x6x4xi8>
  return %2 : tensor<2x6x4xi8>
}

// -----

// The edges: quantize divides in f32 and rounds half to even;
// dequantize subtracts the zero point in i64 and scales in f32.
// CHECK-LABEL: func @edges
// CHECK: arith.divf
// CHECK: math.roundeven
// CHECK: arith.fptosi
// CHECK: arith.subi %{{.*}}, %c-10_i64 : i64
// CHECK: arith.sitofp %{{.*}} : i64 to f32
// CHECK: arith.mulf
func.func @edges(%x: tensor<1x3x4xf32>) -> tensor<1x3x4xf32> {
  %q = qnn.quantize %x {scale = array<f32: 0.5>, zero_point = array<i32: -128>} : (tensor<1x3x4xf32>) -> tensor<1x3x4xi8>
  %f = qnn.dequantize %q {scale = array<f32: 0.25>, zero_point = array<i32: -10>} : (tensor<1x3x4xi8>) -> tensor<1x3x4xf32>
  return %f : tensor<1x3x4xf32>
}

// -----

// float32 rounding: the accumulator and its product with the multiplier
// are each rounded to 24 significant bits (count leading zeros, then a
// variable rounding shift) before the nearest-even shift; it stays on the
// 64-bit path.
// CHECK-LABEL: func @requantize_float32
// CHECK: linalg.generic
// CHECK: arith.extsi %{{.*}} : i32 to i64
// CHECK: math.ctlz %{{.*}} : i64
// CHECK: arith.muli
// CHECK: math.ctlz %{{.*}} : i64
// CHECK: arith.trunci %{{.*}} : i64 to i8
func.func @requantize_float32(%acc: tensor<8xi32>) -> tensor<8xi8> {
  %y = qnn.requantize %acc {multiplier = array<i32: 1513309056>, shift = array<i32: 35>, rounding = #qnn.rounding<float32>} : (tensor<8xi32>) -> tensor<8xi8>
  return %y : tensor<8xi8>
}
