// The verifiers of the hlscpp attributes reject configurations that cannot
// describe a device, a plan or a stage, when the IR is parsed.
// RUN: whittle-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{cap_dsp is a percentage in 1..100, got 120}}
module attributes {hlscpp.device = #hlscpp.device<name = "zu3eg", part = "xczu3eg-sbva484-1-e", clock_mhz = 300, dsp = 360, bram18 = 432, uram = 0, lut = 70560, ff = 141120, ddr_mbps = 8532, cap_dsp = 120, cap_bram = 80, cap_uram = 80, cap_lut = 70, cap_ff = 50>} {}

// -----

// expected-error @+1 {{clock_mhz must be at least 1, got 0}}
module attributes {hlscpp.device = #hlscpp.device<name = "zu3eg", part = "xczu3eg-sbva484-1-e", clock_mhz = 0, dsp = 360, bram18 = 432, uram = 0, lut = 70560, ff = 141120, ddr_mbps = 8532, cap_dsp = 80, cap_bram = 80, cap_uram = 80, cap_lut = 70, cap_ff = 50>} {}

// -----

// expected-error @+1 {{lut must be non-negative, got -1}}
module attributes {hlscpp.device = #hlscpp.device<name = "x", part = "y", clock_mhz = 100, dsp = 360, bram18 = 432, uram = 0, lut = -1, ff = 141120, ddr_mbps = 8532, cap_dsp = 80, cap_bram = 80, cap_uram = 80, cap_lut = 70, cap_ff = 50>} {}

// -----

// expected-error @+1 {{gap must be a non-negative number}}
module attributes {hlscpp.plan = #hlscpp.plan<objective = latency, status = feasible, gap = -0.5, seconds = 1.0, variables = 1, constraints = 1, cycles_per_frame = 1, latency_cycles = 1>} {}

// -----

// expected-error @+1 {{simd and pe must be at least 1, got simd = 0, pe = 4}}
func.func @zero_simd() attributes {hlscpp.stage = #hlscpp.stage<simd = 0, pe = 4, multiplier = dsp, weights = none, memory = none, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = []>} { return }

// -----

// expected-error @+1 {{weights = streamed cannot be held in memory = bram}}
func.func @streamed_in_bram() attributes {hlscpp.stage = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = streamed, memory = bram, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = []>} { return }

// -----

// expected-error @+1 {{weights = streamed needs row_tile >= 1 (output rows per pass over the weights), got 0}}
func.func @streamed_without_row_tile() attributes {hlscpp.stage = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = streamed, memory = none, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = []>} { return }

// -----

// expected-error @+1 {{row_tile = 4 is for streamed weights, not weights = onchip}}
func.func @row_tile_on_chip() attributes {hlscpp.stage = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = onchip, memory = bram, row_tile = 4, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = []>} { return }

// -----

// expected-error @+1 {{rows = uram: input rows are kept in bram or lutram}}
func.func @rows_in_uram() attributes {hlscpp.stage = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = onchip, memory = bram, rows = uram, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = []>} { return }

// -----

// expected-error @+1 {{fifo depths must be at least 1, got 0}}
func.func @empty_fifo() attributes {hlscpp.stage = #hlscpp.stage<simd = 1, pe = 1, multiplier = dsp, weights = none, memory = none, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [0]>} { return }

// -----

// expected-error @+1 {{'func.func' op 'hlscpp.device' belongs on the module}}
func.func @device_on_function() attributes {hlscpp.device = #hlscpp.device<name = "zu3eg", part = "xczu3eg-sbva484-1-e", clock_mhz = 300, dsp = 360, bram18 = 432, uram = 0, lut = 70560, ff = 141120, ddr_mbps = 8532, cap_dsp = 80, cap_bram = 80, cap_uram = 80, cap_lut = 70, cap_ff = 50>} { return }

// -----

// expected-error @+1 {{'builtin.module' op 'hlscpp.plan' must be a #hlscpp.plan}}
module attributes {hlscpp.plan = 3 : i64} {}

// -----

// expected-error @+1 {{unknown hlscpp attribute 'hlscpp.stages'}}
func.func @misspelt() attributes {hlscpp.stages = 1 : i64} { return }
