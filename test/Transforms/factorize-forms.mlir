// The three forms on the test model (Inputs/make_factorize_model.py), at
// explicit ranks: shapes, attributes, locations, compression records, and
// the original weights gone.
// RUN: whittle-opt %S/Inputs/factorize_model.mlir --whittle-factorize="layer-ranks=conv1:4:6,pw:5,fc:3,proj:2" --mlir-elide-resource-strings-if-larger=1 --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
// RUN: whittle-opt %S/Inputs/factorize_model.mlir --whittle-factorize="form=channel-svd layer-ranks=conv1:6" --mlir-elide-resource-strings-if-larger=1 --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=CHANNEL
// A single rank for a Tucker-2 layer is used for both modes.
// RUN: whittle-opt %S/Inputs/factorize_model.mlir --whittle-factorize="layer-ranks=conv1:5" --mlir-elide-resource-strings-if-larger=1 | FileCheck %s --check-prefix=ONE

// CHECK-NOT: loc("conv1.weight")
// CHECK-NOT: loc("pw.weight")
// CHECK: %[[NONE:.*]] = nn.none loc("conv1")
// CHECK: %[[U3:.*]] = nn.constant dense_resource<"conv1/tucker2.0.weight"> : tensor<4x16x1x1xf32> loc("conv1/tucker2.0")
// CHECK: %[[CORE:.*]] = nn.constant dense_resource<"conv1/tucker2.1.weight"> : tensor<6x4x3x3xf32> loc("conv1/tucker2.1")
// CHECK: %[[U4:.*]] = nn.constant dense_resource<"conv1/tucker2.2.weight"> : tensor<32x6x1x1xf32> loc("conv1/tucker2.2")
// The first 1x1 runs at the input's resolution, the core keeps the
// original stride and padding, the last 1x1 takes the bias.
// CHECK: %[[A:.*]] = nn.conv %arg0, %[[U3]], %[[NONE]] {kernel_shape = array<i64: 1, 1>, whittle.compression = #nn.compression<layer = "conv1", form = "tucker2", ranks = [4, 6], sparsity = 0.000000e+00, params_before = 4608, params_after = 472, macs_before = 73728, macs_after = 10624, relative_error = 0.0107{{[0-9]*}}>} : (tensor<1x16x8x8xf32>, tensor<4x16x1x1xf32>, none) -> tensor<1x4x8x8xf32> loc("conv1/tucker2.0")
// CHECK: %[[B:.*]] = nn.conv %[[A]], %[[CORE]], %[[NONE]] {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, whittle.compression = #nn.compression<layer = "conv1", form = "tucker2"{{.*}}>} : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>, none) -> tensor<1x6x4x4xf32> loc("conv1/tucker2.1")
// CHECK: %[[C:.*]] = nn.conv %[[B]], %[[U4]], %{{.*}} {kernel_shape = array<i64: 1, 1>, whittle.compression = #nn.compression<layer = "conv1", form = "tucker2"{{.*}}>} : (tensor<1x6x4x4xf32>, tensor<32x6x1x1xf32>, tensor<32xf32>) -> tensor<1x32x4x4xf32> loc("conv1/tucker2.2")
// CHECK: %[[R:.*]] = nn.relu %[[C]]

// A 1x1 conv is a matrix: two 1x1 convs.
// CHECK: nn.constant dense_resource<"pw/svd.0.weight"> : tensor<5x32x1x1xf32> loc("pw/svd.0")
// CHECK: nn.constant dense_resource<"pw/svd.1.weight"> : tensor<32x5x1x1xf32> loc("pw/svd.1")
// CHECK: %[[P:.*]] = nn.conv %[[R]], {{.*}}#nn.compression<layer = "pw", form = "svd", ranks = [5]{{.*}}, params_before = 1024, params_after = 320, macs_before = 16384, macs_after = 5120{{.*}} -> tensor<1x5x4x4xf32> loc("pw/svd.0")
// CHECK: %[[Q:.*]] = nn.conv %[[P]], {{.*}} -> tensor<1x32x4x4xf32> loc("pw/svd.1")
// The depthwise conv stays.
// CHECK: nn.conv %[[Q]], %{{.*}}, %{{.*}} {group = 32 : i64, {{.*}} loc("dw")

// Gemm with transB: both products keep the N x K layout; C stays on the
// second.
// CHECK: nn.constant dense_resource<"fc/svd.0.weight"> : tensor<3x32xf32> loc("fc/svd.0")
// CHECK: nn.constant dense_resource<"fc/svd.1.weight"> : tensor<48x3xf32> loc("fc/svd.1")
// CHECK: %[[G:.*]] = nn.gemm %{{.*}}, %{{.*}}, %{{.*}} {transB = 1 : i64, whittle.compression = #nn.compression<layer = "fc", form = "svd", ranks = [3]{{.*}}, params_before = 1536, params_after = 240, macs_before = 1536, macs_after = 240{{.*}} : (tensor<1x32xf32>, tensor<3x32xf32>, none) -> tensor<1x3xf32> loc("fc/svd.0")
// CHECK: %[[H:.*]] = nn.gemm %[[G]], %{{.*}}, %{{.*}} {transB = 1 : i64, {{.*}} : (tensor<1x3xf32>, tensor<48x3xf32>, tensor<48xf32>) -> tensor<1x48xf32> loc("fc/svd.1")
// CHECK: nn.constant dense_resource<"proj/svd.0.weight"> : tensor<48x2xf32> loc("proj/svd.0")
// CHECK: nn.constant dense_resource<"proj/svd.1.weight"> : tensor<2x40xf32> loc("proj/svd.1")
// CHECK: %[[M:.*]] = nn.matmul %[[H]], %{{.*}} {whittle.compression = #nn.compression<layer = "proj", form = "svd", ranks = [2]{{.*}}, params_before = 1920, params_after = 176, macs_before = 1920, macs_after = 176{{.*}} : (tensor<1x48xf32>, tensor<48x2xf32>) -> tensor<1x2xf32> loc("proj/svd.0")
// CHECK: %[[N:.*]] = nn.matmul %[[M]], %{{.*}} {{.*}} : (tensor<1x2xf32>, tensor<2x40xf32>) -> tensor<1x40xf32> loc("proj/svd.1")
// CHECK: return %[[N]]

// Channel SVD: KxK conv S -> R with the original geometry, then 1x1 R -> T
// with the bias; only the named layer changes.
// CHANNEL: nn.constant dense_resource<"conv1/channel-svd.0.weight"> : tensor<6x16x3x3xf32> loc("conv1/channel-svd.0")
// CHANNEL: nn.constant dense_resource<"conv1/channel-svd.1.weight"> : tensor<32x6x1x1xf32> loc("conv1/channel-svd.1")
// CHANNEL: %[[A:.*]] = nn.conv %arg0, %{{.*}}, %{{.*}} {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, whittle.compression = #nn.compression<layer = "conv1", form = "channel-svd", ranks = [6]{{.*}}, params_before = 4608, params_after = 1056, macs_before = 73728, macs_after = 16896{{.*}} -> tensor<1x6x4x4xf32> loc("conv1/channel-svd.0")
// CHANNEL: nn.conv %[[A]], %{{.*}}, %{{.*}} {kernel_shape = array<i64: 1, 1>, {{.*}} : (tensor<1x6x4x4xf32>, tensor<32x6x1x1xf32>, tensor<32xf32>) -> tensor<1x32x4x4xf32> loc("conv1/channel-svd.1")
// CHANNEL: nn.conv {{.*}} loc("pw")
// CHANNEL: nn.gemm {{.*}} loc("fc")
// CHANNEL: nn.matmul {{.*}} loc("proj")

// ONE: ranks = [5, 5]
// ONE-SAME: -> tensor<1x5x8x8xf32>
