// RUN: whittle-opt %s --whittle-sparsify="granularity=block block=2x2 layer-sparsity=l:0.25" | FileCheck %s --check-prefix=L2
// RUN: whittle-opt %s --whittle-sparsify="granularity=block block=2x2 block-norm=l1 layer-sparsity=l:0.25" | FileCheck %s --check-prefix=L1
// RUN: whittle-opt %s --whittle-sparsify="granularity=block block=2x2 layer-sparsity=l:0.25" | whittle-opt --whittle-verify-sparsity | FileCheck %s --check-prefix=L2

// Blocks of 2 output x 2 input channels of B [N, K] (transB). One block of
// four goes. Block (0, 0) = [3, 0; 0, 0] has L2 norm 3 and L1 norm 3; block
// (0, 1) = all ones has L2 norm 2 and L1 norm 4: L2 removes the ones, L1
// removes the 3. The declared sparsity counts the elements in all-zero
// blocks (4 of 16), not the other zeros.
// L2: nn.constant dense<{{\[\[}}3.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [1.000000e+01,
// L2: nn.gemm
// L2-SAME: whittle.compression = #nn.compression<layer = "l", form = "mask-block"{{.*}}, params_before = 13, params_after = 9, macs_before = 13, macs_after = 9
// L2-SAME: whittle.sparsity = #nn.sparsity<block, block = [2, 2], sparsity = 2.500000e-01, weight_operand = 1, out_axis = 0, in_axis = 1>
// L1: nn.constant dense<{{\[\[}}0.000000e+00, 0.000000e+00, 1.000000e+00, 1.000000e+00], [0.000000e+00, 0.000000e+00, 1.000000e+00, 1.000000e+00], [1.000000e+01,
// L1: whittle.sparsity = #nn.sparsity<block, block = [2, 2], sparsity = 2.500000e-01{{.*}}, out_axis = 0, in_axis = 1
func.func @blocks(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %none = nn.none
  %w = nn.constant dense<[[3.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0], [10.0, 10.0, 10.0, 10.0], [10.0, 10.0, 10.0, 10.0]]> : tensor<4x4xf32>
  %0 = nn.gemm %x, %w, %none {transB = 1 : i64} : (tensor<1x4xf32>, tensor<4x4xf32>, none) -> tensor<1x4xf32> loc("l")
  return %0 : tensor<1x4xf32>
}
