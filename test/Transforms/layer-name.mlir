// A layer is named by the first ONNX node name in its location (fused
// locations in order, call sites by their callee), the same way in the pass
// that compresses it and in the report that lists it: fused[fc1, bn1] is
// fc1 (not bn1, the last name), and callsite(fused[fc2, relu2] at main) is fc2.
// RUN: whittle-opt %s --whittle-sparsify="layer-sparsity=fc1:0.5" --whittle-compression-report | FileCheck %s
// RUN: whittle-opt %s --whittle-sparsify="layer-sparsity=fc1:0.5" --whittle-compression-report | FileCheck %s --check-prefix=IR
// RUN: not whittle-opt %s --whittle-sparsify="layer-sparsity=bn1:0.5" 2>&1 | FileCheck %s --check-prefix=UNKNOWN

// CHECK:      layer  op
// CHECK-NEXT: fc1    gemm  4x2      mask-unstructured
// CHECK-NEXT: fc2    gemm  2x2      dense
// IR: nn.gemm {{.*}}layer = "fc1"
// UNKNOWN: error: layer-sparsity names unknown layer 'bn1'; the weighted layers are 'fc1', 'fc2'
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %none = nn.none
  %w1 = nn.constant dense<[[1.0, 4.0], [-3.0, 1.0], [2.0, -5.0], [4.0, 2.0]]> : tensor<4x2xf32>
  %w2 = nn.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %0 = nn.gemm %x, %w1, %none : (tensor<1x4xf32>, tensor<4x2xf32>, none) -> tensor<1x2xf32> loc(fused["fc1", "bn1"])
  %1 = nn.gemm %0, %w2, %none : (tensor<1x2xf32>, tensor<2x2xf32>, none) -> tensor<1x2xf32> loc(callsite(fused["fc2", "relu2"] at "main"))
  return %1 : tensor<1x2xf32>
}
