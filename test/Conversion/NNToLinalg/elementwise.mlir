// RUN: whittle-opt %s --convert-nn-to-linalg -split-input-file | FileCheck %s

// Broadcasting lives in the indexing maps: the size-1 dimension of %b is
// read at index 0 and its missing leading dimension is dropped.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[BC:.*]] = affine_map<(d0, d1, d2) -> (0, d2)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[BC]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<2x3x4xf32>, tensor<1x4xf32>)
// CHECK: arith.addf
func.func @add_broadcast(%a: tensor<2x3x4xf32>, %b: tensor<1x4xf32>) -> tensor<2x3x4xf32> {
  %0 = nn.add %a, %b : (tensor<2x3x4xf32>, tensor<1x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Unsigned types become signless; the arithmetic stays unsigned.
// CHECK-LABEL: func.func @div_unsigned
// CHECK-SAME: (%{{.*}}: tensor<4xi8>, %{{.*}}: tensor<4xi8>) -> tensor<4xi8>
// CHECK: arith.divui
func.func @div_unsigned(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  %0 = nn.div %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// CHECK-LABEL: func.func @div_signed
// CHECK: arith.divsi
func.func @div_signed(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = nn.div %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @compare_and_select
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpi ult
// CHECK: arith.select
func.func @compare_and_select(%a: tensor<3xf32>, %b: tensor<3xf32>, %u: tensor<3xui16>, %v: tensor<3xui16>) -> tensor<3xf32> {
  %0 = nn.greater %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
  %1 = nn.less %u, %v : (tensor<3xui16>, tensor<3xui16>) -> tensor<3xi1>
  %2 = nn.and %0, %1 : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  %3 = nn.where %2, %a, %b : (tensor<3xi1>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %3 : tensor<3xf32>
}

// -----

// Casts pick the conversion from both element types.
// CHECK-LABEL: func.func @casts
// CHECK: arith.fptoui %{{.*}} : f32 to i8
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.sitofp %{{.*}} : i32 to f16
// CHECK: arith.cmpf une
func.func @casts(%x: tensor<2xf32>) -> (tensor<2xf16>, tensor<2xi1>) {
  %0 = nn.cast %x {to = 2 : i64} : (tensor<2xf32>) -> tensor<2xui8>
  %1 = nn.cast %0 {to = 6 : i64} : (tensor<2xui8>) -> tensor<2xi32>
  %2 = nn.cast %1 {to = 10 : i64} : (tensor<2xi32>) -> tensor<2xf16>
  %3 = nn.cast %x {to = 9 : i64} : (tensor<2xf32>) -> tensor<2xi1>
  return %2, %3 : tensor<2xf16>, tensor<2xi1>
}

// -----

// A missing bound is no bound; scalar bounds broadcast.
// CHECK-LABEL: func.func @clip_min_only
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<5xf32>, tensor<f32>)
// CHECK: arith.maximumf
// CHECK-NOT: arith.minimumf
// CHECK: linalg.yield
func.func @clip_min_only(%x: tensor<5xf32>, %lo: tensor<f32>) -> tensor<5xf32> {
  %none = nn.none
  %0 = nn.clip %x, %lo, %none : (tensor<5xf32>, tensor<f32>, none) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// CHECK-LABEL: func.func @relu_int
// CHECK: arith.maxsi
func.func @relu_int(%x: tensor<5xi32>) -> tensor<5xi32> {
  %0 = nn.relu %x : (tensor<5xi32>) -> tensor<5xi32>
  return %0 : tensor<5xi32>
}

// -----

// Variadic ops fold their operands left to right in one generic.
// CHECK-LABEL: func.func @sum3
// CHECK: linalg.generic
// CHECK: arith.addf
// CHECK: arith.addf
// CHECK-NOT: linalg.generic
func.func @sum3(%a: tensor<2xf32>, %b: tensor<2xf32>, %c: tensor<1xf32>) -> tensor<2xf32> {
  %0 = nn.sum %a, %b, %c : (tensor<2xf32>, tensor<2xf32>, tensor<1xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Softplus uses the overflow-free form max(x, 0) + log1p(exp(-|x|)).
// CHECK-LABEL: func.func @softplus
// CHECK: math.absf
// CHECK: math.exp
// CHECK: math.log1p
// CHECK: arith.maximumf
func.func @softplus(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = nn.softplus %x : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @gelu_tanh
// CHECK: math.tanh
// CHECK-NOT: math.erf
func.func @gelu_tanh(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = nn.gelu %x {approximate = "tanh"} : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Constants keep their bytes; unsigned payloads are reinterpreted.
// CHECK-LABEL: func.func @constant_unsigned
// CHECK: arith.constant dense<[1, -1]> : tensor<2xi8>
func.func @constant_unsigned() -> tensor<2xui8> {
  %0 = nn.constant dense<[1, 255]> : tensor<2xui8>
  return %0 : tensor<2xui8>
}
