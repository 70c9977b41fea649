// RUN: whittle-opt --whittle-cuda-plan=gpu=sm_80 %s | FileCheck %s
// RUN: whittle-opt --whittle-cuda-plan=gpu=sm_80 %s | whittle-translate --emit-cuda | FileCheck %s --check-prefix=EMIT
// RUN: not whittle-opt --whittle-cuda-plan=gpu=sm_80 %S/Inputs/linear-nn-resize.mlir 2>&1 | FileCheck %s --check-prefix=LINEAR

// ONNX Resize on int8, as a quantized detector's feature pyramid has it
// (PicoDet, DBNet): nearest sampling by the CPU lowering's own sampling
// plan (getResizePlan), from scales (asymmetric, floor) and from sizes
// (half_pixel, round_prefer_floor), one tap of weight 1 per axis.
// host-run.test runs it against whittle-run.

// CHECK: nn.resize
// CHECK-SAME: whittle.cuda.kernel = "resize", whittle.cuda.layout = "nhwc"
// CHECK: nn.resize
// CHECK-SAME: whittle.cuda.kernel = "resize"

// EMIT: resize2d(ResizeShape{2, 5, 3, 16, 10, 6, 1, 1}, {{.*}}, 0, RoundingMode::nearest_even,
// EMIT: resize2d(ResizeShape{2, 10, 6, 16, 7, 9, 1, 1},

// LINEAR: error: 'nn.resize' op is a 'linear' resize of 'i8'; the CUDA back end resizes i8 tensors by nearest sampling (qnn.resize interpolates)
module {
  func.func @main(%arg0: tensor<2x16x5x3xf32>) -> tensor<2x16x7x9xf32> {
    %none = nn.none
    %roi = nn.constant dense<> : tensor<0xf32>
    %scales = nn.constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
    %sizes = nn.constant dense<[2, 16, 7, 9]> : tensor<4xi64>
    %q = qnn.quantize %arg0 {scale = array<f32: 0.02>, zero_point = array<i32: 3>} : (tensor<2x16x5x3xf32>) -> tensor<2x16x5x3xi8>
    %up = nn.resize %q, %roi, %scales, %none {coordinate_transformation_mode = "asymmetric", nearest_mode = "floor"} : (tensor<2x16x5x3xi8>, tensor<0xf32>, tensor<4xf32>, none) -> tensor<2x16x10x6xi8>
    %to = nn.resize %up, %none, %none, %sizes : (tensor<2x16x10x6xi8>, none, none, tensor<4xi64>) -> tensor<2x16x7x9xi8>
    %d = qnn.dequantize %to {scale = array<f32: 0.02>, zero_point = array<i32: 3>} : (tensor<2x16x7x9xi8>) -> tensor<2x16x7x9xf32>
    return %d : tensor<2x16x7x9xf32>
  }
}
