//===- CostModel.h - cycles and resources of dataflow stages ----*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// What one dataflow stage costs in each configuration the planner may pick:
// cycles per frame at an initiation interval of 1, DSP48E2 slices, BRAM18s,
// URAMs, LUTs, flip-flops and off-chip bytes per frame. A stage is analysed
// once (StageShape: the op's dimensions, its weights, what it needs of its
// inputs before its first output) and then costed per candidate (SIMD input
// channels x PE output channels, DSP or LUT multipliers, weights on chip in
// BRAM/URAM/LUTRAM or streamed from DDR). The formulas follow FINN's
// (algorithms.md section 4); every constant says where it comes from.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_HLSCPP_COSTMODEL_H
#define WHITTLE_TARGET_HLSCPP_COSTMODEL_H

#include "whittle/Dialect/HLSCpp/HLSCppDialect.h"
#include "whittle/Dialect/QNN/QNNOps.h"

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace whittle::hlscpp {

struct DeviceModel;

/// The hardware unit a stage becomes.
enum class StageKind {
  /// Matrix-vector unit (FINN's MVAU): dense and grouped convolutions,
  /// transposed convolutions, matrix products. SIMD runs along the
  /// reduction's input channels, PE along the output channels.
  MatrixVector,
  /// Vector-vector unit (FINN's VVAU): depthwise convolutions. PE runs along
  /// the channels, SIMD along the kernel's positions.
  Depthwise,
  /// Sliding-window reductions without weights: max and average pools.
  Pool,
  /// Everything that touches each element a constant number of times:
  /// global pools, add, mul, lookup tables, softmax, resize, concat,
  /// requantize and i8 data movement. PE elements per cycle.
  Elementwise,
};

/// The facts about one stage that its cost depends on, read once from its
/// op (and the requantize fused into it).
struct StageShape {
  StageKind kind = StageKind::Elementwise;
  /// Frames are the leading dimension: every count below is per frame.
  int64_t frames = 1;
  /// Channels in and out, per group for MatrixVector (groups run one after
  /// the other in one unit), and the number of groups.
  int64_t inChannels = 1, outChannels = 1, groups = 1;
  /// The window (1 x 1 for matrix products and elementwise stages).
  int64_t kernelH = 1, kernelW = 1, strideH = 1, dilationH = 1;
  /// Whether every window is one input pixel (1 x 1, strides 1, no pads):
  /// then the input stream is its own window, with no line buffer.
  bool pointwise = true;
  /// Spatial extent of the input and output (matrix products: rows x 1).
  int64_t inH = 1, inW = 1, outH = 1, outW = 1;
  /// For transposed convolutions: the kernel scatters from every input pixel.
  bool scatters = false;
  /// Whether streamed weights may pass once per tile of several output rows
  /// (convolutions, whose unit buffers the rows a tile spans); other
  /// products read them once per input vector.
  bool tilesRows = false;
  /// Activation elements read and written per frame; reads count the
  /// busiest operand (operands stream in parallel) except for
  /// concatenations, which read their inputs one after the other.
  int64_t inElements = 0, outElements = 0;
  /// Bits per output element (8, or 32 for an unfused product's i32).
  int64_t outBits = 8;
  /// The divisor PE must divide (channels; the softmax axis).
  int64_t laneExtent = 1;
  /// Multiplications per output element of the output stage, as
  /// (operand bits, operand bits) products; empty when the stage only
  /// shifts (every multiplier a power of two) or has no output stage.
  llvm::SmallVector<std::pair<int64_t, int64_t>> rescaleProducts;
  /// Per output element: one 64-bit division (averages with a count that
  /// need not be a power of two, softmax).
  bool divides = false;
  /// Whether the op only relabels its stream (reshapes): the emitter builds
  /// no hardware for it, so it costs nothing.
  bool relabels = false;
  /// Whether the stage must hold its whole input before it can start
  /// (transpose-like reorders, global pools buffer nothing but wait).
  bool buffersFrame = false;
  /// Passes over the data (softmax reads each row three times).
  int64_t passes = 1;
  /// Memory besides weights and line buffers: a table every lane holds
  /// (lookup tables, in LUTRAM), and buffers the lanes share (softmax rows,
  /// resize rows).
  int64_t laneTableBits = 0, bufferBits = 0;
  /// Weights: none for stages without a constant operand.
  bool hasWeights = false;
  int64_t weightElements = 0;
  /// For block-sparse weights, the number of all-zero SIMD x PE tiles for a
  /// candidate; null when the weights are dense (or their zeros have no
  /// block structure to exploit).
  std::function<int64_t(int64_t simd, int64_t pe)> zeroTiles;
  /// Per activation operand (in operand order): elements of it consumed
  /// before the first output, and elements consumed per output element.
  llvm::SmallVector<int64_t> firstOutputNeed;
  llvm::SmallVector<double> inputsPerOutput;
  /// The activation operands' indices among the op's operands.
  llvm::SmallVector<unsigned> activationOperands;
};

/// One configuration of a stage and what it costs.
struct Candidate {
  int64_t simd = 1, pe = 1;
  Multiplier multiplier = Multiplier::dsp;
  WeightPlacement weights = WeightPlacement::none;
  WeightMemory memory = WeightMemory::none;
  /// Streamed weights: output rows computed per pass over the weights.
  int64_t rowTile = 0;
  /// Where a unit that reads its own input rows keeps them (BRAM or LUTRAM).
  WeightMemory rows = WeightMemory::bram;
  int64_t cycles = 0, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0;
  int64_t ddrBytes = 0;
};

/// Which resources a candidate uses, in the order the planner constrains
/// them.
enum class Resource { DSP, BRAM18, URAM, LUT, FF };
constexpr Resource kResources[] = {Resource::DSP, Resource::BRAM18,
                                   Resource::URAM, Resource::LUT, Resource::FF};
int64_t getUsage(const Candidate &candidate, Resource resource);
/// "DSP48E2", "BRAM18", "URAM", "LUT", "FF".
llvm::StringRef getResourceName(Resource resource);
/// The device's count of a resource and the share of it a design may use.
int64_t getBudget(const DeviceModel &device, Resource resource);
int64_t getCapPercent(const DeviceModel &device, Resource resource);

/// Whether `op` is a dataflow stage (contract: every qnn op and every nn op on
/// i8 tensors except constants, quantize/dequantize and a requantize fused
/// into its product).
bool isStage(mlir::Operation *op);
/// The requantize fused into a product `op`, if any.
qnn::RequantizeOp getFusedRequantize(mlir::Operation *op);
/// Whether `op` is a requantize fused into the product that feeds it (part
/// of that product's stage).
bool isFusedRequantize(mlir::Operation *op);

/// Reads a stage's shape; an error on the op when the FPGA back end does not
/// implement it.
mlir::FailureOr<StageShape> analyzeStage(mlir::Operation *op);

/// The cost of one configuration; fifoElements (per activation operand)
/// size the input streams the stage owns. `pixels` output pixels computed at
/// once model a layer-sequential engine such as Xilinx's DPU (a dataflow
/// stage computes one). `rows` places the input rows of a unit that reads
/// them itself (windowed convolutions).
Candidate costCandidate(const StageShape &shape, int64_t simd, int64_t pe,
                        Multiplier multiplier, WeightPlacement weights,
                        WeightMemory memory, int64_t rowTile,
                        llvm::ArrayRef<int64_t> fifoElements,
                        int64_t pixels = 1,
                        WeightMemory rows = WeightMemory::bram);

/// Every configuration worth considering on `device`: not dominated by
/// another in cycles, every resource and DDR bytes, and with `withinCaps`
/// none over a cap on its own.
std::vector<Candidate> enumerateCandidates(const StageShape &shape,
                                           const DeviceModel &device,
                                           llvm::ArrayRef<int64_t> fifoElements,
                                           bool withinCaps);

/// What the design needs besides its stages (its AXI interfaces).
Candidate getDesignOverhead();

/// Drops every candidate that another beats or equals in cycles, DDR bytes
/// and every resource (keeping the first of equals).
std::vector<Candidate> paretoFilter(std::vector<Candidate> candidates);

/// The formulas, for tests.
namespace formulas {
/// BRAM18s for a memory of `depth` words of `widthBits` bits holding
/// `elementBits`-bit values (FINN's packing, algorithms.md section 4).
int64_t bram18(int64_t elementBits, int64_t widthBits, int64_t depth);
/// URAMs (288 Kb, 72 bits x 4096) for the same memory.
int64_t uram(int64_t widthBits, int64_t depth);
/// LUTs for the same memory in distributed RAM (64 x 1 per LUT6).
int64_t lutram(int64_t widthBits, int64_t depth);
/// DSP48E2s for a product of two signed operands of these widths.
int64_t dspPerProduct(int64_t bitsA, int64_t bitsB);
/// LUTs of one multiplier built from LUTs (FINN-R).
int64_t lutPerMultiplier(int64_t bitsA, int64_t bitsB);
/// A stream FIFO of `depth` words of `widthBits`: in SRLs (LUTs) up to 32
/// deep, in BRAM beyond.
void fifoCost(int64_t widthBits, int64_t depth, int64_t &lut, int64_t &bram);
} // namespace formulas

} // namespace whittle::hlscpp

#endif // WHITTLE_TARGET_HLSCPP_COSTMODEL_H
