//===- EmitDesign.h - the HLS C++ emitter's state ---------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Private to the HLS C++ emitter. DesignEmitter walks the entry function of
// a planned qnn module once, in program order, and prints the design's
// files into strings (and the weights into bytes); it owns every name and
// every stream. The per-op printers (EmitStages.cpp) are its methods,
// dispatched by a TypeSwitch; the testbench's edge code (EmitTestbench.cpp)
// reads the input and output ports it found.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_LIB_TARGET_HLSCPP_EMITDESIGN_H
#define WHITTLE_LIB_TARGET_HLSCPP_EMITDESIGN_H

#include "whittle/Dialect/HLSCpp/HLSCppAttrs.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/QNN/QNNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace whittle::hlscpp::detail {

/// The order in which a stream carries one frame of a tensor. A frame (the
/// tensor without its leading batch dimension) is numbered row-major, its
/// logical index; the stream visits it as nested loops over `dims`,
/// outermost first, each with its size and the step it makes in the logical
/// index. Dimensions of size 1 are dropped and neighbours that are one
/// contiguous run merged, so two layouts that order a frame alike compare
/// equal. Reshapes change only `shape`: no element moves.
class StreamLayout {
public:
  struct Dim {
    int64_t size;
    int64_t stride;
    bool operator==(const Dim &other) const {
      return size == other.size && stride == other.stride;
    }
  };

  StreamLayout() = default;

  /// Row-major: the stream visits the frame in its logical order.
  static StreamLayout rowMajor(llvm::ArrayRef<int64_t> shape);
  /// Channels last, for C x D... frames (feature maps): the spatial
  /// positions in row-major order, the channels of each position together.
  static StreamLayout channelsLast(llvm::ArrayRef<int64_t> shape);

  /// The same stream seen as a frame of `shape` (the same element count).
  StreamLayout reshaped(llvm::ArrayRef<int64_t> shape) const;
  /// The stream seen as the frame transposed by `perm`, if each of its
  /// dimensions is a run of whole frame dimensions (a reshape's merged
  /// dimensions are only split where the frame's shape allows).
  std::optional<StreamLayout> transposed(llvm::ArrayRef<int64_t> perm) const;

  llvm::ArrayRef<int64_t> getShape() const { return shape; }
  llvm::ArrayRef<Dim> getDims() const { return dims; }
  int64_t getNumElements() const;
  bool sameOrder(const StreamLayout &other) const { return dims == other.dims; }

  /// The logical index of the element at stream position `position`.
  int64_t getLogicalIndex(int64_t position) const;
  /// For an axis of the frame: `(inner, size)` such that the element at
  /// stream position `p` has index `(p / inner) % size` along the axis,
  /// when the stream visits that axis as one loop (or part of one).
  std::optional<std::pair<int64_t, int64_t>>
  getAxisInStream(int64_t axis) const;

  /// Describes the order for comments: "28x28x16 (channels last)".
  std::string describe() const;

private:
  StreamLayout(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<Dim> dims);
  llvm::SmallVector<int64_t> shape;
  llvm::SmallVector<Dim> dims;
};

/// The files a design is printed into.
struct Design {
  std::string modelCpp;      // hls/model.cpp
  std::string modelH;        // hls/model.h
  std::string modelIO;       // tb/model_io.h
  std::vector<char> weights; // weights.bin
  mlir::ModuleOp module;
};

/// A tensor the design reads from memory: the result of an input qnn.quantize
/// (reached from function argument `argument` through `hostOps`, float ops
/// the testbench computes) or an integer argument itself.
struct InputPort {
  unsigned argument;
  llvm::SmallVector<mlir::Operation *> hostOps;
  qnn::QuantizeOp quantize;
  mlir::Value value;
};

/// A tensor the design writes to memory: function result `result`, or the
/// input of the qnn.dequantize that makes it.
struct OutputPort {
  unsigned result;
  qnn::DequantizeOp dequantize;
  mlir::Value value;
};

/// The window a convolution or pool slides over a channels-last frame of
/// `channels` x `input` (one or two spatial dimensions, as H x W: a 1-D
/// window has H = 1): its extent, strides, dilations, begin and end pads and
/// the output grid.
struct WindowSpec {
  int64_t channels;
  llvm::SmallVector<int64_t, 2> input, kernel, strides, dilations, padsBegin,
      padsEnd, output;
  /// Whether every window is one input pixel, so the stream is its own
  /// window (1x1 kernel, strides 1, no pads).
  bool isPointwise() const;
};

/// What a matrix-vector unit computes (qnn.conv, qnn.matmul): `pixels`
/// input vectors of `window` x `channels` values per frame, `outputs`
/// output channels in `groups` groups.
struct ProductSpec {
  mlir::Value input, result;
  /// The order the unit reads its input in; none: the order it comes in
  /// (a matrix-vector product's vector, whose weight rows follow it).
  std::optional<StreamLayout> inputOrder;
  std::optional<WindowSpec> window; // a convolution's window to slide
  int64_t pixels, windowSize, channels, outputs, groups;
  /// [outputs][windowSize * channels / groups], reduction index `k *
  /// channels / groups + c` for window position `k` and channel `c`.
  std::vector<int8_t> weights;
  int32_t inputZeroPoint;
  llvm::SmallVector<int64_t> weightZeroPoints, bias; // one per output
  qnn::RequantizeOp requantize;
  StreamLayout outputLayout;
};

class DesignEmitter {
public:
  explicit DesignEmitter(mlir::ModuleOp module) : module(module) {}

  /// Prints the design; on failure the error names the op.
  mlir::LogicalResult emit(Design &design);

  //===--------------------------------------------------------------------===//
  // What the per-op printers use
  //===--------------------------------------------------------------------===//

  /// A stream handed to a consumer: its C++ name, beat width and layout.
  struct Taken {
    std::string stream;
    int64_t width;
    StreamLayout layout;
  };

  /// The stage's configuration.
  StageAttr getStage(mlir::Operation *op) const;
  /// The name printed for a stage ("conv_3").
  std::string getStageName(mlir::Operation *op);
  /// The depth the planner gave the stream feeding activation operand
  /// `index` (constants not counted) of `op`; 2 where it gave none.
  int64_t getFifoDepth(mlir::Operation *op, unsigned index) const;

  /// Takes the next unread copy of activation `value` for `consumer`'s
  /// activation operand `index`, `width` elements per beat (0: as it
  /// comes), in the order `required` when given (a reorder stage is
  /// printed when the stream's order differs).
  mlir::FailureOr<Taken> take(mlir::Value value, mlir::Operation *consumer,
                              unsigned index, int64_t width,
                              const StreamLayout *required = nullptr);
  /// Declares a stream of `width`-element beats of `type` ("int8_t").
  std::string declareStream(llvm::StringRef hint, llvm::StringRef type,
                            int64_t width, int64_t depth = 2);
  /// Makes `stream` the producer side of activation `value`; prints the
  /// forks its readers need.
  void define(mlir::Value value, llvm::StringRef stream, int64_t width,
              StreamLayout layout);
  /// Whether `value` is an activation (a stream) rather than a constant.
  bool isActivation(mlir::Value value) const { return active.count(value); }

  /// Appends weights to weights.bin (aligned to 64 bytes); their offset.
  int64_t appendWeights(llvm::ArrayRef<int8_t> bytes);

  /// The printed sections of model.cpp: file-scope definitions, the
  /// weight-loading calls, the pragmas on on-chip arrays (in the top
  /// function) and the dataflow body.
  llvm::raw_string_ostream &globals() { return globalsOS; }
  llvm::raw_string_ostream &loads() { return loadsOS; }
  llvm::raw_string_ostream &arrayPragmas() { return arrayPragmasOS; }
  llvm::raw_string_ostream &body() { return bodyOS; }

  /// The frame of `value` (its shape without the batch dimension).
  llvm::ArrayRef<int64_t> getFrameShape(mlir::Value value) const;

  /// The testbench's view of the edges.
  llvm::ArrayRef<InputPort> getInputs() const { return inputs; }
  llvm::ArrayRef<OutputPort> getOutputs() const { return outputs; }
  mlir::func::FuncOp getFunction() const { return func; }
  int64_t getBatch() const { return batch; }
  const StreamLayout &getInputLayout(unsigned port) const {
    return inputLayouts[port];
  }
  const StreamLayout &getOutputLayout(unsigned port) const {
    return outputLayouts[port];
  }

private:
  struct Activation {
    StreamLayout layout;
    std::string type;
    int64_t width;
    llvm::SmallVector<std::string> copies; // one stream per reader
    unsigned next = 0;
  };
  struct StreamDecl {
    std::string name, type;
    int64_t width, depth;
  };

  mlir::LogicalResult findPorts();
  mlir::LogicalResult checkStages();
  mlir::LogicalResult printStage(mlir::Operation *op);
  unsigned countReaders(mlir::Value value) const;
  void printModelCpp(llvm::raw_ostream &os);
  void printModelH(llvm::raw_ostream &os);

  // The per-op printers (EmitStages.cpp).
  mlir::LogicalResult printConv(qnn::ConvOp op);
  mlir::LogicalResult printMatMul(qnn::MatMulOp op);
  mlir::LogicalResult printRequantize(qnn::RequantizeOp op);
  mlir::LogicalResult printAdd(qnn::AddOp op);
  mlir::LogicalResult printMul(qnn::MulOp op);
  mlir::LogicalResult printMaxPool(qnn::MaxPoolOp op);
  mlir::LogicalResult printAvgPool(qnn::AvgPoolOp op);
  mlir::LogicalResult printGlobalAvgPool(qnn::GlobalAvgPoolOp op);
  mlir::LogicalResult printLookupTable(qnn::LookupTableOp op);
  mlir::LogicalResult printSoftmax(qnn::SoftmaxOp op);

  // The data movement printers (EmitDataMovement.cpp).
  mlir::LogicalResult printConcat(qnn::ConcatOp op);
  mlir::LogicalResult printNNConcat(nn::ConcatOp op);
  mlir::LogicalResult printSplit(nn::SplitOp op);
  mlir::LogicalResult printSlice(nn::SliceOp op);
  mlir::LogicalResult printPad(nn::PadOp op);
  mlir::LogicalResult printResize(qnn::ResizeOp op);
  mlir::LogicalResult printRelabel(mlir::Operation *op);
  mlir::LogicalResult printTranspose(mlir::Operation *op,
                                     llvm::ArrayRef<int64_t> perm);
  /// nn.depth_to_space and nn.space_to_depth: relabels.
  mlir::LogicalResult printBlockRearrange(mlir::Operation *op);
  /// A binary op (qnn.mul) one of whose operands is a stream broadcast
  /// over the other; its parameters are printed.
  mlir::LogicalResult printBroadcastBinary(mlir::Operation *op,
                                           llvm::StringRef paramsType);

  // Shared by the printers.
  template <typename OpTy>
  mlir::LogicalResult printBinary(OpTy op, llvm::StringRef paramsType,
                                  llvm::StringRef params);
  mlir::LogicalResult printProduct(mlir::Operation *op, ProductSpec &spec);
  mlir::FailureOr<std::string> printWindow(mlir::Operation *op,
                                           const Taken &input,
                                           const WindowSpec &window,
                                           int32_t padValue);
  /// Prints `stage(inputs..., <op>_out, arguments, frames);`, the call of
  /// a stage template that writes one i8 stream of `width`-element beats,
  /// and makes that stream `op`'s result, in `layout`.
  void printStageCall(mlir::Operation *op, llvm::StringRef stage,
                      llvm::ArrayRef<std::string> inputs, int64_t width,
                      llvm::StringRef arguments, const StreamLayout &layout);
  /// A pool's input taken channels last and slid into windows.
  struct PoolWindows {
    WindowSpec window;
    int64_t width;
    std::string stream;
  };
  mlir::FailureOr<PoolWindows> printPoolWindows(mlir::Operation *op,
                                                mlir::Value x, mlir::Value y,
                                                llvm::ArrayRef<int64_t> kernel,
                                                int32_t padValue);
  mlir::FailureOr<Taken> takeElementwise(mlir::Operation *op, mlir::Value value,
                                         unsigned index, int64_t &width);
  /// Relabels `op`'s result as its input's frame seen as `view` (the same
  /// elements) and transposed by `framePerm`.
  mlir::LogicalResult printFrameTranspose(mlir::Operation *op,
                                          llvm::ArrayRef<int64_t> view,
                                          llvm::ArrayRef<int64_t> framePerm);
  /// Concatenates `inputs` along tensor axis `axis` into `result`, pairwise:
  /// `inputParams` (ConcatInput of each input), `passThrough` (the part
  /// already concatenated) and `outputStage` (the rest of ConcatParams).
  mlir::LogicalResult
  printConcatenation(mlir::Operation *op, mlir::ValueRange inputs, int64_t axis,
                     mlir::Value result,
                     llvm::ArrayRef<std::string> inputParams,
                     llvm::StringRef passThrough, llvm::StringRef outputStage);
  /// Whether `value` streams channels last (else it is read row-major by
  /// slices, splits and concatenations).
  bool streamsChannelsLast(mlir::Value value) const;

  mlir::ModuleOp module;
  mlir::func::FuncOp func;
  int64_t batch = 0;
  llvm::SmallVector<InputPort> inputs;
  llvm::SmallVector<OutputPort> outputs;
  llvm::SmallVector<StreamLayout> inputLayouts, outputLayouts;
  llvm::DenseMap<mlir::Value, Activation> active;
  llvm::DenseMap<mlir::Operation *, std::string> stageNames;
  std::vector<StreamDecl> streams;
  llvm::StringMap<unsigned> streamIndex;
  std::vector<char> *weights = nullptr;

  std::string globalsText, loadsText, arrayPragmasText, bodyText;
  llvm::raw_string_ostream globalsOS{globalsText}, loadsOS{loadsText},
      arrayPragmasOS{arrayPragmasText}, bodyOS{bodyText};
};

/// `name<params...>`: a stage template's instantiation.
template <typename... Params>
std::string instantiate(llvm::StringRef name, const Params &...params) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << name << "<";
  llvm::StringRef separator = "";
  ((os << separator << params, separator = ", "), ...);
  os << ">";
  return text;
}

/// Tensor axis `axis` (negative: from the end) of a rank-`rank` tensor as an
/// axis of its frames; fails for the batch dimension, which `op` (which
/// `verb`s along it) cannot split.
mlir::FailureOr<int64_t> getFrameAxis(mlir::Operation *op, int64_t axis,
                                      int64_t rank, llvm::StringRef verb);

/// Checks that the testbench can compute the float ops before each input's
/// qnn.quantize (EmitTestbench.cpp).
mlir::LogicalResult checkTestbenchEdges(llvm::ArrayRef<InputPort> ports);

/// Prints tb/model_io.h, the testbench's edges (EmitTestbench.cpp).
void printTestbenchIO(const DesignEmitter &emitter, llvm::raw_ostream &os);

/// Writes the project's files for `design` into `outDir` (HLSProject.cpp).
mlir::LogicalResult writeProject(const Design &design, llvm::StringRef outDir);

/// `value` as a C++ float literal that reads back as the same float.
std::string formatFloat(float value);
/// A brace-enclosed, line-wrapped list: "{1, 2, 3}".
std::string formatList(llvm::ArrayRef<int64_t> values, unsigned indent = 4);
/// The C++ spelling of a rounding mode: "RoundingMode::nearest_even".
std::string formatRounding(qnn::RoundingMode mode);

} // namespace whittle::hlscpp::detail

#endif // WHITTLE_LIB_TARGET_HLSCPP_EMITDESIGN_H
