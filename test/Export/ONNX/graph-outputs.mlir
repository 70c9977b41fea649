// Graph outputs keep their names: an input, a constant or a value returned
// twice reaches its output through an Identity node; unnamed inputs and
// outputs get positional names; unused optional outputs (MaxPool's
// Indices) are left out; nn.upsample becomes the equivalent Resize.
// RUN: whittle-translate --export-onnx %s -o %t.onnx
// RUN: %python %S/Inputs/dump_onnx.py %t.onnx | FileCheck %s

// CHECK: opset_import: 16
// CHECK: input: x float32 [1, 1, 4, 4]
// CHECK: input: input_1 float32 [2]
// CHECK: output: pooled float32 [1, 1, 2, 2]
// CHECK: output: again float32 [1, 1, 2, 2]
// CHECK: output: same float32 [2]
// CHECK: output: output_3 float32 [3]
// CHECK: output: up float32 [1, 1, 8, 8]
// CHECK: node: pool MaxPool (x) -> (pooled) kernel_shape=[2, 2] strides=[2, 2]
// CHECK: node: upsample Resize (x, , scales) -> (up) mode='nearest' coordinate_transformation_mode='asymmetric' nearest_mode='floor'
// CHECK: node: again_identity Identity (pooled) -> (again)
// CHECK: node: same_identity Identity (input_1) -> (same)
// CHECK: node: output_3_identity Identity (three) -> (output_3)
module {
  func.func @main(%x: tensor<1x1x4x4xf32> {nn.name = "x"}, %y: tensor<2xf32>) -> (tensor<1x1x2x2xf32> {nn.name = "pooled"}, tensor<1x1x2x2xf32> {nn.name = "again"}, tensor<2xf32> {nn.name = "same"}, tensor<3xf32>, tensor<1x1x8x8xf32> {nn.name = "up"}) {
    %Y, %Indices = nn.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) loc("pool")
    %c = nn.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32> loc("three")
    %s = nn.constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32> loc("scales")
    %u = nn.upsample %x, %s : (tensor<1x1x4x4xf32>, tensor<4xf32>) -> tensor<1x1x8x8xf32> loc("upsample")
    return %Y, %Y, %y, %c, %u : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<2xf32>, tensor<3xf32>, tensor<1x1x8x8xf32>
  }
}
