// RUN: whittle-opt %s --whittle-sparsify="sparsity=0.5" | FileCheck %s
// RUN: whittle-opt %s --whittle-sparsify="sparsity=0.5 keep-first-last=false allocation=magnitude" | FileCheck %s --check-prefix=ALL
// RUN: whittle-opt %s --whittle-sparsify="sparsity=0.5 layer-sparsity=first:0.25" | FileCheck %s --check-prefix=MIXED
// RUN: whittle-opt %s --whittle-sparsify="sparsity=0.5 keep-first-last=false allocation=erk" | FileCheck %s --check-prefix=ERK

// Global target: half of the eligible weights. With keep-first-last the
// first and last weighted layers stay dense and carry no annotation, and the
// middle one (the only eligible layer) gets the whole target.
// CHECK-LABEL: func.func @three_layers
// CHECK: nn.matmul %{{[a-z0-9]+}}, %{{[a-z0-9]+}} : (
// CHECK: nn.matmul
// CHECK-SAME: whittle.sparsity = #nn.sparsity<unstructured, sparsity = 5.000000e-01{{.*}}, out_axis = 1, in_axis = 0
// CHECK: nn.matmul %{{[a-z0-9]+}}, %{{[a-z0-9]+}} : (

// Without it all three compete on normalized magnitudes: the middle layer
// (one large column among small ones) gives up more than the others, and
// the total is half of the 48 weights.
// ALL-LABEL: func.func @three_layers
// ALL: nn.matmul {{.*}}whittle.sparsity = #nn.sparsity<unstructured, sparsity = 3.750000e-01{{.*}}, out_axis = 1, in_axis = 0
// ALL: nn.matmul {{.*}}whittle.sparsity = #nn.sparsity<unstructured, sparsity = 7.500000e-01{{.*}}, out_axis = 1, in_axis = 0
// ALL: nn.matmul {{.*}}whittle.sparsity = #nn.sparsity<unstructured, sparsity = 3.750000e-01{{.*}}, out_axis = 1, in_axis = 0

// A per-layer value overrides keep-first-last for the layer it names; the
// global target covers the remaining eligible layer.
// MIXED-LABEL: func.func @three_layers
// MIXED: nn.matmul {{.*}}whittle.sparsity = #nn.sparsity<unstructured, sparsity = 2.500000e-01{{.*}}, out_axis = 1, in_axis = 0
// MIXED: nn.matmul {{.*}}whittle.sparsity = #nn.sparsity<unstructured, sparsity = 5.000000e-01{{.*}}, out_axis = 1, in_axis = 0
// MIXED: nn.matmul %{{[a-z0-9]+}}, %{{[a-z0-9]+}} : (
// ERK looks at shapes only: three equal shapes get the same share.
// ERK-COUNT-3: nn.matmul {{.*}}whittle.sparsity = #nn.sparsity<unstructured, sparsity = 5.000000e-01{{.*}}, out_axis = 1, in_axis = 0
func.func @three_layers(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %w1 = nn.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [-1.0, -2.0, -3.0, -4.0], [-5.0, -6.0, -7.0, -8.0]]> : tensor<4x4xf32>
  %w2 = nn.constant dense<[[0.01, 0.02, 0.03, 9.0], [0.04, 0.05, 0.06, 9.0], [-0.01, -0.02, -0.03, 9.0], [-0.04, -0.05, -0.06, 9.0]]> : tensor<4x4xf32>
  %w3 = nn.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [-1.0, -2.0, -3.0, -4.0], [-5.0, -6.0, -7.0, -8.0]]> : tensor<4x4xf32>
  %0 = nn.matmul %x, %w1 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32> loc("first")
  %1 = nn.matmul %0, %w2 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32> loc("middle")
  %2 = nn.matmul %1, %w3 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32> loc("last")
  return %2 : tensor<1x4xf32>
}
