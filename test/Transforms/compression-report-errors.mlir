// A record that is not a #nn.compression (here a dictionary missing most
// fields) is reported as a warning on its op and the op is
// counted from the IR; an unwritable JSON path is an error naming it.
// RUN: whittle-opt %s --whittle-compression-report --verify-diagnostics | FileCheck %s
// RUN: not whittle-opt %s --whittle-compression-report="json=%t/no/such/dir/report.json" 2>&1 | FileCheck %s --check-prefix=JSON

// CHECK: conv_1 conv 4x2x1x1 dense - 8 -> 8 128 -> 128 -
// CHECK: layers: 1, compressed: 0
// JSON: error: cannot write the compression report to '{{.*}}report.json'
func.func @main(%x: tensor<1x2x4x4xf32>) -> tensor<1x4x4x4xf32> {
  %w = nn.constant dense<1.0> : tensor<4x2x1x1xf32>
  %b = nn.constant dense<1.0> : tensor<4xf32>
  // expected-warning @+1 {{'whittle.compression' is not a #nn.compression record; the op is reported as uncompressed}}
  %0 = nn.conv %x, %w, %b {whittle.compression = {layer = "c", form = "svd"}} : (tensor<1x2x4x4xf32>, tensor<4x2x1x1xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}
