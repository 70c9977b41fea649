//===- Passes.td - FPGA back end passes --------------------*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_HLSCPP_PASSES_TD
#define WHITTLE_TARGET_HLSCPP_PASSES_TD

include "mlir/Pass/PassBase.td"

def HLSCppAttachDevice : Pass<"hlscpp-attach-device", "mlir::ModuleOp"> {
  let summary = "Attach the FPGA part the design is planned for";
  let description = [{
    Writes `hlscpp.device` on the module: a built-in part (`zu3eg`,
    `zu7ev`, `zu9eg`, `vu9p`, `u250`) or the part a JSON file describes
    (`device=path/to/part.json`, the fields of `#hlscpp.device`), with its
    default clock and FINN's utilisation caps unless the options override
    them. Every later FPGA pass reads the device from this one attribute,
    as upstream's `tosa-attach-target` does for TOSA targets.
  }];
  let options = [
    Option<"device", "device", "std::string", /*default=*/"\"zu3eg\"",
           "Built-in part name or a .json file describing the part">,
    Option<"clockMhz", "clock-mhz", "int64_t", /*default=*/"0",
           "Target clock in MHz (0: the part's default)">,
    Option<"capDsp", "cap-dsp", "int64_t", /*default=*/"0",
           "Percent of the DSPs the design may use (0: the default, 80)">,
    Option<"capBram", "cap-bram", "int64_t", /*default=*/"0",
           "Percent of the BRAMs the design may use (0: the default, 80)">,
    Option<"capUram", "cap-uram", "int64_t", /*default=*/"0",
           "Percent of the URAMs the design may use (0: the default, 80)">,
    Option<"capLut", "cap-lut", "int64_t", /*default=*/"0",
           "Percent of the LUTs the design may use (0: the default, 70)">,
    Option<"capFf", "cap-ff", "int64_t", /*default=*/"0",
           "Percent of the flip-flops the design may use (0: the default, "
           "50)">,
  ];
  let dependentDialects = ["::whittle::hlscpp::HLSCppDialect"];
}

def HLSCppPlanDataflow : Pass<"hlscpp-plan-dataflow", "mlir::ModuleOp"> {
  let summary = "Choose every stage's configuration with an integer program";
  let description = [{
    Plans the dataflow accelerator of the module's entry function for the
    device in `hlscpp.device` (see `--hlscpp-attach-device`). Every stage
    (every qnn op and every nn op on i8 tensors, a requantize fused into the
    product before it) offers its candidate configurations (SIMD x PE,
    DSP or LUT multipliers, weights on chip in BRAM/URAM/LUTRAM or streamed
    from DDR) with the cost model's cycles and resources; CBC picks one per
    stage:

      throughput: minimise T subject to T >= cycles(stage) for every stage
      latency:    minimise sum of the stages' cycles + T
      both:       every resource <= cap x budget; DDR bytes per frame <=
                  bandwidth x T / f_clk; one candidate per stage.

    Writes `hlscpp.stage` on every stage (with the FIFO depths the
    schedule needs: a residual add's skip input holds what its fork emits
    before the long path's first output) and `hlscpp.plan` on the module.
    When no configuration fits, an error names the resource and by how
    much, and the module is left unchanged. With `time-limit` the best
    solution found so far is kept, with its gap.
  }];
  let options = [
    Option<"objective", "objective", "std::string", /*default=*/"\"throughput\"",
           "What to minimise: throughput (the slowest stage's cycles) or "
           "latency (the sum of the stages' cycles)">,
    Option<"timeLimit", "time-limit", "double", /*default=*/"0",
           "Seconds the solver may search (0: until proven optimal)">,
    Option<"costsFile", "costs-file", "std::string", /*default=*/"\"\"",
           "Write every stage's shape and candidates as JSON to this file">,
  ];
  let dependentDialects = ["::whittle::hlscpp::HLSCppDialect"];
}

def HLSCppPrintCosts : Pass<"hlscpp-print-costs", "mlir::ModuleOp"> {
  let summary = "Print every stage's cost at one fixed parallelism (JSON)";
  let description = [{
    Evaluates the cost model's per-stage cycle formulas with the same
    parallelism for every stage, as a layer-sequential engine such as
    Xilinx's DPU runs a network: matrix-vector stages (convolutions, matrix
    products) with SIMD = `simd` input channels, PE = `pe` output channels
    and `pixels` output pixels per cycle; depthwise convolutions with
    `depthwise-pe` channels (default `simd`) and `pixels` pixels, one kernel
    position per cycle; every other stage with `pe` x `pixels` lanes. A
    parallelism that does not divide its extent rounds up. Writes a JSON
    array to `file` (default stdout), one object per stage: `op`, `kind`,
    `cycles`, `macs`, `weight_bytes`, `in_bytes`, `out_bytes`. The IR is not
    changed. bench/hls_dpu_validation.py reads it.
  }];
  let options = [
    Option<"simd", "simd", "int64_t", /*default=*/"1",
           "Input channels per cycle">,
    Option<"pe", "pe", "int64_t", /*default=*/"1",
           "Output channels per cycle">,
    Option<"pixels", "pixels", "int64_t", /*default=*/"1",
           "Output pixels per cycle">,
    Option<"depthwisePe", "depthwise-pe", "int64_t", /*default=*/"0",
           "Channels per cycle of depthwise convolutions (0: simd)">,
    Option<"file", "file", "std::string", /*default=*/"\"-\"",
           "Where to write the JSON (- for stdout)">,
  ];
}

#endif // WHITTLE_TARGET_HLSCPP_PASSES_TD
