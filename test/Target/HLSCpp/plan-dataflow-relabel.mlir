// A reshape only relabels its stream (the emitter builds nothing for it), so
// the planner gives it no resources and one cycle.
// RUN: whittle-opt %s --hlscpp-attach-device=device=zu3eg --hlscpp-plan-dataflow | FileCheck %s

// CHECK: nn.flatten {{.*}}hlscpp.stage = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = none, memory = none, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0
func.func @main(%x: tensor<1x4x2x2xi8>) -> tensor<1x3xi32> {
  %w = nn.constant dense<1> : tensor<16x3xi8>
  %f = nn.flatten %x : (tensor<1x4x2x2xi8>) -> tensor<1x16xi8>
  %y = qnn.matmul %f, %w {a_zero_point = 0 : i32, b_zero_point = array<i32: 0>} : (tensor<1x16xi8>, tensor<16x3xi8>) -> tensor<1x3xi32>
  return %y : tensor<1x3xi32>
}
