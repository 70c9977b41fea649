// RUN: not whittle-opt %s --whittle-sparsify="sparsity=1.5" 2>&1 | FileCheck %s --check-prefix=RANGE
// RUN: not whittle-opt %s --whittle-sparsify="layer-sparsity=conv:-0.1" 2>&1 | FileCheck %s --check-prefix=LAYER-RANGE
// RUN: not whittle-opt %s --whittle-sparsify="granularity=n:m n=5 m=4 sparsity=0.5" 2>&1 | FileCheck %s --check-prefix=N-GT-M
// RUN: not whittle-opt %s --whittle-sparsify="granularity=n:m sparsity=0.7" 2>&1 | FileCheck %s --check-prefix=NM-TARGET
// RUN: not whittle-opt %s --whittle-sparsify="granularity=n:m m=8 n=4 layer-sparsity=conv:0.5" 2>&1 | FileCheck %s --check-prefix=M-DIVIDE
// RUN: not whittle-opt %s --whittle-sparsify="granularity=block block=4x4 layer-sparsity=conv:0.5" 2>&1 | FileCheck %s --check-prefix=BLOCK
// RUN: not whittle-opt %s --whittle-sparsify="granularity=block block=4by4" 2>&1 | FileCheck %s --check-prefix=BLOCK-SYNTAX
// RUN: not whittle-opt %s --whittle-sparsify="layer-sparsity=conv7:0.5" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not whittle-opt %s --whittle-sparsify="layer-sparsity=conv" 2>&1 | FileCheck %s --check-prefix=ENTRY
// RUN: not whittle-opt %s --whittle-sparsify="granularity=diagonal" 2>&1 | FileCheck %s --check-prefix=GRANULARITY
// RUN: not whittle-opt %s --whittle-sparsify="sparsity=0.5 allocation=uniform" 2>&1 | FileCheck %s --check-prefix=ALLOCATION
// RUN: whittle-opt %s --whittle-sparsify="granularity=n:m sparsity=0.5 keep-first-last=false" 2>&1 | FileCheck %s --check-prefix=GLOBAL-SKIP

// RANGE: error: sparsity must be in [0, 1), got 1.5
// LAYER-RANGE: error: sparsity of layer 'conv' must be in [0, 1), got -0.1
// N-GT-M: error: the N:M pattern needs 1 <= N < M, got N = 5, M = 4
// NM-TARGET: error: sparsity 0.7 does not match the 2:4 pattern, whose sparsity is 0.5; give 0 or 0.5, or change n and m
// M-DIVIDE: error: {{.*}}cannot apply n:m sparsity to layer 'conv': its reduction (input-channel) length 4 is not a multiple of M = 8
// BLOCK: error: {{.*}}cannot apply block sparsity to layer 'conv': the block 4x4 does not divide its (output, input) channels 6x4
// BLOCK-SYNTAX: error: block must be OUTxIN with positive sizes (e.g. 4x4), got '4by4'
// UNKNOWN: error: layer-sparsity names unknown layer 'conv7'; the weighted layers are 'conv', 'fc'
// ENTRY: error: layer-sparsity entries are NAME:S, got 'conv'
// GRANULARITY: error: unknown sparsity granularity 'diagonal'; use unstructured, n:m, block or channel
// ALLOCATION: error: allocation must be magnitude or erk, got 'uniform'
// In global mode a layer that cannot take the pattern stays dense with a
// warning instead (fc reduces over 6, not a multiple of 4).
// GLOBAL-SKIP: warning: {{.*}}layer 'fc' stays dense: its reduction (input-channel) length 6 is not a multiple of M = 4
// GLOBAL-SKIP: nn.conv {{.*}}#nn.sparsity<"n:m"
func.func @model(%x: tensor<1x4x3x3xf32>) -> tensor<1x2xf32> {
  %none = nn.none
  %w = nn.constant dense<1.0> : tensor<6x4x1x1xf32>
  %fw = nn.constant dense<2.0> : tensor<2x6xf32>
  %0 = nn.conv %x, %w, %none : (tensor<1x4x3x3xf32>, tensor<6x4x1x1xf32>, none) -> tensor<1x6x3x3xf32> loc("conv")
  %1 = nn.global_average_pool %0 : (tensor<1x6x3x3xf32>) -> tensor<1x6x1x1xf32>
  %2 = nn.flatten %1 : (tensor<1x6x1x1xf32>) -> tensor<1x6xf32>
  %3 = nn.gemm %2, %fw, %none {transB = 1 : i64} : (tensor<1x6xf32>, tensor<2x6xf32>, none) -> tensor<1x2xf32> loc("fc")
  return %3 : tensor<1x2xf32>
}
