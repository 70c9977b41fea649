// #nn.sparsity and #nn.compression print as they parse (optional fields
// left out when unset) and survive a second round trip.
// RUN: whittle-opt %s | whittle-opt | FileCheck %s

// CHECK-LABEL: func.func @records
// CHECK-SAME: whittle.compression = #nn.compression<layer = "fc", form = "svd+mask-n:m", ranks = [4, 6], sparsity = 5.000000e-01, params_before = 16, params_after = 12, macs_before = 32, macs_after = 8, relative_error = 1.000000e-01>
// CHECK-SAME: whittle.mask = #nn.compression<layer = "m", form = "mask-block", sparsity = 2.500000e-01, params_before = 1, params_after = 1, macs_before = 1, macs_after = 1, relative_error = 0.000000e+00>
// CHECK-SAME: whittle.nm = #nn.sparsity<"n:m", n = 2, m = 4, sparsity = 5.000000e-01, weight_operand = 1, out_axis = 0, in_axis = 1>
// CHECK-SAME: whittle.sparsity = #nn.sparsity<block, block = [2, 4], sparsity = 2.500000e-01, weight_operand = 2, out_axis = 1, in_axis = 0>
func.func @records() attributes {
  whittle.compression = #nn.compression<layer = "fc", form = "svd+mask-n:m", ranks = [4, 6], sparsity = 0.5, params_before = 16, params_after = 12, macs_before = 32, macs_after = 8, relative_error = 0.1>,
  whittle.mask = #nn.compression<layer = "m", form = "mask-block", sparsity = 0.25, params_before = 1, params_after = 1, macs_before = 1, macs_after = 1, relative_error = 0.0>,
  whittle.nm = #nn.sparsity<"n:m", n = 2, m = 4, sparsity = 0.5, weight_operand = 1, out_axis = 0, in_axis = 1>,
  whittle.sparsity = #nn.sparsity<block, block = [2, 4], sparsity = 0.25, weight_operand = 2, out_axis = 1, in_axis = 0>} {
  return
}
