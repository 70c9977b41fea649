//===- HLSCppDialect.td - FPGA dataflow configuration ------*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_HLSCPP_HLSCPPDIALECT_TD
#define WHITTLE_DIALECT_HLSCPP_HLSCPPDIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def HLSCpp_Dialect : Dialect {
  let name = "hlscpp";
  let cppNamespace = "::whittle::hlscpp";
  let summary = "The configuration of a dataflow accelerator for Vitis HLS";
  let description = [{
    Attributes only: the FPGA back end's planning passes write the device
    (`hlscpp.device` on the module), the solver's answer (`hlscpp.plan` on
    the module) and every stage's configuration (`hlscpp.stage` on each
    dataflow stage of the entry function) into a qnn module, and the HLS C++
    emitter prints exactly what they say. Every decision is in the IR
    before emission, as CIRCT's ExportVerilog asks of its prepare passes.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    /// The discardable attributes the dialect verifies: the device on the
    /// module, the plan on the module, a stage's configuration on an op.
    static constexpr ::llvm::StringLiteral kDeviceAttrName = "hlscpp.device";
    static constexpr ::llvm::StringLiteral kPlanAttrName = "hlscpp.plan";
    static constexpr ::llvm::StringLiteral kStageAttrName = "hlscpp.stage";
  }];
}

#endif // WHITTLE_DIALECT_HLSCPP_HLSCPPDIALECT_TD
