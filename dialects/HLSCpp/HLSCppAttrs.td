//===- HLSCppAttrs.td - FPGA dataflow configuration --------*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The three attributes the planner writes and the HLS C++ emitter reads (the
// contract between them: /work/notes/hls-contract.md). Integers throughout,
// except the solver's gap and time.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_HLSCPP_HLSCPPATTRS_TD
#define WHITTLE_DIALECT_HLSCPP_HLSCPPATTRS_TD

include "HLSCpp/HLSCppDialect.td"

class HLSCpp_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<HLSCpp_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
  let genVerifyDecl = 1;
}

// A double, printed as MLIR prints f64 attributes (5.000000e-01) and parsed
// back exactly; held as an APFloat so that it is hashed and compared bit for
// bit when the attribute is uniqued.
def HLSCpp_F64Parameter
    : AttrOrTypeParameter<"::llvm::APFloat", "a 64-bit float"> {
  let parser = [{ [&]() -> ::mlir::FailureOr<::llvm::APFloat> {
    double value;
    if ($_parser.parseFloat(value))
      return ::mlir::failure();
    return ::llvm::APFloat(value);
  }() }];
  let printer = [{ $_printer << $_self }];
  let comparator = "$_lhs.bitwiseIsEqual($_rhs)";
}

// A list of integers in square brackets, always printed (`[]` when empty).
def HLSCpp_I64ArrayParameter : ArrayRefParameter<"int64_t"> {
  let parser = [{ [&]() -> ::mlir::FailureOr<::llvm::SmallVector<int64_t>> {
    ::llvm::SmallVector<int64_t> values;
    if ($_parser.parseCommaSeparatedList(
            ::mlir::AsmParser::Delimiter::Square,
            [&]() { return $_parser.parseInteger(values.emplace_back()); }))
      return ::mlir::failure();
    return values;
  }() }];
  let printer = [{
    $_printer << '[';
    ::llvm::interleaveComma($_self, $_printer);
    $_printer << ']'
  }];
}

class HLSCpp_Enum<string name, string summary, list<string> cases>
    : I32EnumAttr<name, summary,
          !foreach(i, !range(!size(cases)),
                   I32EnumAttrCase<cases[i], i>)> {
  let cppNamespace = "::whittle::hlscpp";
  let genSpecializedAttr = 0;
}

def HLSCpp_Objective : HLSCpp_Enum<"Objective",
    "what the planner minimises", ["throughput", "latency"]>;
def HLSCpp_PlanStatus : HLSCpp_Enum<"PlanStatus",
    "what the solver proved", ["optimal", "feasible", "infeasible"]>;
def HLSCpp_Multiplier : HLSCpp_Enum<"Multiplier",
    "what a stage's int8 multipliers are built from", ["dsp", "lut"]>;
def HLSCpp_WeightPlacement : HLSCpp_Enum<"WeightPlacement",
    "where a stage's weights live", ["none", "onchip", "streamed"]>;
def HLSCpp_WeightMemory : HLSCpp_Enum<"WeightMemory",
    "which on-chip memory holds a stage's weights",
    ["none", "bram", "uram", "lutram"]>;

/// Where a unit that reads its input rows itself (a convolution with a
/// window) keeps them; absent means BRAM.
def HLSCpp_RowsMemoryParameter : EnumParameter<HLSCpp_WeightMemory> {
  let defaultValue = "::whittle::hlscpp::WeightMemory::bram";
}

def HLSCpp_DeviceAttr : HLSCpp_Attr<"Device", "device"> {
  let summary = "the FPGA part, its budgets and clock (`hlscpp.device`)";
  let description = [{
    The device the design is planned for, on the module: its name and
    Vivado part, the target clock in MHz, the resources the part has
    (DSP48E2 slices, BRAM18 halves, URAM blocks, LUTs, flip-flops), the
    board's peak off-chip bandwidth in MB/s, and the share of each resource
    the design may use, in percent (FINN's defaults: 80 for DSP, BRAM and
    URAM, 70 for LUT, 50 for FF, for timing closure).

    ```mlir
    hlscpp.device = #hlscpp.device<name = "zu3eg",
        part = "xczu3eg-sbva484-1-e", clock_mhz = 300, dsp = 360,
        bram18 = 432, uram = 0, lut = 70560, ff = 141120, ddr_mbps = 8532,
        cap_dsp = 80, cap_bram = 80, cap_uram = 80, cap_lut = 70,
        cap_ff = 50>
    ```
  }];
  let parameters = (ins
    StringRefParameter<"device name">:$name,
    StringRefParameter<"Vivado part">:$part,
    "int64_t":$clock_mhz,
    "int64_t":$dsp,
    "int64_t":$bram18,
    "int64_t":$uram,
    "int64_t":$lut,
    "int64_t":$ff,
    "int64_t":$ddr_mbps,
    "int64_t":$cap_dsp,
    "int64_t":$cap_bram,
    "int64_t":$cap_uram,
    "int64_t":$cap_lut,
    "int64_t":$cap_ff
  );
  let assemblyFormat = "`<` struct(params) `>`";
}

def HLSCpp_PlanAttr : HLSCpp_Attr<"Plan", "plan"> {
  let summary = "the planner's answer (`hlscpp.plan`)";
  let description = [{
    What the dataflow planner's integer program found, on the module: the
    objective, whether the answer is proven optimal or only feasible (a
    time limit stopped the search), the relative gap to the best bound, the
    solve time in seconds, the program's size, the cycles per frame of the
    slowest stage (the initiation interval of the whole design) and the
    latency of one frame in cycles.

    ```mlir
    hlscpp.plan = #hlscpp.plan<objective = throughput, status = optimal,
        gap = 0.000000e+00, seconds = 1.200000e-02, variables = 120,
        constraints = 31, cycles_per_frame = 50176,
        latency_cycles = 180000>
    ```
  }];
  let parameters = (ins
    EnumParameter<HLSCpp_Objective>:$objective,
    EnumParameter<HLSCpp_PlanStatus>:$status,
    HLSCpp_F64Parameter:$gap,
    HLSCpp_F64Parameter:$seconds,
    "int64_t":$variables,
    "int64_t":$constraints,
    "int64_t":$cycles_per_frame,
    "int64_t":$latency_cycles
  );
  let assemblyFormat = "`<` struct(params) `>`";
}

def HLSCpp_StageAttr : HLSCpp_Attr<"Stage", "stage"> {
  let summary = "one dataflow stage's configuration (`hlscpp.stage`)";
  let description = [{
    The configuration the planner chose for one stage: `simd` input
    channels and `pe` output channels processed per cycle, multipliers in
    DSP48E2 slices or LUTs, weights absent, on chip (in BRAM, URAM or
    LUTRAM) or streamed from off-chip memory, and what the cost model
    predicts for that choice: cycles per frame, DSPs, BRAM18s, URAMs, LUTs,
    flip-flops and off-chip bytes per frame. Streamed weights pass once per
    tile of `row_tile` output rows (the stage buffers the input rows the
    tile's windows span); `row_tile` is absent (0) for every other stage.
    A convolution with a window keeps its input rows in `rows` (`bram`, the
    default, or `lutram`), as the planner traded BRAM for LUTs.
    `fifo_depths` are the depths of
    the streams feeding the op's activation operands, in operand order
    (constants skipped); a residual add's skip input is as deep as the
    schedule needs for the dataflow never to deadlock.

    ```mlir
    hlscpp.stage = #hlscpp.stage<simd = 8, pe = 16, multiplier = dsp,
        weights = onchip, memory = bram, cycles = 50176, dsp = 64,
        bram18 = 4, uram = 0, lut = 5230, ff = 6100, ddr_bytes = 0,
        fifo_depths = [2]>
    ```
  }];
  let parameters = (ins
    "int64_t":$simd,
    "int64_t":$pe,
    EnumParameter<HLSCpp_Multiplier>:$multiplier,
    EnumParameter<HLSCpp_WeightPlacement>:$weights,
    EnumParameter<HLSCpp_WeightMemory>:$memory,
    DefaultValuedParameter<"int64_t", "0">:$row_tile,
    HLSCpp_RowsMemoryParameter:$rows,
    "int64_t":$cycles,
    "int64_t":$dsp,
    "int64_t":$bram18,
    "int64_t":$uram,
    "int64_t":$lut,
    "int64_t":$ff,
    "int64_t":$ddr_bytes,
    HLSCpp_I64ArrayParameter:$fifo_depths
  );
  let assemblyFormat = "`<` struct(params) `>`";
}

#endif // WHITTLE_DIALECT_HLSCPP_HLSCPPATTRS_TD
