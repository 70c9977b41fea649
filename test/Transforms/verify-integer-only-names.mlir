// RUN: not whittle-opt %s --verify-integer-only 2>&1 | FileCheck %s

// Errors are at the op's location, which the importer makes the ONNX
// node's name.
// CHECK: error: loc("Sigmoid_3"): 'nn.sigmoid' computes on tensor<4xf32> inside the integer-only region
func.func @named(%x: tensor<4xi8>) -> tensor<4xf32> {
  %d = qnn.dequantize %x {scale = array<f32: 0.1>, zero_point = array<i32: 0>} : (tensor<4xi8>) -> tensor<4xf32> loc("DequantizeLinear_2")
  %s = nn.sigmoid %d : (tensor<4xf32>) -> tensor<4xf32> loc("Sigmoid_3")
  return %s : tensor<4xf32>
}
