//===- VerifyIntegerOnly.cpp - no float inside a quantized model ----------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The region between a model's input quantizes and output dequantizes must
// be integer-only: that is what lets the CPU, CUDA and HLS back ends agree
// bit for bit. This pass finds the edges first (float data flowing from the
// arguments through data movement, and from dequantizes through data
// movement to the returns) and then reports every other op that touches a
// float.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNOpKinds.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/QNN/QNNOps.h"
#include "whittle/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseSet.h"

namespace whittle {
#define GEN_PASS_DEF_VERIFYINTEGERONLY
#include "whittle/Transforms/Passes.h.inc"
} // namespace whittle

using namespace mlir;
using namespace whittle;

namespace {

/// The float type `type` holds (itself, or a shaped type's element), or
/// null.
FloatType getFloatType(Type type) {
  return dyn_cast<FloatType>(getElementTypeOrSelf(type));
}

bool isFloat(Value value) {
  return static_cast<bool>(getFloatType(value.getType()));
}

std::string print(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

// Data movement (nn::isDataMovement) has no arithmetic: its results'
// values do not depend on the scale, so float ones may sit at the model's
// edges.
using nn::isDataMovement;

bool isConstant(Operation *op) {
  return op->hasTrait<OpTrait::ConstantLike>() || isa<nn::ConstantOp>(op);
}

struct Edges {
  /// Float values computed from the arguments by data movement alone.
  llvm::DenseSet<Value> inputs;
  /// Float values whose every use reaches a return through data movement.
  llvm::DenseSet<Value> outputs;
};

Edges findEdges(func::FuncOp func) {
  Edges edges;
  for (BlockArgument argument : func.getArguments())
    if (isFloat(argument))
      edges.inputs.insert(argument);
  // Forward: data movement whose float operands are all input-side (the
  // others are shapes, pads, indices or float constants such as a pad
  // value).
  func.walk([&](Operation *op) {
    if (!isDataMovement(op))
      return;
    bool fromInputs = llvm::all_of(op->getOperands(), [&](Value operand) {
      if (!isFloat(operand))
        return true;
      Operation *def = operand.getDefiningOp();
      return edges.inputs.contains(operand) || (def && isConstant(def));
    });
    bool anyInput = llvm::any_of(op->getOperands(), [&](Value operand) {
      return edges.inputs.contains(operand);
    });
    if (fromInputs && anyInput)
      for (Value result : op->getResults())
        if (isFloat(result))
          edges.inputs.insert(result);
  });
  // Backward: a value is output-side when every use is a return or data
  // movement whose float results are all output-side.
  SmallVector<Operation *> ops;
  func.walk([&](Operation *op) { ops.push_back(op); });
  auto reachesReturns = [&](Value value) {
    return llvm::all_of(value.getUses(), [&](OpOperand &use) {
      Operation *user = use.getOwner();
      if (isa<func::ReturnOp>(user))
        return true;
      return isDataMovement(user) &&
             llvm::all_of(user->getResults(), [&](Value result) {
               return !isFloat(result) || edges.outputs.contains(result);
             });
    });
  };
  for (Operation *op : llvm::reverse(ops))
    for (Value result : op->getResults())
      if (isFloat(result) && !result.use_empty() && reachesReturns(result))
        edges.outputs.insert(result);
  return edges;
}

/// Why `op` breaks the integer-only rule, or nothing.
std::optional<std::string> check(Operation *op, const Edges &edges) {
  auto onEdge = [&](Value value) {
    return edges.inputs.contains(value) || edges.outputs.contains(value);
  };
  if (auto quantize = dyn_cast<qnn::QuantizeOp>(op)) {
    if (edges.inputs.contains(quantize.getX()))
      return std::nullopt;
    return std::string("quantizes a float value computed inside the model; "
                       "qnn.quantize may only read the model's inputs "
                       "(possibly through data movement)");
  }
  if (auto dequantize = dyn_cast<qnn::DequantizeOp>(op)) {
    if (edges.outputs.contains(dequantize.getY()))
      return std::nullopt;
    return std::string("dequantizes a value that is used inside the model; "
                       "qnn.dequantize may only feed the model's outputs "
                       "(possibly through data movement)");
  }
  if (isConstant(op)) {
    // Unused, or feeding only edge ops (a pad value, a quantize, ...).
    bool fine = llvm::all_of(op->getUsers(), [&](Operation *user) {
      return isa<qnn::QuantizeOp, qnn::DequantizeOp>(user) ||
             (isDataMovement(user) &&
              llvm::all_of(user->getResults(), [&](Value result) {
                return !isFloat(result) || onEdge(result);
              }));
    });
    if (fine || !llvm::any_of(op->getResults(), isFloat))
      return std::nullopt;
    return std::string("is a float constant used inside the model (float "
                       "weights left over); quantize it");
  }
  if (isa<func::ReturnOp, func::FuncOp>(op))
    return std::nullopt;
  if (isDataMovement(op) && llvm::all_of(op->getResults(), [&](Value result) {
        return !isFloat(result) || onEdge(result);
      }))
    return std::nullopt;
  for (Value operand : op->getOperands())
    if (getFloatType(operand.getType()))
      return "computes on " + print(operand.getType()) +
             " inside the integer-only region; it needs a qnn equivalent (or "
             "must move outside the model's quantize/dequantize edges)";
  for (Value result : op->getResults())
    if (getFloatType(result.getType()))
      return "produces " + print(result.getType()) +
             " inside the integer-only region; it needs a qnn equivalent";
  return std::nullopt;
}

struct VerifyIntegerOnlyPass
    : whittle::impl::VerifyIntegerOnlyBase<VerifyIntegerOnlyPass> {
  void runOnOperation() override {
    bool failed = false;
    getOperation().walk([&](func::FuncOp func) {
      Edges edges = findEdges(func);
      func.walk([&](Operation *op) {
        if (op == func.getOperation())
          return;
        if (std::optional<std::string> reason = check(op, edges)) {
          op->emitError() << "'" << op->getName() << "' " << *reason;
          failed = true;
        }
      });
    });
    if (failed)
      signalPassFailure();
  }
};

} // namespace
