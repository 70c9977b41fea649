// RUN: whittle-opt %s --split-input-file --convert-qnn-to-linalg -verify-diagnostics

func.func @dynamic(%x: tensor<?x4xi32>) -> tensor<?x4xi8> {
  // expected-error @+1 {{cannot lower 'qnn.requantize' with the dynamic type 'tensor<?x4xi32>'; give the model's inputs static shapes}}
  %y = qnn.requantize %x {multiplier = array<i32: 1>, shift = array<i32: 1>} : (tensor<?x4xi32>) -> tensor<?x4xi8>
  return %y : tensor<?x4xi8>
}
