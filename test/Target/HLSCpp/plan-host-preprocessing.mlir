// Float ops on the inputs and constants only, before the input's
// qnn.quantize (ONNX Runtime-quantized models normalise their input so),
// are the host's work: the planner gives them no stage and plans the rest.
// A float op on a dequantized value is still an error.
// RUN: not whittle-opt %s -split-input-file --hlscpp-attach-device --hlscpp-plan-dataflow 2>/dev/null | FileCheck %s
// RUN: not whittle-opt %s -split-input-file --hlscpp-attach-device --hlscpp-plan-dataflow 2>&1 | FileCheck %s --check-prefix=ERR

// CHECK-LABEL: func.func @normalised_input
// CHECK: nn.sub %{{.*}} : (
// CHECK-NOT: hlscpp.stage
// CHECK: nn.div %{{.*}} : (
// CHECK: qnn.quantize
// CHECK: qnn.add {{.*}}hlscpp.stage = #hlscpp.stage<
func.func @normalised_input(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %mean = nn.constant dense<0.25> : tensor<f32>
  %std = nn.constant dense<0.5> : tensor<f32>
  %c = nn.constant dense<3> : tensor<i8>
  %s = nn.sub %x, %mean : (tensor<1x4xf32>, tensor<f32>) -> tensor<1x4xf32>
  %n = nn.div %s, %std : (tensor<1x4xf32>, tensor<f32>) -> tensor<1x4xf32>
  %q = qnn.quantize %n {scale = array<f32: 0.5>, zero_point = array<i32: 0>} : (tensor<1x4xf32>) -> tensor<1x4xi8>
  %a = qnn.add %q, %c {a_multiplier = 1073741824 : i32, b_multiplier = 1073741824 : i32, shift = 30 : i32} : (tensor<1x4xi8>, tensor<i8>) -> tensor<1x4xi8>
  %d = qnn.dequantize %a {scale = array<f32: 0.5>, zero_point = array<i32: 0>} : (tensor<1x4xi8>) -> tensor<1x4xf32>
  return %d : tensor<1x4xf32>
}

// -----

// ERR: error: 'nn.sub' computes on floats: the FPGA back end implements integer (qnn) models only; quantize the model first
func.func @float_after_dequantize(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %mean = nn.constant dense<0.25> : tensor<f32>
  %q = qnn.quantize %x {scale = array<f32: 0.5>, zero_point = array<i32: 0>} : (tensor<1x4xf32>) -> tensor<1x4xi8>
  %c = nn.constant dense<3> : tensor<i8>
  %a = qnn.add %q, %c {a_multiplier = 1073741824 : i32, b_multiplier = 1073741824 : i32, shift = 30 : i32} : (tensor<1x4xi8>, tensor<i8>) -> tensor<1x4xi8>
  %d = qnn.dequantize %a {scale = array<f32: 0.5>, zero_point = array<i32: 0>} : (tensor<1x4xi8>) -> tensor<1x4xf32>
  %s = nn.sub %d, %mean : (tensor<1x4xf32>, tensor<f32>) -> tensor<1x4xf32>
  return %s : tensor<1x4xf32>
}
