// Export of a small hand-written model: node names from NameLocs, only
// non-default attributes, constants as initializers, discardable whittle.*
// attributes dropped, input and output names kept; imported back it is the
// same IR.
// RUN: whittle-translate --export-onnx %s -o %t.onnx
// RUN: %python %S/Inputs/dump_onnx.py %t.onnx | FileCheck %s --check-prefix=PROTO
// RUN: whittle-translate --import-onnx %t.onnx | FileCheck %s --check-prefix=BACK

// PROTO: ir_version: 8
// PROTO: opset_import: 14
// PROTO: input: image float32 [1, 2, 5, 5]
// PROTO: output: scores float32 [1, 3, 3, 3]
// PROTO: initializer: conv.weight float32 [3, 2, 3, 3] (216 bytes raw)
// PROTO: initializer: conv.bias float32 [3] (12 bytes raw)
// PROTO: node: conv1 Conv (image, conv.weight, conv.bias) -> (conv1) kernel_shape=[3, 3] strides=[1, 1]
// PROTO-NOT: whittle
// PROTO: node: act Relu (conv1) -> (scores)
// PROTO-NOT: node:

// BACK: func.func @main(%arg0: tensor<1x2x5x5xf32> {nn.name = "image"}) -> (tensor<1x3x3x3xf32> {nn.name = "scores"})
// BACK: nn.conv %arg0, %{{.*}}, %{{.*}} {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>}
// BACK: nn.relu
module {
  func.func @main(%arg0: tensor<1x2x5x5xf32> {nn.name = "image"}) -> (tensor<1x3x3x3xf32> {nn.name = "scores"}) {
    %w = nn.constant dense<0.5> : tensor<3x2x3x3xf32> loc("conv.weight")
    %b = nn.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32> loc("conv.bias")
    %0 = nn.conv %arg0, %w, %b {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, whittle.compression = {layer = "conv1"}} : (tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x3x3xf32> loc("conv1")
    %1 = nn.relu %0 : (tensor<1x3x3x3xf32>) -> tensor<1x3x3x3xf32> loc("act")
    return %1 : tensor<1x3x3x3xf32>
  }
}
