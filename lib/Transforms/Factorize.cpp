//===- Factorize.cpp - rank-reducing factorization of weights -------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The whittle-factorize pass (see its description in Passes.td). It works in
// three steps over the whole module, because a budget couples every layer:
// collect the layers that can be factorized (with their spectra), decide
// each layer's ranks (a per-layer rule, explicit ranks, or the global
// knapsack), then rewrite the chosen layers.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/LayerName.h"
#include "whittle/Dialect/NN/ModelSummary.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Transforms/CompressionRecord.h"
#include "whittle/Transforms/LowRank.h"
#include "whittle/Transforms/Passes.h"
#include "whittle/Transforms/RankSelection.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"

#include <cassert>
#include <cmath>
#include <map>

namespace whittle {
#define GEN_PASS_DEF_WHITTLEFACTORIZE
#include "whittle/Transforms/Passes.h.inc"
} // namespace whittle

using namespace mlir;
using namespace whittle;
using namespace whittle::nn;
using lowrank::Matrix;
using lowrank::Vector;

namespace {

/// The values of an Eigen matrix (or expression), row-major, as the weights
/// of an ONNX conv are stored.
template <typename MatrixExpr>
std::vector<double> toRowMajor(const MatrixExpr &m) {
  std::vector<double> values(m.rows() * m.cols());
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j)
      values[i * m.cols() + j] = m(i, j);
  return values;
}

enum class Form { Tucker2, ChannelSVD, MatrixSVD };

StringRef formName(Form form) {
  switch (form) {
  case Form::Tucker2:
    return "tucker2";
  case Form::ChannelSVD:
    return "channel-svd";
  case Form::MatrixSVD:
    return "svd";
  }
  llvm_unreachable("unknown form");
}

/// A conv or matrix product that can be factorized, with what the rules
/// need: its shape, its weights and the spectra of its unfoldings.
struct Layer {
  Operation *op = nullptr;
  std::string name;
  Form form = Form::Tucker2;
  /// Conv: out channels T, in channels S, kernel elements D. Matrix: the
  /// weight B' is K x N with t = N, s = K, d = 1.
  int64_t t = 0, s = 0, d = 1;
  /// Conv: batch, input and output spatial elements. Matrix: the rows of
  /// the product (`batch`), pixels 1.
  int64_t batch = 0, inPixels = 1, outPixels = 1;
  std::vector<double> weight;
  /// SVD forms: the matrix factorized (conv: T x S*D; matrix: K x N).
  Matrix matrix;
  /// Tucker-2: spectra of the output (T) and input (S) modes; SVD forms:
  /// `outSpectrum` is the matrix's.
  Vector outSpectrum, inSpectrum;
  int64_t macsBefore = 0, paramsBefore = 0;

  bool isTucker() const { return form == Form::Tucker2; }

  /// Largest ranks: Tucker-2 {R3, R4}; SVD forms {R}.
  SmallVector<int64_t> maxRanks() const {
    if (isTucker())
      return {std::min(s, t * d), std::min(t, s * d)};
    return {std::min<int64_t>(matrix.rows(), matrix.cols())};
  }

  int64_t macsAfter(ArrayRef<int64_t> r) const {
    switch (form) {
    case Form::Tucker2:
      // {R3, R4}: front() and back() (gcc 12 cannot see that a Tucker
      // layer is never given one rank, and warns about r[1]).
      return batch *
             (inPixels * s * r.front() + outPixels * r.front() * r.back() * d +
              outPixels * r.back() * t);
    case Form::ChannelSVD:
    case Form::MatrixSVD:
      // Matrices have d = 1 and outPixels = 1; 1x1 convs d = 1.
      return batch * outPixels * (s * d * r[0] + r[0] * t);
    }
    llvm_unreachable("unknown form");
  }

  int64_t paramsAfter(ArrayRef<int64_t> r) const {
    if (isTucker())
      return s * r.front() + r.front() * r.back() * d + r.back() * t;
    return s * d * r[0] + r[0] * t;
  }

  bool shrinks(ArrayRef<int64_t> r) const {
    return macsAfter(r) < macsBefore && paramsAfter(r) < paramsBefore;
  }

  /// Sum over modes of the kept energy fraction.
  double keptEnergy(ArrayRef<int64_t> r) const {
    if (isTucker())
      return lowrank::keptEnergy(inSpectrum, r[0]) +
             lowrank::keptEnergy(outSpectrum, r[1]);
    return lowrank::keptEnergy(outSpectrum, r[0]);
  }
};

/// Why an op cannot be factorized; `quiet` for ops that are not weight
/// layers at all (activations times activations), which get no remark.
struct Ineligible {
  std::string reason;
  bool quiet = false;
};

int64_t staticElements(Type type) {
  auto shaped = dyn_cast<RankedTensorType>(type);
  if (!shaped || !shaped.hasStaticShape())
    return -1;
  return shaped.getNumElements();
}

/// The constant float weight feeding `value`, or an explanation.
FailureOr<std::vector<double>> readWeight(Value value, Ineligible &why) {
  ElementsAttr attr = getConstantElements(value);
  if (!attr || !isa<FloatType>(attr.getElementType())) {
    why = {"its weights are not a constant float tensor", true};
    return failure();
  }
  auto values = readAsDoubles(attr);
  if (!values) {
    why = {"its weights cannot be read"};
    return failure();
  }
  return std::vector<double>(values->begin(), values->end());
}

/// Builds the Layer of `op`, or says why it cannot be factorized.
FailureOr<Layer> analyze(Operation *op, Form convForm, Ineligible &why) {
  Layer layer;
  layer.op = op;
  layer.name = nn::describeLayer(op);
  if (auto conv = dyn_cast<ConvOp>(op)) {
    auto wType = dyn_cast<RankedTensorType>(conv.getW().getType());
    auto xType = dyn_cast<RankedTensorType>(conv.getX().getType());
    auto yType = dyn_cast<RankedTensorType>(conv.getY().getType());
    if (!wType || !xType || !yType || !wType.hasStaticShape() ||
        !xType.hasStaticShape() || !yType.hasStaticShape() ||
        wType.getRank() < 3) {
      why = {"its shapes are not static"};
      return failure();
    }
    if (conv.getGroup() != 1) {
      why = {wType.getDimSize(1) == 1
                 ? "it is a depthwise convolution"
                 : llvm::formatv("it is a grouped convolution (group = {0})",
                                 conv.getGroup())
                       .str()};
      return failure();
    }
    FailureOr<std::vector<double>> weight = readWeight(conv.getW(), why);
    if (failed(weight))
      return failure();
    layer.weight = std::move(*weight);
    layer.t = wType.getDimSize(0);
    layer.s = wType.getDimSize(1);
    layer.d = wType.getNumElements() / (layer.t * layer.s);
    layer.batch = xType.getDimSize(0);
    layer.inPixels = xType.getNumElements() / (layer.batch * layer.s);
    layer.outPixels = yType.getNumElements() / (layer.batch * layer.t);
    layer.form = layer.d == 1 ? Form::MatrixSVD : convForm;
    if (layer.form == Form::Tucker2) {
      layer.outSpectrum = lowrank::singularValues(
          lowrank::unfoldOutputMode(layer.weight, layer.t, layer.s, layer.d));
      layer.inSpectrum = lowrank::singularValues(
          lowrank::unfoldInputMode(layer.weight, layer.t, layer.s, layer.d));
    } else {
      layer.matrix =
          lowrank::unfoldOutputMode(layer.weight, layer.t, layer.s, layer.d);
      layer.outSpectrum = lowrank::singularValues(layer.matrix);
    }
    layer.paramsBefore = wType.getNumElements();
    layer.macsBefore = countMACs(op);
    return layer;
  }

  // Gemm and MatMul: the weight B' (K x N) is operand 1.
  Value b = op->getOperand(1);
  bool transB = false;
  if (auto gemm = dyn_cast<GemmOp>(op))
    transB = gemm.getTransB() != 0;
  auto bType = dyn_cast<RankedTensorType>(b.getType());
  if (!getConstantElements(b)) {
    why = {"its weights are not a constant float tensor", true};
    return failure();
  }
  if (!bType || bType.getRank() != 2) {
    why = {"its constant operand B is not a matrix"};
    return failure();
  }
  if (staticElements(op->getResult(0).getType()) < 0 ||
      !bType.hasStaticShape()) {
    why = {"its shapes are not static"};
    return failure();
  }
  FailureOr<std::vector<double>> weight = readWeight(b, why);
  if (failed(weight))
    return failure();
  layer.weight = std::move(*weight);
  int64_t rows = bType.getDimSize(0), cols = bType.getDimSize(1);
  layer.s = transB ? cols : rows;
  layer.t = transB ? rows : cols;
  layer.matrix.resize(layer.s, layer.t);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) {
      double value = layer.weight[i * cols + j];
      if (transB)
        layer.matrix(j, i) = value;
      else
        layer.matrix(i, j) = value;
    }
  layer.form = Form::MatrixSVD;
  layer.batch = staticElements(op->getResult(0).getType()) / layer.t;
  layer.outSpectrum = lowrank::singularValues(layer.matrix);
  layer.paramsBefore = bType.getNumElements();
  layer.macsBefore = countMACs(op);
  return layer;
}

/// Parsed pass options.
struct RankRule {
  enum Kind { None, Energy, EVBMF, Budget } kind = None;
  double fraction = 0;
};

struct FactorizePass : whittle::impl::WhittleFactorizeBase<FactorizePass> {
  using WhittleFactorizeBase::WhittleFactorizeBase;

  void runOnOperation() override;

private:
  LogicalResult
  parseOptions(RankRule &rule, Form &convForm, bool &budgetOnParams,
               std::map<std::string, SmallVector<int64_t>> &explicitRanks);
  LogicalResult
  chooseByBudget(ArrayRef<Layer *> free,
                 ArrayRef<std::pair<Layer *, SmallVector<int64_t>>> fixed,
                 double fraction, bool onParams,
                 std::map<Layer *, SmallVector<int64_t>> &out);
  void rewrite(Layer &layer, ArrayRef<int64_t> ranks);
};

LogicalResult FactorizePass::parseOptions(
    RankRule &rule, Form &convForm, bool &budgetOnParams,
    std::map<std::string, SmallVector<int64_t>> &explicitRanks) {
  ModuleOp module = getOperation();
  auto fail = [&](const Twine &message) {
    module.emitError("whittle-factorize: ") << message;
    return failure();
  };
  auto parseFraction = [&](StringRef text, StringRef what,
                           double &value) -> LogicalResult {
    if (text.getAsDouble(value) || !(value > 0 && value <= 1))
      return fail(Twine(what) + " must be a number in (0, 1], got '" + text +
                  "'");
    return success();
  };

  StringRef spec = StringRef(ranks).trim();
  if (spec.empty()) {
    rule.kind = RankRule::None;
  } else if (spec == "evbmf") {
    rule.kind = RankRule::EVBMF;
  } else if (spec.consume_front("energy=")) {
    rule.kind = RankRule::Energy;
    if (failed(parseFraction(spec, "energy=P: P", rule.fraction)))
      return failure();
  } else if (spec.consume_front("budget=")) {
    rule.kind = RankRule::Budget;
    if (failed(parseFraction(spec, "budget=F: F", rule.fraction)))
      return failure();
  } else {
    return fail("unknown rank rule 'ranks=" + spec +
                "'; expected evbmf, energy=P or budget=F");
  }

  if (form == "tucker2")
    convForm = Form::Tucker2;
  else if (form == "channel-svd")
    convForm = Form::ChannelSVD;
  else
    return fail("unknown form '" + form + "'; expected tucker2 or channel-svd");

  if (budgetMetric == "macs")
    budgetOnParams = false;
  else if (budgetMetric == "params")
    budgetOnParams = true;
  else
    return fail("unknown budget-metric '" + budgetMetric +
                "'; expected macs or params");

  SmallVector<StringRef> entries;
  StringRef(layerRanks).split(entries, ',', -1, /*KeepEmpty=*/false);
  for (StringRef entry : entries) {
    entry = entry.trim();
    // Names may contain ':' ("onnx::Conv_3"): the ranks are the one or two
    // trailing integer fields.
    SmallVector<StringRef> fields;
    entry.split(fields, ':');
    SmallVector<int64_t> values;
    while (fields.size() > 1 && values.size() < 2) {
      int64_t value;
      if (fields.back().getAsInteger(10, value))
        break;
      if (value < 1)
        return fail("rank " + fields.back() + " of layer-ranks entry '" +
                    entry + "' must be at least 1");
      values.insert(values.begin(), value);
      fields.pop_back();
    }
    if (values.empty())
      return fail("layer-ranks entry '" + entry +
                  "' has no rank; expected NAME:R or NAME:R3:R4");
    explicitRanks[llvm::join(fields, ":")] = values;
  }
  return success();
}

LogicalResult FactorizePass::chooseByBudget(
    ArrayRef<Layer *> free,
    ArrayRef<std::pair<Layer *, SmallVector<int64_t>>> fixed, double fraction,
    bool onParams, std::map<Layer *, SmallVector<int64_t>> &out) {
  ModuleOp module = getOperation();
  ModelSummary summary = summarizeModel(module);
  int64_t total = onParams ? summary.parameters : summary.macs;
  StringRef metric = onParams ? "parameters" : "MACs";
  auto costOf = [&](const Layer &layer, ArrayRef<int64_t> r) {
    return onParams ? layer.paramsAfter(r) : layer.macsAfter(r);
  };
  auto costBefore = [&](const Layer &layer) {
    return onParams ? layer.paramsBefore : layer.macsBefore;
  };

  // Everything the knapsack does not choose: the rest of the model and the
  // layers with explicit ranks.
  int64_t fixedCost = total;
  for (Layer *layer : free)
    fixedCost -= costBefore(*layer);
  for (const auto &[layer, r] : fixed)
    fixedCost -= costBefore(*layer) - costOf(*layer, r);

  static constexpr double kEnergyLevels[] = {0.5, 0.8, 0.9, 0.95, 0.98, 0.99};
  std::vector<std::vector<KnapsackChoice>> groups;
  std::vector<std::vector<SmallVector<int64_t>>> groupRanks;
  for (Layer *layer : free) {
    SmallVector<int64_t> maxRanks = layer->maxRanks();
    std::vector<KnapsackChoice> choices;
    std::vector<SmallVector<int64_t>> ranksOfChoice;
    // Leaving the layer alone keeps all its energy.
    choices.push_back({costBefore(*layer), layer->isTucker() ? 2.0 : 1.0});
    ranksOfChoice.push_back({});
    auto modeCandidates = [&](const Vector &spectrum, int64_t dim) {
      SmallVector<int64_t> extra;
      for (double p : kEnergyLevels)
        extra.push_back(lowrank::energyRank(spectrum, p));
      return candidateRanks(dim, extra);
    };
    auto consider = [&](SmallVector<int64_t> r) {
      if (!layer->shrinks(r))
        return;
      choices.push_back({costOf(*layer, r), layer->keptEnergy(r)});
      ranksOfChoice.push_back(r);
    };
    if (layer->isTucker()) {
      for (int64_t r3 : modeCandidates(layer->inSpectrum, maxRanks[0]))
        for (int64_t r4 : modeCandidates(layer->outSpectrum, maxRanks[1]))
          consider({r3, r4});
    } else {
      for (int64_t r : modeCandidates(layer->outSpectrum, maxRanks[0]))
        consider({r});
    }
    groups.push_back(std::move(choices));
    groupRanks.push_back(std::move(ranksOfChoice));
  }

  int64_t budget = (int64_t)std::floor(fraction * double(total));
  int64_t cheapest = fixedCost;
  for (const auto &group : groups)
    cheapest += llvm::min_element(group, [](const KnapsackChoice &a,
                                            const KnapsackChoice &b) {
                  return a.cost < b.cost;
                })->cost;
  if (cheapest > budget) {
    module.emitError(llvm::formatv(
        "whittle-factorize: budget={0} ({1} {2} of {3}) cannot be met: the "
        "smallest ranks leave {4} {2}, a fraction of {5:F4}; raise the "
        "budget to at least that",
        fraction, budget, metric, total, cheapest,
        double(cheapest) / double(total)));
    return failure();
  }
  std::optional<KnapsackSolution> solution =
      solveMultipleChoiceKnapsack(groups, budget - fixedCost);
  if (!solution) {
    module.emitError("whittle-factorize: CBC found no solution for budget=")
        << fraction;
    return failure();
  }
  for (size_t i = 0; i < free.size(); ++i) {
    const SmallVector<int64_t> &r = groupRanks[i][solution->choice[i]];
    if (!r.empty())
      out[free[i]] = r;
  }
  return success();
}

Value makeConstant(OpBuilder &b, Location loc, Type element,
                   ArrayRef<int64_t> shape, ArrayRef<double> values,
                   StringRef nameHint) {
  auto type = RankedTensorType::get(shape, element);
  return ConstantOp::create(b, loc,
                            createElementsFromDoubles(type, values, nameHint));
}

void FactorizePass::rewrite(Layer &layer, ArrayRef<int64_t> r) {
  Operation *op = layer.op;
  OpBuilder b(op);
  MLIRContext *context = op->getContext();
  Location original = op->getLoc();
  Location child = original;
  if (auto name = dyn_cast<NameLoc>(original))
    child = name.getChildLoc();
  std::string prefix = layer.name + "/" + formName(layer.form).str() + ".";
  // Resource blobs are named after the layer when it has an ONNX name; a
  // printed file location would make an unreadable key.
  std::string blobPrefix =
      isa<NameLoc>(original) ? prefix
                             : "factorized." + formName(layer.form).str() + ".";
  auto locOf = [&](int index) -> Location {
    return NameLoc::get(StringAttr::get(context, prefix + Twine(index)), child);
  };
  Type element =
      cast<RankedTensorType>(op->getOperand(1).getType()).getElementType();
  Value none = NoneOp::create(b, original);

  SmallVector<Operation *> created;
  SmallVector<Value> weights;
  std::vector<double> effective;
  Value result;

  if (auto conv = dyn_cast<ConvOp>(op)) {
    int64_t spatial =
        cast<RankedTensorType>(conv.getW().getType()).getRank() - 2;
    SmallVector<int64_t> ones(spatial, 1);
    SmallVector<int64_t> kernel(
        cast<RankedTensorType>(conv.getW().getType()).getShape().drop_front(2));
    auto pointwise = [&](Value input, Value weight, Value bias, int index) {
      auto newConv = ConvOp::create(
          b, locOf(index), input, weight, bias, "NOTSET", nullptr, 1,
          b.getDenseI64ArrayAttr(ones), nullptr, nullptr);
      created.push_back(newConv);
      return newConv.getY();
    };
    auto spatialConv = [&](Value input, Value weight, int index) {
      auto newConv = ConvOp::create(b, locOf(index), input, weight, none,
                                    conv.getAutoPad(), conv.getDilationsAttr(),
                                    1, b.getDenseI64ArrayAttr(kernel),
                                    conv.getPadsAttr(), conv.getStridesAttr());
      created.push_back(newConv);
      return newConv.getY();
    };
    auto shapeWith = [&](int64_t out, int64_t in, ArrayRef<int64_t> rest) {
      SmallVector<int64_t> shape{out, in};
      shape.append(rest.begin(), rest.end());
      return shape;
    };

    if (layer.isTucker()) {
      int64_t r3 = r[0], r4 = r[1];
      lowrank::Tucker2Factors factors = lowrank::tucker2(
          layer.weight, layer.t, layer.s, layer.d, r3, r4, hooiIterations);
      // The first 1x1 conv is U3^T [R3, S], the last U4 [T, R4].
      std::vector<double> first = toRowMajor(factors.inFactor.transpose()),
                          last = toRowMajor(factors.outFactor);
      weights.push_back(makeConstant(b, locOf(0), element,
                                     shapeWith(r3, layer.s, ones), first,
                                     blobPrefix + "0.weight"));
      weights.push_back(makeConstant(b, locOf(1), element,
                                     shapeWith(r4, r3, kernel), factors.core,
                                     blobPrefix + "1.weight"));
      weights.push_back(makeConstant(b, locOf(2), element,
                                     shapeWith(layer.t, r4, ones), last,
                                     blobPrefix + "2.weight"));
      Value x = pointwise(conv.getX(), weights[0], none, 0);
      x = spatialConv(x, weights[1], 1);
      result = pointwise(x, weights[2], conv.getB(), 2);
      effective = lowrank::reconstructTucker2(factors, layer.d);
    } else {
      lowrank::LowRankFactors factors =
          lowrank::truncatedSVD(layer.matrix, r[0]);
      int64_t rank = factors.right.rows();
      // The first conv is right [rank, S * D], the 1x1 after it left [T, rank].
      std::vector<double> first = toRowMajor(factors.right),
                          last = toRowMajor(factors.left);
      weights.push_back(makeConstant(b, locOf(0), element,
                                     shapeWith(rank, layer.s, kernel), first,
                                     blobPrefix + "0.weight"));
      weights.push_back(makeConstant(b, locOf(1), element,
                                     shapeWith(layer.t, rank, ones), last,
                                     blobPrefix + "1.weight"));
      Value x = spatialConv(conv.getX(), weights[0], 0);
      result = pointwise(x, weights[1], conv.getB(), 1);
      Matrix product = factors.left * factors.right;
      effective.assign(product.size(), 0);
      for (int64_t i = 0; i < product.rows(); ++i)
        for (int64_t j = 0; j < product.cols(); ++j)
          effective[i * product.cols() + j] = product(i, j);
    }
  } else {
    // B' ~= P Q with P (K x R) and Q (R x N), stored transposed when the
    // Gemm has transB so the weights keep their layout.
    lowrank::LowRankFactors factors = lowrank::truncatedSVD(layer.matrix, r[0]);
    int64_t k = layer.s, n = layer.t;
    auto gemm = dyn_cast<GemmOp>(op);
    bool transB = gemm && gemm.getTransB() != 0;
    auto store = [&](const Matrix &m, bool transposed, int index) {
      SmallVector<int64_t> shape =
          transposed ? SmallVector<int64_t>{m.cols(), m.rows()}
                     : SmallVector<int64_t>{m.rows(), m.cols()};
      std::vector<double> values;
      values.reserve(m.size());
      if (transposed) {
        for (int64_t j = 0; j < m.cols(); ++j)
          for (int64_t i = 0; i < m.rows(); ++i)
            values.push_back(m(i, j));
      } else {
        for (int64_t i = 0; i < m.rows(); ++i)
          for (int64_t j = 0; j < m.cols(); ++j)
            values.push_back(m(i, j));
      }
      return makeConstant(b, locOf(index), element, shape, values,
                          blobPrefix + Twine(index).str() + ".weight");
    };
    weights.push_back(store(factors.left, transB, 0));
    weights.push_back(store(factors.right, transB, 1));
    if (gemm) {
      auto first = GemmOp::create(
          b, locOf(0), gemm.getA(), weights[0], none, b.getF32FloatAttr(1.0f),
          b.getF32FloatAttr(1.0f), gemm.getTransAAttr(), gemm.getTransBAttr());
      auto second =
          GemmOp::create(b, locOf(1), first.getY(), weights[1], gemm.getC(),
                         gemm.getAlphaAttr(), gemm.getBetaAttr(),
                         b.getI64IntegerAttr(0), gemm.getTransBAttr());
      created.append({first, second});
      result = second.getY();
    } else {
      auto matmul = cast<MatMulOp>(op);
      auto first = MatMulOp::create(b, locOf(0), matmul.getA(), weights[0]);
      auto second = MatMulOp::create(b, locOf(1), first.getY(), weights[1]);
      created.append({first, second});
      result = second.getY();
    }
    // The effective weight in the original B's layout.
    Matrix product = factors.left * factors.right;
    effective.assign(k * n, 0);
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < n; ++j)
        effective[transB ? j * k + i : i * n + j] = product(i, j);
  }

  CompressionRecord record;
  record.layer = layer.name;
  record.form = formName(layer.form).str();
  if (layer.isTucker())
    record.ranks.assign(r.begin(), r.end());
  else
    record.ranks.push_back(r[0]);
  record.paramsBefore = layer.paramsBefore;
  record.macsBefore = layer.macsBefore;
  for (Value weight : weights)
    record.paramsAfter += staticElements(weight.getType());
  for (Operation *newOp : created)
    record.macsAfter += countMACs(newOp);
  record.relativeError = lowrank::relativeError(layer.weight, effective);
  assert(record.macsAfter == layer.macsAfter(r) &&
         record.paramsAfter == layer.paramsAfter(r) &&
         "the rank rules' cost model disagrees with the rewritten ops");
  for (Operation *newOp : created)
    setCompressionRecord(newOp, record);

  Value oldWeight = op->getOperand(1);
  op->getResult(0).replaceAllUsesWith(result);
  op->erase();
  if (Operation *def = oldWeight.getDefiningOp())
    if (def->use_empty())
      def->erase();
  if (none.use_empty())
    none.getDefiningOp()->erase();
}

void FactorizePass::runOnOperation() {
  ModuleOp module = getOperation();
  RankRule rule;
  Form convForm = Form::Tucker2;
  bool budgetOnParams = false;
  std::map<std::string, SmallVector<int64_t>> explicitRanks;
  if (failed(parseOptions(rule, convForm, budgetOnParams, explicitRanks)))
    return signalPassFailure();

  // 1. The layers and the reasons others are left alone.
  std::vector<Layer> layers;
  llvm::StringSet<> seenNames;
  bool failedAny = false;
  module.walk([&](Operation *op) {
    if (!isa<ConvOp, GemmOp, MatMulOp>(op))
      return;
    std::string name = nn::describeLayer(op);
    seenNames.insert(name);
    bool named = explicitRanks.count(name);
    if (rule.kind == RankRule::None && !named)
      return;
    Ineligible why;
    FailureOr<Layer> layer = analyze(op, convForm, why);
    if (failed(layer)) {
      if (named) {
        op->emitError("whittle-factorize: layer '")
            << name
            << "' named in layer-ranks cannot be factorized: " << why.reason;
        failedAny = true;
      } else if (!why.quiet) {
        op->emitRemark("whittle-factorize: layer '")
            << name << "' left alone: " << why.reason;
      }
      return;
    }
    if (llvm::any_of(layer->weight,
                     [](double v) { return !std::isfinite(v); })) {
      op->emitError("whittle-factorize: layer '")
          << name << "' has NaN or infinite weights";
      failedAny = true;
      return;
    }
    layers.push_back(std::move(*layer));
  });
  for (const auto &[name, r] : explicitRanks)
    if (!seenNames.contains(name)) {
      module.emitError("whittle-factorize: unknown layer '")
          << name
          << "' in layer-ranks (no nn.conv, nn.gemm or nn.matmul has this "
             "location name)";
      failedAny = true;
    }
  if (failedAny)
    return signalPassFailure();

  // 2. Ranks for every layer: explicit ones first.
  std::map<Layer *, SmallVector<int64_t>> chosen;
  std::vector<Layer *> free;
  std::vector<std::pair<Layer *, SmallVector<int64_t>>> fixed;
  for (Layer &layer : layers) {
    auto it = explicitRanks.find(layer.name);
    if (it == explicitRanks.end()) {
      free.push_back(&layer);
      continue;
    }
    SmallVector<int64_t> r = it->second;
    SmallVector<int64_t> maxRanks = layer.maxRanks();
    if (r.size() > maxRanks.size()) {
      layer.op->emitError("whittle-factorize: layer '")
          << layer.name << "' takes one rank (form " << formName(layer.form)
          << "), got " << r.size();
      return signalPassFailure();
    }
    if (r.size() < maxRanks.size())
      r.assign(maxRanks.size(), r[0]);
    for (size_t i = 0; i < r.size(); ++i)
      if (r[i] > maxRanks[i]) {
        InFlightDiagnostic diag = layer.op->emitError("whittle-factorize: ");
        diag << "rank " << r[i] << " for layer '" << layer.name << "' is ";
        diag << "larger than the "
             << (layer.isTucker()
                     ? (i == 0 ? "input-mode (R3) " : "output-mode (R4) ")
                     : "")
             << "maximum " << maxRanks[i];
        return signalPassFailure();
      }
    if (!layer.shrinks(r)) {
      layer.op->emitWarning("whittle-factorize: layer '")
          << layer.name << "' left alone: ranks "
          << llvm::join(llvm::map_range(
                            r, [](int64_t v) { return std::to_string(v); }),
                        ":")
          << " would not reduce both MACs (" << layer.macsBefore << " -> "
          << layer.macsAfter(r) << ") and parameters (" << layer.paramsBefore
          << " -> " << layer.paramsAfter(r) << ")";
      continue;
    }
    chosen[&layer] = r;
    fixed.push_back({&layer, r});
  }

  switch (rule.kind) {
  case RankRule::None:
    break;
  case RankRule::Energy:
  case RankRule::EVBMF:
    for (Layer *layer : free) {
      auto rankOf = [&](const Vector &spectrum, int64_t rows, int64_t cols) {
        if (rule.kind == RankRule::Energy)
          return lowrank::energyRank(spectrum, rule.fraction);
        return std::max<int64_t>(1, lowrank::evbmf(spectrum, rows, cols).rank);
      };
      SmallVector<int64_t> r;
      if (layer->isTucker())
        r = {rankOf(layer->inSpectrum, layer->s, layer->t * layer->d),
             rankOf(layer->outSpectrum, layer->t, layer->s * layer->d)};
      else
        r = {rankOf(layer->outSpectrum, layer->matrix.rows(),
                    layer->matrix.cols())};
      if (!layer->shrinks(r)) {
        layer->op->emitRemark("whittle-factorize: layer '")
            << layer->name << "' left alone: MACs " << layer->macsBefore
            << " -> " << layer->macsAfter(r) << ", parameters "
            << layer->paramsBefore << " -> " << layer->paramsAfter(r);
        continue;
      }
      chosen[layer] = r;
    }
    break;
  case RankRule::Budget:
    if (failed(
            chooseByBudget(free, fixed, rule.fraction, budgetOnParams, chosen)))
      return signalPassFailure();
    break;
  }

  // 3. Rewrite, in program order.
  for (Layer &layer : layers) {
    auto it = chosen.find(&layer);
    if (it != chosen.end())
      rewrite(layer, it->second);
  }
}

} // namespace
