// Invalid options and budgets: one error naming what is wrong, and the
// pass fails.
// RUN: not whittle-opt %s --whittle-factorize="ranks=energy=1.5" 2>&1 | FileCheck %s --check-prefix=ENERGY
// ENERGY: error: whittle-factorize: energy=P: P must be a number in (0, 1], got '1.5'
// RUN: not whittle-opt %s --whittle-factorize="ranks=energy=0" 2>&1 | FileCheck %s --check-prefix=ENERGY0
// ENERGY0: error: whittle-factorize: energy=P: P must be a number in (0, 1], got '0'
// RUN: not whittle-opt %s --whittle-factorize="ranks=budget=0" 2>&1 | FileCheck %s --check-prefix=BUDGET0
// BUDGET0: error: whittle-factorize: budget=F: F must be a number in (0, 1], got '0'
// RUN: not whittle-opt %s --whittle-factorize="ranks=budget=half" 2>&1 | FileCheck %s --check-prefix=BUDGETX
// BUDGETX: error: whittle-factorize: budget=F: F must be a number in (0, 1], got 'half'
// RUN: not whittle-opt %s --whittle-factorize="ranks=vbmf" 2>&1 | FileCheck %s --check-prefix=RULE
// RULE: error: whittle-factorize: unknown rank rule 'ranks=vbmf'; expected evbmf, energy=P or budget=F
// RUN: not whittle-opt %s --whittle-factorize="ranks=evbmf form=cp" 2>&1 | FileCheck %s --check-prefix=FORM
// FORM: error: whittle-factorize: unknown form 'cp'; expected tucker2 or channel-svd
// RUN: not whittle-opt %s --whittle-factorize="ranks=budget=0.5 budget-metric=flops" 2>&1 | FileCheck %s --check-prefix=METRIC
// METRIC: error: whittle-factorize: unknown budget-metric 'flops'; expected macs or params
// RUN: not whittle-opt %s --whittle-factorize="layer-ranks=conv" 2>&1 | FileCheck %s --check-prefix=NORANK
// NORANK: error: whittle-factorize: layer-ranks entry 'conv' has no rank; expected NAME:R or NAME:R3:R4
// RUN: not whittle-opt %s --whittle-factorize="layer-ranks=conv:0:2" 2>&1 | FileCheck %s --check-prefix=ZERO
// ZERO: error: whittle-factorize: rank 0 of layer-ranks entry 'conv:0:2' must be at least 1
// RUN: not whittle-opt %s --whittle-factorize="layer-ranks=conv:2:2,fc:1,conv2:3" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: whittle-factorize: unknown layer 'conv2' in layer-ranks (no nn.conv, nn.gemm or nn.matmul has this location name)
// RUN: not whittle-opt %s --whittle-factorize="layer-ranks=fc:1:2" 2>&1 | FileCheck %s --check-prefix=TWO
// TWO: error: {{.*}}whittle-factorize: layer 'fc' takes one rank (form svd), got 2
// Names may contain ':' (ONNX initializer-style names).
// RUN: whittle-opt %s --whittle-factorize="layer-ranks=onnx::Gemm_7:1" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=COLON
// COLON: loc("onnx::Gemm_7/svd.1")
// The smallest ranks (all 1) leave 592 of the 6912 MACs (conv 144 + 144 +
// 128, fc 128 + 16, the other Gemm 16 + 16): budget=0.05 cannot be met.
// RUN: not whittle-opt %s --whittle-factorize="ranks=budget=0.05" 2>&1 | FileCheck %s --check-prefix=UNSAT
// UNSAT: error: whittle-factorize: budget=0.05 (345 MACs of 6912) cannot be met: the smallest ranks leave 592 MACs, a fraction of 0.0856; raise the budget to at least that
// RUN: not whittle-opt %s --whittle-factorize="ranks=budget=0.05 budget-metric=params" 2>&1 | FileCheck %s --check-prefix=UNSATP
// UNSATP: error: whittle-factorize: budget=0.05 (129 parameters of 2592) cannot be met: the smallest ranks leave 197 parameters

func.func @main(%x: tensor<1x4x6x6xf32>) -> tensor<1x16xf32> {
  %w = nn.constant dense<1.0> : tensor<8x4x3x3xf32>
  %none = nn.none
  %y = nn.conv %x, %w, %none {kernel_shape = array<i64: 3, 3>} : (tensor<1x4x6x6xf32>, tensor<8x4x3x3xf32>, none) -> tensor<1x8x4x4xf32> loc("conv")
  %f = nn.flatten %y : (tensor<1x8x4x4xf32>) -> tensor<1x128xf32>
  %wf = nn.constant dense<1.0> : tensor<16x128xf32>
  %z = nn.gemm %f, %wf, %none {transB = 1 : i64} : (tensor<1x128xf32>, tensor<16x128xf32>, none) -> tensor<1x16xf32> loc("fc")
  %wg = nn.constant dense<1.0> : tensor<16x16xf32>
  %u = nn.gemm %z, %wg, %none : (tensor<1x16xf32>, tensor<16x16xf32>, none) -> tensor<1x16xf32> loc("onnx::Gemm_7")
  return %u : tensor<1x16xf32>
}
