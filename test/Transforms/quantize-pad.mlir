// RUN: whittle-opt %s --split-input-file --whittle-quantize="activations=asymmetric unsigned-after-relu=false" | FileCheck %s

// Pad in every mode stays nn.pad on i8 with the input's scale and zero
// point. Input [-1, 1.55]: scale 0.01, zero point -28. Constant padding
// with 0 pads the zero point; 0.5 is 50 steps above it (22); -inf saturates
// to -128. Reflect and edge copy elements: no value.
// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = qnn.quantize %arg0 {scale = array<f32: 0.00999999977>, zero_point = array<i32: -28>}
// CHECK: %[[Z:.*]] = nn.constant dense<-28> : tensor<i8>
// CHECK: %[[P0:.*]] = nn.pad %[[X]], %{{.*}}, %[[Z]], %{{.*}} : (tensor<1x1x2x2xi8>, tensor<8xi64>, tensor<i8>, none) -> tensor<1x1x4x4xi8>
// CHECK: %[[H:.*]] = nn.constant dense<22> : tensor<i8>
// CHECK: %[[P1:.*]] = nn.pad %[[P0]], %{{.*}}, %[[H]], %{{.*}} : (tensor<1x1x4x4xi8>, tensor<8xi64>, tensor<i8>, none) -> tensor<1x1x6x6xi8>
// CHECK: %[[M:.*]] = nn.constant dense<-128> : tensor<i8>
// CHECK: %[[P2:.*]] = nn.pad %[[P1]], %{{.*}}, %[[M]], %{{.*}} : (tensor<1x1x6x6xi8>, tensor<8xi64>, tensor<i8>, none) -> tensor<1x1x8x8xi8>
// CHECK-NOT: nn.constant
// CHECK: %[[P3:.*]] = nn.pad %[[P2]], {{.*}} {mode = "reflect"} : (tensor<1x1x8x8xi8>
// CHECK: %[[P4:.*]] = nn.pad %[[P3]], {{.*}} {mode = "edge"} : (tensor<1x1x10x10xi8>
// CHECK: qnn.dequantize %[[P4]] {scale = array<f32: 0.00999999977>, zero_point = array<i32: -28>}
// CHECK-NOT: f32>) -> tensor<{{.*}}xf32>{{$}}
func.func @main(%x: tensor<1x1x2x2xf32> {whittle.range = array<f64: -1.0, 1.55>}) -> tensor<1x1x12x12xf32> {
  %pads = nn.constant dense<[0, 0, 1, 1, 0, 0, 1, 1]> : tensor<8xi64>
  %n = nn.none
  %0 = nn.pad %x, %pads, %n, %n {whittle.range = array<f64: -1.0, 1.55>} : (tensor<1x1x2x2xf32>, tensor<8xi64>, none, none) -> tensor<1x1x4x4xf32>
  %half = nn.constant dense<0.5> : tensor<f32>
  %1 = nn.pad %0, %pads, %half, %n {whittle.range = array<f64: -1.0, 1.55>} : (tensor<1x1x4x4xf32>, tensor<8xi64>, tensor<f32>, none) -> tensor<1x1x6x6xf32>
  %inf = nn.constant dense<0xFF800000> : tensor<1xf32>
  %2 = nn.pad %1, %pads, %inf, %n {whittle.range = array<f64: -1.0, 1.55>} : (tensor<1x1x6x6xf32>, tensor<8xi64>, tensor<1xf32>, none) -> tensor<1x1x8x8xf32>
  %3 = nn.pad %2, %pads, %n, %n {mode = "reflect", whittle.range = array<f64: -1.0, 1.55>} : (tensor<1x1x8x8xf32>, tensor<8xi64>, none, none) -> tensor<1x1x10x10xf32>
  %4 = nn.pad %3, %pads, %n, %n {mode = "edge", whittle.range = array<f64: -1.0, 1.55>} : (tensor<1x1x10x10xf32>, tensor<8xi64>, none, none) -> tensor<1x1x12x12xf32>
  return %4 : tensor<1x1x12x12xf32>
}

