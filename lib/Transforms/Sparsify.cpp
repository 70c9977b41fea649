//===- Sparsify.cpp - sparsity masks on weighted layers -------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// --whittle-sparsify: chooses per-layer targets (explicit, or one global
// target allocated by normalized magnitude), applies the mask of the chosen
// granularity to the constant weights (SparsifyMath), removes whole channels
// from the graph (SparsifyChannels), and leaves on every op it touches the
// whittle.sparsity pattern and a whittle.compression record. The pass
// description in dialects/Transforms/Passes.td states the rules.
//
//===----------------------------------------------------------------------===//

#include "SparsifyChannels.h"

#include "whittle/Dialect/NN/LayerName.h"
#include "whittle/Dialect/NN/ModelSummary.h"
#include "whittle/Dialect/NN/NNDialect.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Transforms/CompressionRecord.h"
#include "whittle/Transforms/Passes.h"
#include "whittle/Transforms/SparsifyMath.h"
#include "whittle/Transforms/SparsityPattern.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

namespace whittle {
#define GEN_PASS_DEF_WHITTLESPARSIFY
#define GEN_PASS_DEF_WHITTLEVERIFYSPARSITY
#include "whittle/Transforms/Passes.h.inc"
} // namespace whittle

using namespace mlir;
using namespace whittle;
using namespace whittle::sparsify;

namespace {

/// Shortest form of a number for messages (0.5, not 5.000000e-01).
std::string formatNumber(double value) {
  return llvm::formatv("{0}", llvm::format("%g", value)).str();
}

int64_t countNonZeros(ArrayRef<double> values) {
  return values.size() - countZeros(values);
}

double squaredNorm(ArrayRef<double> values) {
  double sum = 0;
  for (double v : values)
    sum += v * v;
  return sum;
}

/// The op's dense MACs times the weight density nonZeros / size (in
/// double: the product can exceed int64 for large layers).
int64_t scaledMACs(Operation *op, int64_t nonZeros, int64_t size) {
  return std::llround(double(nn::countMACs(op)) * double(nonZeros) /
                      double(size));
}

/// Elements of the op's bias (conv B, gemm C) when it is a constant.
int64_t biasElements(Operation *op) {
  if (!isa<nn::ConvOp, nn::GemmOp>(op) || op->getNumOperands() < 3)
    return 0;
  auto type = dyn_cast<RankedTensorType>(op->getOperand(2).getType());
  return type && type.hasStaticShape() ? type.getNumElements() : 0;
}

struct Layer {
  Operation *op;
  std::string name;
  WeightLayout layout;
  SmallVector<int64_t> shape;
  SmallVector<double> original;
  bool edge = false;
  bool grouped = false;
  std::optional<double> explicitTarget;
  double target = 0;
  /// Weights after masking (unstructured, n:m, block).
  SmallVector<double> masked;
  bool changed = false;
  int64_t paramsBefore = 0, macsBefore = 0;
};

struct SparsifyPass : whittle::impl::WhittleSparsifyBase<SparsifyPass> {
  using WhittleSparsifyBase::WhittleSparsifyBase;

  SparsityGranularity kind = SparsityGranularity::Unstructured;
  int64_t blockRows = 4, blockCols = 4;
  BlockNorm norm = BlockNorm::L2;
  bool erk = false;
  llvm::StringMap<double> explicitTargets;

  LogicalResult parseOptions() {
    ModuleOp module = getOperation();
    std::optional<SparsityGranularity> parsed = parseGranularity(granularity);
    if (!parsed)
      return emitError(module.getLoc())
             << "unknown sparsity granularity '" << granularity
             << "'; use unstructured, n:m, block or channel";
    kind = *parsed;
    if (!(sparsity >= 0.0 && sparsity < 1.0))
      return emitError(module.getLoc())
             << "sparsity must be in [0, 1), got " << formatNumber(sparsity);
    if (!(maxLayerSparsity > 0.0 && maxLayerSparsity <= 1.0))
      return emitError(module.getLoc())
             << "max-layer-sparsity must be in (0, 1]";
    if (kind == SparsityGranularity::NM && (n < 1 || m < 2 || n >= m))
      return emitError(module.getLoc())
             << "the N:M pattern needs 1 <= N < M, got N = " << n.getValue()
             << ", M = " << m.getValue();
    SmallVector<StringRef> sizes;
    StringRef(block).split(sizes, 'x');
    if (sizes.size() != 2 || sizes[0].getAsInteger(10, blockRows) ||
        sizes[1].getAsInteger(10, blockCols) || blockRows < 1 || blockCols < 1)
      return emitError(module.getLoc()) << "block must be OUTxIN with positive "
                                           "sizes (e.g. 4x4), got '"
                                        << block << "'";
    if (allocation == "erk")
      erk = true;
    else if (allocation != "magnitude")
      return emitError(module.getLoc())
             << "allocation must be magnitude or erk, got '" << allocation
             << "'";
    if (blockNorm == "l1")
      norm = BlockNorm::L1;
    else if (blockNorm != "l2")
      return emitError(module.getLoc())
             << "block-norm must be l1 or l2, got '" << blockNorm << "'";
    for (const std::string &entry : layerSparsity) {
      auto [name, value] = StringRef(entry).rsplit(':');
      double target;
      if (name.empty() || value.getAsDouble(target))
        return emitError(module.getLoc())
               << "layer-sparsity entries are NAME:S, got '" << entry << "'";
      if (!(target >= 0.0 && target < 1.0))
        return emitError(module.getLoc())
               << "sparsity of layer '" << name << "' must be in [0, 1), got "
               << formatNumber(target);
      explicitTargets[name] = target;
    }
    if (kind == SparsityGranularity::NM) {
      double fixed = 1.0 - double(n) / double(m);
      auto check = [&](double target, StringRef what) -> LogicalResult {
        if (target != 0.0 && std::fabs(target - fixed) > 1e-9)
          return emitError(module.getLoc())
                 << what << " " << formatNumber(target)
                 << " does not match the " << n.getValue() << ":"
                 << m.getValue() << " pattern, whose sparsity is "
                 << formatNumber(fixed) << "; give 0 or " << formatNumber(fixed)
                 << ", or change n and m";
        return success();
      };
      if (failed(check(sparsity, "sparsity")))
        return failure();
      for (auto &entry : explicitTargets)
        if (failed(check(entry.second,
                         ("sparsity of layer '" + entry.first() + "'").str())))
          return failure();
    }
    return success();
  }

  /// Why `layer` cannot take the pattern, or empty.
  std::string incompatibility(const Layer &layer) {
    int64_t in = layer.shape[layer.layout.inAxis];
    int64_t out = layer.shape[layer.layout.outAxis];
    switch (kind) {
    case SparsityGranularity::Unstructured:
      return "";
    case SparsityGranularity::NM:
      if (layer.grouped)
        return "it is a grouped convolution (N:M groups need input channels "
               "to reduce over; use unstructured)";
      if (in % m != 0)
        return llvm::formatv("its reduction (input-channel) length {0} is "
                             "not a multiple of M = {1}",
                             in, m.getValue());
      return "";
    case SparsityGranularity::Block:
      if (out % blockRows != 0 || in % blockCols != 0)
        return llvm::formatv("the block {0}x{1} does not divide its "
                             "(output, input) channels {2}x{3}",
                             blockRows, blockCols, out, in);
      return "";
    case SparsityGranularity::Channel:
      return "";
    }
    llvm_unreachable("unknown granularity");
  }

  LogicalResult collectLayers(func::FuncOp func, std::vector<Layer> &layers) {
    WalkResult result = func.walk([&](Operation *op) {
      std::optional<WeightLayout> layout = getWeightLayout(op);
      if (!layout)
        return WalkResult::advance();
      Value weight = op->getOperand(layout->operand);
      auto type = cast<RankedTensorType>(weight.getType());
      ElementsAttr elements = nn::getConstantElements(weight);
      if (!elements || !type.hasStaticShape() ||
          !isa<FloatType>(type.getElementType()) || type.getNumElements() == 0)
        return WalkResult::advance();
      std::optional<SmallVector<double>> values = nn::readAsDoubles(elements);
      if (!values)
        return WalkResult::advance();
      Layer layer;
      layer.op = op;
      layer.name = nn::describeLayer(op);
      if (llvm::any_of(*values, [](double v) { return !std::isfinite(v); })) {
        op->emitError() << "layer '" << layer.name
                        << "' has NaN or infinite weights; sparsify needs "
                           "finite weights";
        return WalkResult::interrupt();
      }
      layer.layout = *layout;
      layer.shape.assign(type.getShape().begin(), type.getShape().end());
      layer.original = std::move(*values);
      if (auto conv = dyn_cast<nn::ConvOp>(op))
        layer.grouped = conv.getGroup() != 1;
      layer.paramsBefore = countNonZeros(layer.original) + biasElements(op);
      layer.macsBefore =
          scaledMACs(op, countNonZeros(layer.original), layer.original.size());
      layers.push_back(std::move(layer));
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return failure();
    // The first and last layer: all ops of a layer factorized earlier (one
    // compression record) count as that layer.
    auto layerOf = [](const Layer &layer) {
      if (std::optional<CompressionRecord> rec = getCompressionRecord(layer.op))
        return rec->layer;
      return layer.name;
    };
    if (!layers.empty()) {
      std::string first = layerOf(layers.front());
      std::string last = layerOf(layers.back());
      for (Layer &layer : layers)
        layer.edge = layerOf(layer) == first || layerOf(layer) == last;
    }
    return success();
  }

  /// Prunable units of `layer` for the global allocation.
  LayerUnits unitsOf(const Layer &layer) {
    LayerUnits units;
    const WeightLayout &l = layer.layout;
    switch (kind) {
    case SparsityGranularity::Unstructured:
      for (double w : layer.original) {
        units.scores.push_back(std::fabs(w));
        units.sizes.push_back(1);
      }
      break;
    case SparsityGranularity::Block:
      units.scores = blockNorms(layer.original, layer.shape, l.outAxis,
                                l.inAxis, blockRows, blockCols, norm);
      units.sizes.assign(units.scores.size(), blockRows * blockCols);
      break;
    case SparsityGranularity::Channel:
      units.scores = channelNorms(layer.original, layer.shape, l.outAxis);
      units.sizes.assign(units.scores.size(),
                         layer.original.size() / layer.shape[l.outAxis]);
      break;
    case SparsityGranularity::NM:
      llvm_unreachable("N:M needs no allocation");
    }
    return units;
  }

  /// Records what happened to `layer` on its op, joining an earlier record.
  void record(Layer &layer, StringRef form) {
    Operation *op = layer.op;
    WeightLayout l = *getWeightLayout(op);
    SmallVector<double> now =
        *nn::readAsDoubles(nn::getConstantElements(op->getOperand(l.operand)));
    int64_t nonZeros = countNonZeros(now);
    int64_t paramsAfter = nonZeros + biasElements(op);
    int64_t macsAfter = scaledMACs(op, nonZeros, now.size());
    double before = squaredNorm(layer.original);
    // The kept weights are the original ones, so the error is what is gone.
    double error =
        before > 0
            ? std::sqrt(std::max(0.0, before - squaredNorm(now)) / before)
            : 0.0;
    double zeroFraction =
        1.0 - double(nonZeros) / double(layer.original.size());

    std::optional<CompressionRecord> earlier = getCompressionRecord(op);
    if (!earlier) {
      CompressionRecord rec;
      rec.layer = layer.name;
      rec.form = form.str();
      rec.sparsity = zeroFraction;
      rec.paramsBefore = layer.paramsBefore;
      rec.paramsAfter = paramsAfter;
      rec.macsBefore = layer.macsBefore;
      rec.macsAfter = macsAfter;
      rec.relativeError = error;
      setCompressionRecord(op, rec);
      return;
    }
    // A layer factorized earlier: all its ops carry one record, which now
    // loses what this op lost. The error of a product of perturbed factors
    // is, to first order, the root sum of squares of the relative errors.
    std::string layerName = earlier->layer;
    int64_t zeros = 0, total = 0;
    SmallVector<Operation *> siblings;
    op->getParentOfType<func::FuncOp>().walk([&](Operation *other) {
      std::optional<CompressionRecord> rec = getCompressionRecord(other);
      if (!rec || rec->layer != layerName)
        return;
      siblings.push_back(other);
      if (std::optional<WeightLayout> ol = getWeightLayout(other))
        if (ElementsAttr e =
                nn::getConstantElements(other->getOperand(ol->operand)))
          if (auto values = nn::readAsDoubles(e)) {
            zeros += countZeros(*values);
            total += values->size();
          }
    });
    for (Operation *other : siblings) {
      CompressionRecord rec = *getCompressionRecord(other);
      SmallVector<StringRef> forms;
      StringRef(rec.form).split(forms, '+');
      if (!llvm::is_contained(forms, form))
        rec.form += "+" + form.str();
      rec.paramsAfter -= layer.paramsBefore - paramsAfter;
      rec.macsAfter -= layer.macsBefore - macsAfter;
      rec.sparsity = total ? double(zeros) / total : 0.0;
      rec.relativeError =
          std::sqrt(rec.relativeError * rec.relativeError + error * error);
      setCompressionRecord(other, rec);
    }
  }

  /// The global target: `sparsity`, except that N:M fixes it, so that
  /// granularity=n:m with n and m alone prunes every eligible layer to the
  /// pattern (sparsity 0 is "not given").
  double getGlobalTarget() const {
    if (kind == SparsityGranularity::NM && sparsity == 0.0)
      return 1.0 - double(n) / double(m);
    return sparsity;
  }

  void runOnOperation() override {
    if (failed(parseOptions()))
      return signalPassFailure();
    ModuleOp module = getOperation();

    std::vector<std::vector<Layer>> functions;
    llvm::StringSet<> known;
    for (func::FuncOp func : module.getOps<func::FuncOp>()) {
      std::vector<Layer> layers;
      if (failed(collectLayers(func, layers)))
        return signalPassFailure();
      for (Layer &layer : layers)
        known.insert(layer.name);
      functions.push_back(std::move(layers));
    }
    for (auto &entry : explicitTargets) {
      if (known.contains(entry.first()))
        continue;
      SmallVector<std::string> names;
      for (auto &layers : functions)
        for (Layer &layer : layers)
          names.push_back("'" + layer.name + "'");
      emitError(module.getLoc())
          << "layer-sparsity names unknown layer '" << entry.first()
          << "'; the weighted layers are "
          << (names.empty() ? std::string("(none)") : llvm::join(names, ", "));
      return signalPassFailure();
    }

    for (std::vector<Layer> &layers : functions)
      if (failed(runOnLayers(layers)))
        return signalPassFailure();
  }

  LogicalResult runOnLayers(std::vector<Layer> &layers) {
    // Explicit targets first; a layer that cannot take the pattern is an
    // error there, since the user asked for it by name.
    SmallVector<Layer *> global;
    for (Layer &layer : layers) {
      auto it = explicitTargets.find(layer.name);
      if (it != explicitTargets.end()) {
        layer.explicitTarget = it->second;
        layer.target = it->second;
        if (layer.target > 0)
          if (std::string why = incompatibility(layer); !why.empty())
            return layer.op->emitError()
                   << "cannot apply " << stringifyGranularity(kind)
                   << " sparsity to layer '" << layer.name << "': " << why;
        continue;
      }
      if (getGlobalTarget() == 0.0 || (layer.edge && keepFirstLast))
        continue;
      if (std::string why = incompatibility(layer); !why.empty()) {
        // Grouped convs cannot take N:M or blocks; that needs no warning.
        if (!(layer.grouped && (kind == SparsityGranularity::NM ||
                                kind == SparsityGranularity::Block)))
          layer.op->emitWarning()
              << "layer '" << layer.name << "' stays dense: " << why;
        continue;
      }
      global.push_back(&layer);
    }

    // Channel removal needs every use of a layer's output to follow.
    DenseMap<Operation *, ChannelUses> channelUses;
    if (kind == SparsityGranularity::Channel) {
      auto traceable = [&](Layer &layer) {
        ChannelUses uses;
        std::string why;
        if (!traceChannelUses(layer.op, uses, why)) {
          layer.op->emitWarning() << "not removing channels of layer '"
                                  << layer.name << "': " << why;
          return false;
        }
        channelUses[layer.op] = std::move(uses);
        return true;
      };
      // Grouped convs pass their input's channels on (depthwise) or
      // cannot lose any; only explicitly named ones get a warning.
      llvm::erase_if(global, [&](Layer *layer) {
        return layer->grouped || !traceable(*layer);
      });
      for (Layer &layer : layers)
        if (layer.explicitTarget && layer.target > 0 && !traceable(layer))
          layer.target = 0;
    }

    if (!global.empty()) {
      if (kind == SparsityGranularity::NM) {
        for (Layer *layer : global)
          layer->target = getGlobalTarget();
      } else if (erk) {
        SmallVector<SmallVector<int64_t>> shapes;
        for (Layer *layer : global)
          shapes.push_back(layer->shape);
        SmallVector<double> fractions =
            allocateERK(shapes, sparsity, maxLayerSparsity);
        for (auto [layer, fraction] : llvm::zip_equal(global, fractions))
          layer->target = fraction;
      } else {
        SmallVector<LayerUnits> units;
        for (Layer *layer : global)
          units.push_back(unitsOf(*layer));
        SmallVector<double> fractions =
            allocateGlobal(units, sparsity, maxLayerSparsity);
        for (auto [layer, fraction] : llvm::zip_equal(global, fractions))
          layer->target = fraction;
      }
    }

    std::vector<ChannelRemoval> removals;
    for (Layer &layer : layers) {
      if (layer.target <= 0)
        continue;
      const WeightLayout &l = layer.layout;
      if (kind == SparsityGranularity::Channel) {
        SmallVector<int64_t> channels = selectChannelsToRemove(
            channelNorms(layer.original, layer.shape, l.outAxis), layer.target);
        if (!channels.empty())
          removals.push_back(
              {layer.op, std::move(channels), channelUses[layer.op]});
        continue;
      }
      if (meetsTarget(layer)) {
        annotateMet(layer);
        continue;
      }
      layer.masked = layer.original;
      switch (kind) {
      case SparsityGranularity::Unstructured:
        pruneUnstructuredPerChannel(layer.masked, layer.shape, l.outAxis,
                                    layer.target);
        break;
      case SparsityGranularity::NM:
        pruneNM(layer.masked, layer.shape, l.inAxis, n, m);
        break;
      case SparsityGranularity::Block:
        pruneBlocks(layer.masked, layer.shape, l.outAxis, l.inAxis, blockRows,
                    blockCols, layer.target, norm);
        break;
      case SparsityGranularity::Channel:
        break;
      }
      replaceWeight(layer);
      layer.changed = true;
      SparsityPattern pattern = patternOf(layer.masked, layer);
      setSparsityPattern(layer.op, pattern);
      record(layer, ("mask-" + stringifyGranularity(kind)).str());
    }

    if (!removals.empty()) {
      DenseSet<Operation *> touched;
      for (ChannelRemoval &removal : removals) {
        touched.insert(removal.producer);
        for (auto [consumer, blockSize] : removal.uses.consumers)
          touched.insert(consumer);
        touched.insert(removal.uses.depthwise.begin(),
                       removal.uses.depthwise.end());
      }
      applyChannelRemovals(removals);
      for (Layer &layer : layers) {
        if (!touched.contains(layer.op))
          continue;
        layer.changed = true;
        WeightLayout l = *getWeightLayout(layer.op);
        auto type =
            cast<RankedTensorType>(layer.op->getOperand(l.operand).getType());
        SparsityPattern pattern;
        pattern.granularity = SparsityGranularity::Channel;
        pattern.layout = l;
        pattern.sparsity =
            1.0 - double(type.getNumElements()) / layer.original.size();
        setSparsityPattern(layer.op, pattern);
        record(layer, "mask-channel");
      }
    }

    if (detect) {
      for (Layer &layer : layers) {
        if (layer.changed || layer.op->hasAttr(kSparsityAttrName))
          continue;
        if (std::optional<SparsityPattern> pattern =
                detectPattern(layer.original, layer.shape, layer.layout,
                              {blockRows, blockCols}))
          setSparsityPattern(layer.op, *pattern);
      }
    }

    for (Layer &layer : layers)
      if (failed(verifySparsityPattern(layer.op)))
        return failure();
    return success();
  }

  bool meetsTarget(const Layer &layer) {
    const WeightLayout &l = layer.layout;
    double size = layer.original.size();
    switch (kind) {
    case SparsityGranularity::Unstructured:
      return countZeros(layer.original) + 0.5 >= layer.target * size;
    case SparsityGranularity::NM:
      return maxNonZerosPerGroup(layer.original, layer.shape, l.inAxis, m) <= n;
    case SparsityGranularity::Block:
      return countElementsInZeroBlocks(layer.original, layer.shape, l.outAxis,
                                       l.inAxis, blockRows, blockCols) +
                 0.5 >=
             layer.target * size;
    case SparsityGranularity::Channel:
      return false;
    }
    llvm_unreachable("unknown granularity");
  }

  /// The pattern of this run's granularity that `weights` obey.
  SparsityPattern patternOf(ArrayRef<double> weights, const Layer &layer) {
    SparsityPattern pattern;
    pattern.granularity = kind;
    pattern.layout = layer.layout;
    pattern.sparsity = double(countZeros(weights)) / weights.size();
    if (kind == SparsityGranularity::NM) {
      pattern.n = n;
      pattern.m = m;
    }
    if (kind == SparsityGranularity::Block) {
      pattern.block = {blockRows, blockCols};
      pattern.sparsity = double(countElementsInZeroBlocks(
                             weights, layer.shape, layer.layout.outAxis,
                             layer.layout.inAxis, blockRows, blockCols)) /
                         weights.size();
    }
    return pattern;
  }

  /// A layer already sparse enough keeps its weights and gets the pattern.
  void annotateMet(Layer &layer) {
    setSparsityPattern(layer.op, patternOf(layer.original, layer));
  }

  void replaceWeight(Layer &layer) {
    Operation *op = layer.op;
    Value weight = op->getOperand(layer.layout.operand);
    auto type = cast<RankedTensorType>(weight.getType());
    OpBuilder builder(op);
    Value replacement = nn::ConstantOp::create(
        builder, weight.getLoc(),
        nn::createElementsFromDoubles(type, layer.masked, "sparse_weight"));
    op->setOperand(layer.layout.operand, replacement);
    if (Operation *old = weight.getDefiningOp(); old && old->use_empty())
      old->erase();
  }
};

struct VerifySparsityPass
    : whittle::impl::WhittleVerifySparsityBase<VerifySparsityPass> {
  void runOnOperation() override {
    WalkResult result = getOperation()->walk([](Operation *op) {
      return failed(verifySparsityPattern(op)) ? WalkResult::interrupt()
                                               : WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
