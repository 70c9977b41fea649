//===- SparsifyChannels.cpp - removing whole output channels --------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// A removed output channel of a layer disappears from everything that sees
// it: the per-channel ops after the layer shrink with it, and the consumer
// layers lose the matching input channels of their weights. The rewrite is
// only done when every use can follow; otherwise the layer stays whole,
// since a half-done removal would compute something else silently.
//
//===----------------------------------------------------------------------===//

#include "SparsifyChannels.h"

#include "whittle/Dialect/NN/LayerName.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Transforms/SparsityPattern.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace whittle;
using namespace whittle::nn;
using namespace whittle::sparsify;

namespace {

bool hasConstantWeight(Operation *op) {
  std::optional<WeightLayout> layout = getWeightLayout(op);
  return layout && getConstantElements(op->getOperand(layout->operand)) &&
         cast<RankedTensorType>(op->getOperand(layout->operand).getType())
             .hasStaticShape();
}

std::string describe(Operation *op) {
  std::string text = op->getName().getStringRef().str();
  if (std::optional<StringRef> name = nn::getLayerName(op->getLoc()))
    text += " '" + name->str() + "'";
  return text;
}

/// group == input channels == output channels, one filter per channel.
bool isDepthwise(ConvOp conv) {
  auto x = dyn_cast<RankedTensorType>(conv.getX().getType());
  auto w = dyn_cast<RankedTensorType>(conv.getW().getType());
  return x && w && x.getRank() >= 3 && w.hasStaticShape() &&
         conv.getGroup() > 1 &&
         x.getDimSize(1) == static_cast<int64_t>(conv.getGroup()) &&
         w.getDimSize(0) == static_cast<int64_t>(conv.getGroup()) &&
         w.getDimSize(1) == 1;
}

struct Tracer {
  ChannelUses &uses;
  std::string &reason;
  llvm::DenseSet<Operation *> visited;

  bool fail(Operation *user, StringRef why) {
    reason = "its output reaches " + describe(user) + ", " + why.str();
    return false;
  }

  /// `blockSize` is the number of consecutive indices along dimension 1
  /// that one channel owns in `value` (more than 1 after a Flatten).
  bool trace(Value value, int64_t blockSize) {
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      unsigned operand = use.getOperandNumber();
      if (!visited.insert(user).second)
        return fail(user, "more than once");
      bool elementwise =
          isa<ReluOp, LeakyReluOp, SigmoidOp, IdentityOp>(user) ||
          (isa<ClipOp>(user) && operand == 0) ||
          (isa<DropoutOp>(user) && operand == 0 &&
           user->getResult(1).use_empty());
      if (elementwise) {
        uses.resized.push_back({user, blockSize});
        if (!trace(user->getResult(0), blockSize))
          return false;
        continue;
      }
      if (!isa<AveragePoolOp, GlobalAveragePoolOp, GlobalMaxPoolOp, MaxPoolOp,
               BatchNormalizationOp, FlattenOp, ConvOp, GemmOp, MatMulOp>(user))
        return fail(user, "which channel removal cannot rewrite");
      if (operand != 0)
        return fail(user, "not as its data input");
      bool pool =
          isa<AveragePoolOp, GlobalAveragePoolOp, GlobalMaxPoolOp>(user) ||
          (isa<MaxPoolOp>(user) && user->getResult(1).use_empty());
      if (pool || isa<BatchNormalizationOp>(user)) {
        if (blockSize != 1)
          return fail(user, "after a Flatten");
        if (auto bn = dyn_cast<BatchNormalizationOp>(user)) {
          if (!getConstantElements(bn.getScale()) ||
              !getConstantElements(bn.getB()) ||
              !getConstantElements(bn.getInputMean()) ||
              !getConstantElements(bn.getInputVar()))
            return fail(user, "whose parameters are not constants");
          uses.batchNorms.push_back(user);
        }
        uses.resized.push_back({user, 1});
        if (!trace(user->getResult(0), 1))
          return false;
        continue;
      }
      if (auto flatten = dyn_cast<FlattenOp>(user)) {
        auto type = dyn_cast<RankedTensorType>(flatten.getInput().getType());
        if (blockSize != 1 || flatten.getAxis() != 1 || !type ||
            !type.hasStaticShape() || type.getRank() < 2)
          return fail(user, "which does not flatten a static [N, C, ...] "
                            "tensor at axis 1");
        int64_t inner =
            type.getNumElements() / (type.getDimSize(0) * type.getDimSize(1));
        uses.resized.push_back({user, inner});
        if (!trace(flatten.getOutput(), inner))
          return false;
        continue;
      }
      if (auto conv = dyn_cast<ConvOp>(user)) {
        if (!hasConstantWeight(conv) || blockSize != 1)
          return fail(user, "whose weights are not a constant");
        if (isDepthwise(conv)) {
          // Channel c of a depthwise conv is its filter c alone: the
          // channel passes through, losing that filter, and goes on.
          uses.depthwise.push_back(user);
          uses.resized.push_back({user, 1});
          if (!trace(conv.getY(), 1))
            return false;
          continue;
        }
        if (conv.getGroup() != 1)
          return fail(user, "a grouped conv that is not depthwise");
        uses.consumers.push_back({user, 1});
        continue;
      }
      if (auto gemm = dyn_cast<GemmOp>(user)) {
        if (gemm.getTransA() != 0 || !hasConstantWeight(gemm))
          return fail(user, "with transA or without a constant B");
        uses.consumers.push_back({user, blockSize});
        continue;
      }
      if (auto matmul = dyn_cast<MatMulOp>(user)) {
        auto a = dyn_cast<RankedTensorType>(matmul.getA().getType());
        auto b = dyn_cast<RankedTensorType>(matmul.getB().getType());
        if (!a || !b || a.getRank() != 2 || b.getRank() != 2 ||
            !hasConstantWeight(matmul))
          return fail(user, "which is not a 2-D product with a constant B");
        uses.consumers.push_back({user, blockSize});
        continue;
      }
      return fail(user, "which channel removal cannot rewrite");
    }
    return true;
  }
};

/// Drops the indices in `removed` along `axis`.
void dropAlongAxis(SmallVector<double> &values, SmallVector<int64_t> &shape,
                   int64_t axis, const llvm::DenseSet<int64_t> &removed) {
  if (removed.empty())
    return;
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < (int64_t)shape.size(); ++d)
    inner *= shape[d];
  SmallVector<double> kept;
  kept.reserve(values.size());
  for (int64_t i = 0, e = values.size(); i < e; ++i)
    if (!removed.contains((i / inner) % shape[axis]))
      kept.push_back(values[i]);
  values = std::move(kept);
  shape[axis] -= removed.size();
}

/// Replaces operand `index` of `op` (a constant) by the constant with the
/// indices `removed` dropped along `axis`.
void shrinkConstantOperand(Operation *op, unsigned index, int64_t axis,
                           const llvm::DenseSet<int64_t> &removed,
                           StringRef nameHint) {
  Value value = op->getOperand(index);
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<double> values = *readAsDoubles(getConstantElements(value));
  SmallVector<int64_t> shape(type.getShape());
  dropAlongAxis(values, shape, axis, removed);
  OpBuilder builder(op);
  auto newType = RankedTensorType::get(shape, type.getElementType());
  Value replacement =
      ConstantOp::create(builder, value.getLoc(),
                         createElementsFromDoubles(newType, values, nameHint));
  op->setOperand(index, replacement);
  Operation *old = value.getDefiningOp();
  if (old && old->use_empty())
    old->erase();
}

void shrinkResults(Operation *op, int64_t dim, int64_t removed) {
  for (Value result : op->getResults()) {
    auto type = dyn_cast<RankedTensorType>(result.getType());
    if (!type || type.getRank() <= dim)
      continue;
    SmallVector<int64_t> shape(type.getShape());
    shape[dim] -= removed;
    result.setType(type.clone(shape));
  }
}

llvm::DenseSet<int64_t> expand(ArrayRef<int64_t> channels, int64_t block) {
  llvm::DenseSet<int64_t> result;
  for (int64_t c : channels)
    for (int64_t b = 0; b < block; ++b)
      result.insert(c * block + b);
  return result;
}

} // namespace

bool sparsify::traceChannelUses(Operation *producer, ChannelUses &uses,
                                std::string &reason) {
  if (auto conv = dyn_cast<ConvOp>(producer); conv && conv.getGroup() != 1) {
    reason = "it is a grouped convolution";
    return false;
  }
  if (auto matmul = dyn_cast<MatMulOp>(producer)) {
    auto type = dyn_cast<RankedTensorType>(matmul.getY().getType());
    if (!type || type.getRank() != 2) {
      reason = "it is not a 2-D matrix product";
      return false;
    }
  }
  if (!isa<ConvOp, GemmOp, MatMulOp>(producer) ||
      !hasConstantWeight(producer)) {
    reason = "it has no constant weight";
    return false;
  }
  if (isa<ConvOp, GemmOp>(producer) && !isNone(producer->getOperand(2)) &&
      !getConstantElements(producer->getOperand(2))) {
    reason = "its bias is not a constant";
    return false;
  }
  Tracer tracer{uses, reason, {}};
  return tracer.trace(producer->getResult(0), 1);
}

void sparsify::applyChannelRemovals(ArrayRef<ChannelRemoval> removals) {
  llvm::MapVector<Operation *, llvm::DenseSet<int64_t>> outRemoved, inRemoved;
  for (const ChannelRemoval &removal : removals) {
    if (removal.channels.empty())
      continue;
    outRemoved[removal.producer] = expand(removal.channels, 1);
    for (auto [consumer, block] : removal.uses.consumers)
      inRemoved[consumer] = expand(removal.channels, block);
    for (auto [op, block] : removal.uses.resized)
      shrinkResults(op, 1, removal.channels.size() * block);
    llvm::DenseSet<int64_t> channels = expand(removal.channels, 1);
    for (Operation *bn : removal.uses.batchNorms)
      for (unsigned i = 1; i <= 4; ++i)
        shrinkConstantOperand(bn, i, 0, channels, "pruned_bn");
    for (Operation *op : removal.uses.depthwise) {
      auto conv = cast<ConvOp>(op);
      shrinkConstantOperand(op, 1, 0, channels, "pruned_weight");
      if (!isNone(conv.getB()))
        shrinkConstantOperand(op, 2, 0, channels, "pruned_bias");
      conv.setGroup(conv.getGroup() - channels.size());
    }
  }

  llvm::SetVector<Operation *> weighted;
  for (auto &entry : outRemoved)
    weighted.insert(entry.first);
  for (auto &entry : inRemoved)
    weighted.insert(entry.first);
  for (Operation *op : weighted) {
    WeightLayout layout = *getWeightLayout(op);
    llvm::DenseSet<int64_t> none;
    const llvm::DenseSet<int64_t> &outs =
        outRemoved.count(op) ? outRemoved[op] : none;
    const llvm::DenseSet<int64_t> &ins =
        inRemoved.count(op) ? inRemoved[op] : none;
    Value weight = op->getOperand(layout.operand);
    auto type = cast<RankedTensorType>(weight.getType());
    SmallVector<double> values = *readAsDoubles(getConstantElements(weight));
    SmallVector<int64_t> shape(type.getShape());
    dropAlongAxis(values, shape, layout.outAxis, outs);
    dropAlongAxis(values, shape, layout.inAxis, ins);
    OpBuilder builder(op);
    Value replacement = ConstantOp::create(
        builder, weight.getLoc(),
        createElementsFromDoubles(type.clone(shape), values, "pruned_weight"));
    op->setOperand(layout.operand, replacement);
    if (Operation *old = weight.getDefiningOp(); old && old->use_empty())
      old->erase();
    if (outs.empty())
      continue;

    // The bias (conv B, gemm C) loses the channels too where it has them.
    if (isa<ConvOp, GemmOp>(op) && op->getNumOperands() > 2 &&
        !isNone(op->getOperand(2)) && getConstantElements(op->getOperand(2))) {
      auto biasType = cast<RankedTensorType>(op->getOperand(2).getType());
      int64_t channels = type.getDimSize(layout.outAxis);
      if (biasType.getRank() >= 1 &&
          biasType.getDimSize(biasType.getRank() - 1) == channels &&
          channels > 1)
        shrinkConstantOperand(op, 2, biasType.getRank() - 1, outs,
                              "pruned_bias");
    }
    shrinkResults(op, 1, outs.size());
  }
}
