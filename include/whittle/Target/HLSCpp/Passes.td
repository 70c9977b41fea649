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

#endif // WHITTLE_TARGET_HLSCPP_PASSES_TD
