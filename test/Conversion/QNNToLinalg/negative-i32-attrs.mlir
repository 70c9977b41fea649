// RUN: whittle-opt --convert-qnn-to-linalg %s | FileCheck %s

// A negative multiplier or shift must be sign-extended into the i64
// arithmetic, not zero-extended (a Sub lowered to qnn.add with a negative
// b_multiplier saturated every output while the attributes were I32Attr,
// whose getters return uint32_t; qnn's QNN_SignedI32Attr reads them signed).

// CHECK-LABEL: func.func @add_negative_multiplier
// CHECK-DAG: arith.constant -860196588 : i64
// CHECK-NOT: 3434770708
func.func @add_negative_multiplier(%x: tensor<1x4xi8>) -> tensor<1x4xi8> {
  %b = nn.constant dense<127> : tensor<i8>
  %y = qnn.add %x, %b {a_multiplier = 1497942794 : i32, a_zero_point = -128 : i32, b_multiplier = -860196588 : i32, shift = 31 : i32} : (tensor<1x4xi8>, tensor<i8>) -> tensor<1x4xi8>
  return %y : tensor<1x4xi8>
}

// CHECK-LABEL: func.func @mul_negative_shift
// CHECK: arith.constant -3 : i64
// CHECK-NOT: 4294967293
func.func @mul_negative_shift(%x: tensor<4xi8>, %z: tensor<4xi8>) -> tensor<4xi8> {
  %y = qnn.mul %x, %z {multiplier = 1 : i32, shift = -3 : i32} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %y : tensor<4xi8>
}
