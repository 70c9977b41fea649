// The report groups the ops of a factorized layer by their record's layer,
// takes compressed layers' numbers from the records and counts untouched
// layers from the IR (weights, operand 1, as the records do); the totals
// are the IR's parameters and MACs with the recorded layers counted as
// their records say. The IR is unchanged.
// RUN: whittle-opt %s --whittle-compression-report="json=%t.json" | FileCheck %s
// RUN: FileCheck %s --check-prefix=JSON < %t.json
// RUN: whittle-opt %s --whittle-compression-report | FileCheck %s --check-prefix=IR

// conv1 was a 16x3x3x3 conv (432 weights, 28*28*16*27 = 338688 MACs), now
// 8x3x3x3 + 16x8x1x1 (344 weights, 169344 + 100352 = 269696 MACs); fc keeps
// 25% of 125440 weights. The IR holds 126098 parameters (weights, biases
// and the 16 of %scale): after = 126098 - (125440 - 31360) = 32018, before
// = 32018 + 88 + 94080 = 126186; MACs after = 595840 - 94080 = 501760,
// before = 501760 + 68992 + 94080 = 664832.
// CHECK:      layer  op         weights               form                        ranks/sparsity    params before -> after         MACs before -> after  rel.error
// CHECK-NEXT: conv1  conv+conv  8x3x3x3, 16x8x1x1     channel-svd                 rank 8                   432 -> 344         338688 -> 269696   1.25E-01
// CHECK-NEXT: conv2  conv       16x16x1x1             dense                       -                        256 -> 256         200704 -> 200704          -
// CHECK-NEXT: fc     gemm       10x12544              mask-unstructured+mask-n:m  75.0% zero       125440 -> 31360         125440 -> 31360   5.00E-02
// CHECK-NEXT: layers: 3, compressed: 2
// CHECK-NEXT: parameters: 126186 -> 32018 (0.254x, 3.94x smaller)
// CHECK-NEXT: MACs: 664832 -> 501760 (0.755x, 1.32x fewer)

// JSON:      "layers": [
// JSON:          "compressed": true,
// JSON-NEXT:     "form": "channel-svd",
// JSON-NEXT:     "macs_after": 269696,
// JSON-NEXT:     "macs_before": 338688,
// JSON-NEXT:     "name": "conv1",
// JSON-NEXT:     "ops": "conv+conv",
// JSON-NEXT:     "params_after": 344,
// JSON-NEXT:     "params_before": 432,
// JSON-NEXT:     "ranks": [
// JSON-NEXT:       8
// JSON-NEXT:     ],
// JSON-NEXT:     "relative_error": 0.125,
// JSON-NEXT:     "sparsity": 0,
// JSON-NEXT:     "weight_shapes": [
// JSON-NEXT:       "8x3x3x3",
// JSON-NEXT:       "16x8x1x1"
// JSON-NEXT:     ]
// JSON:          "name": "conv2",
// JSON:          "name": "fc",
// JSON:      "totals": {
// JSON-NEXT:   "macs_after": 501760,
// JSON-NEXT:   "macs_before": 664832,
// JSON-NEXT:   "macs_ratio": 0.7547
// JSON-NEXT:   "params_after": 32018,
// JSON-NEXT:   "params_before": 126186,
// JSON-NEXT:   "params_ratio": 0.2537

// IR: nn.conv {{.*}}whittle.compression = #nn.compression<{{.*}}form = "channel-svd"
// IR: nn.gemm
module {
  func.func @main(%x: tensor<1x3x28x28xf32>) -> tensor<1x10xf32> {
    %w1 = nn.constant dense<1.0> : tensor<8x3x3x3xf32>
    %w2 = nn.constant dense<1.0> : tensor<16x8x1x1xf32>
    %b2 = nn.constant dense<1.0> : tensor<16xf32>
    %w3 = nn.constant dense<1.0> : tensor<16x16x1x1xf32>
    %b3 = nn.constant dense<1.0> : tensor<16xf32>
    %wf = nn.constant dense<1.0> : tensor<10x12544xf32>
    %bf = nn.constant dense<1.0> : tensor<10xf32>
    %scale = nn.constant dense<2.0> : tensor<1x16x1x1xf32>
    %shape = nn.constant dense<[1, 12544]> : tensor<2xi64>
    %none = nn.none
    %0 = nn.conv %x, %w1, %none {pads = array<i64: 1, 1, 1, 1>, whittle.compression = #nn.compression<layer = "conv1", form = "channel-svd", ranks = [8], sparsity = 0.000000e+00, params_before = 432, params_after = 344, macs_before = 338688, macs_after = 269696, relative_error = 1.250000e-01>} : (tensor<1x3x28x28xf32>, tensor<8x3x3x3xf32>, none) -> tensor<1x8x28x28xf32> loc("conv1_svd1")
    %1 = nn.conv %0, %w2, %b2 {whittle.compression = #nn.compression<layer = "conv1", form = "channel-svd", ranks = [8], sparsity = 0.000000e+00, params_before = 432, params_after = 344, macs_before = 338688, macs_after = 269696, relative_error = 1.250000e-01>} : (tensor<1x8x28x28xf32>, tensor<16x8x1x1xf32>, tensor<16xf32>) -> tensor<1x16x28x28xf32> loc("conv1_svd2")
    %2 = nn.conv %1, %w3, %b3 : (tensor<1x16x28x28xf32>, tensor<16x16x1x1xf32>, tensor<16xf32>) -> tensor<1x16x28x28xf32> loc("conv2")
    %3 = nn.mul %2, %scale : (tensor<1x16x28x28xf32>, tensor<1x16x1x1xf32>) -> tensor<1x16x28x28xf32>
    %4 = nn.reshape %3, %shape : (tensor<1x16x28x28xf32>, tensor<2xi64>) -> tensor<1x12544xf32>
    %5 = nn.gemm %4, %wf, %bf {transB = 1 : i64, whittle.compression = #nn.compression<layer = "fc", form = "mask-unstructured+mask-n:m", sparsity = 7.500000e-01, params_before = 125440, params_after = 31360, macs_before = 125440, macs_after = 31360, relative_error = 5.000000e-02>} : (tensor<1x12544xf32>, tensor<10x12544xf32>, tensor<10xf32>) -> tensor<1x10xf32> loc("fc")
    return %5 : tensor<1x10xf32>
  }
}
