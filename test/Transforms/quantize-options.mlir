// RUN: not whittle-opt %s --whittle-quantize=scheme=int4 2>&1 | FileCheck %s --check-prefix=SCHEME
// RUN: not whittle-opt %s --whittle-quantize=rounding=up 2>&1 | FileCheck %s --check-prefix=ROUNDING
// RUN: not whittle-opt %s --whittle-quantize=weights=per-row 2>&1 | FileCheck %s --check-prefix=WEIGHTS
// RUN: not whittle-opt %s --whittle-quantize=activations=signed 2>&1 | FileCheck %s --check-prefix=ACTIVATIONS
// RUN: whittle-opt %s --whittle-quantize=report=%t.json | FileCheck %s --check-prefix=TABLE
// RUN: FileCheck %s --check-prefix=JSON < %t.json

// SCHEME: error: whittle-quantize: unknown scheme 'int4'; use fixed-point or pow2
// ROUNDING: error: whittle-quantize: unknown rounding 'up'; use nearest-even, half-away or pseudo-stochastic
// WEIGHTS: error: whittle-quantize: unknown weights 'per-row'; use per-channel or per-tensor
// ACTIVATIONS: error: whittle-quantize: unknown activations 'signed'; use symmetric or asymmetric

// TABLE: layer kind input scale:zp output scale:zp multiplier shift acc bound SQNR dB
// TABLE-NEXT: fc matmul 7.874e-03:0 7.874e-03:0 1082196480 38 48768 -
// TABLE: module

// JSON: "accumulator_bound": 48768
// JSON: "kind": "matmul"
// JSON: "multipliers": [
// JSON-NEXT: 1082196480
// JSON: "name": "fc"
// JSON: "scheme": "fixed-point"
func.func @matmul(%x: tensor<1x3xf32> {whittle.range = array<f64: -1.0, 1.0>}) -> tensor<1x2xf32> {
  %w = nn.constant dense<0.5> : tensor<3x2xf32>
  %0 = nn.matmul %x, %w {whittle.range = array<f64: -1.0, 1.0>} : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32> loc("fc")
  return %0 : tensor<1x2xf32>
}
