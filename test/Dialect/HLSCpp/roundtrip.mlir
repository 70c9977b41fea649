// The three hlscpp attributes print as they parse, and print again the same.
// RUN: whittle-opt %s | whittle-opt | FileCheck %s

// CHECK: module attributes {
// CHECK-SAME: hlscpp.device = #hlscpp.device<name = "zu3eg", part = "xczu3eg-sbva484-1-e", clock_mhz = 300, dsp = 360, bram18 = 432, uram = 0, lut = 70560, ff = 141120, ddr_mbps = 8532, cap_dsp = 80, cap_bram = 80, cap_uram = 80, cap_lut = 70, cap_ff = 50>
// CHECK-SAME: hlscpp.plan = #hlscpp.plan<objective = throughput, status = optimal, gap = 0.000000e+00, seconds = 1.250000e-02, variables = 12, constraints = 7, cycles_per_frame = 784, latency_cycles = 2000>
module attributes {
  hlscpp.device = #hlscpp.device<name = "zu3eg", part = "xczu3eg-sbva484-1-e", clock_mhz = 300, dsp = 360, bram18 = 432, uram = 0, lut = 70560, ff = 141120, ddr_mbps = 8532, cap_dsp = 80, cap_bram = 80, cap_uram = 80, cap_lut = 70, cap_ff = 50>,
  hlscpp.plan = #hlscpp.plan<objective = throughput, status = optimal, gap = 0.0, seconds = 0.0125, variables = 12, constraints = 7, cycles_per_frame = 784, latency_cycles = 2000>
} {
  // CHECK-LABEL: func.func @stages
  func.func @stages(%arg0: tensor<1x4xi8>) -> tensor<1x4xi8> {
    // CHECK: hlscpp.stage = #hlscpp.stage<simd = 2, pe = 4, multiplier = dsp, weights = onchip, memory = bram, cycles = 784, dsp = 4, bram18 = 1, uram = 0, lut = 900, ff = 1200, ddr_bytes = 0, fifo_depths = [2]>
    %0 = arith.addi %arg0, %arg0 {hlscpp.stage = #hlscpp.stage<simd = 2, pe = 4, multiplier = dsp, weights = onchip, memory = bram, cycles = 784, dsp = 4, bram18 = 1, uram = 0, lut = 900, ff = 1200, ddr_bytes = 0, fifo_depths = [2]>} : tensor<1x4xi8>
    // CHECK: hlscpp.stage = #hlscpp.stage<simd = 1, pe = 1, multiplier = lut, weights = streamed, memory = none, row_tile = 2, rows = lutram, cycles = 10, dsp = 0, bram18 = 0, uram = 0, lut = 60, ff = 80, ddr_bytes = 4096, fifo_depths = [2, 130]>
    %1 = arith.addi %0, %arg0 {hlscpp.stage = #hlscpp.stage<simd = 1, pe = 1, multiplier = lut, weights = streamed, memory = none, row_tile = 2, rows = lutram, cycles = 10, dsp = 0, bram18 = 0, uram = 0, lut = 60, ff = 80, ddr_bytes = 4096, fifo_depths = [2, 130]>} : tensor<1x4xi8>
    // CHECK: fifo_depths = []>
    %2 = arith.addi %1, %1 {hlscpp.stage = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = none, memory = none, cycles = 4, dsp = 0, bram18 = 0, uram = 0, lut = 10, ff = 10, ddr_bytes = 0, fifo_depths = []>} : tensor<1x4xi8>
    return %2 : tensor<1x4xi8>
  }
}
