//===- ParallelizeLoops.cpp - loops whose iterations touch disjoint data --===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Multi-threaded execution. In each function, the outermost loop of a loop
// nest with enough work whose iterations provably touch disjoint parts of
// every buffer the loop writes becomes an scf.parallel; the OpenMP
// conversion hands its iterations to the runtime's threads. The iterations
// compute exactly what they computed in sequence, so the results are the
// same bits for any number of threads.
//
// The proof: every access to a buffer the loop writes must lie, along one
// dimension of the buffer, in a window that moves with the induction
// variable and is narrower than the distance between two iterations
// (index = a * iv + c, with the same a > 0 for all of them and c between
// two constants less than a * step apart; inner loops' variables
// contribute their ranges). Accesses are
// memref.load/store, vector transfers and vector.load/store, through
// subviews, collapses and expansions; buffers allocated inside the loop are
// private to an iteration.
// Anything else that touches memory (a call, a view the analysis does not
// follow, an unknown op) keeps the loop sequential.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/CPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/SetVector.h"

namespace whittle {
#define GEN_PASS_DEF_PARALLELIZELOOPS
#include "whittle/Target/CPU/Passes.h.inc"
} // namespace whittle

using namespace mlir;

namespace {

/// An index as a sum of loop variables times constants plus a constant.
struct LinearIndex {
  SmallVector<std::pair<Value, int64_t>, 4> terms;
  int64_t constant = 0;

  void add(const LinearIndex &other, int64_t scale) {
    for (auto [variable, coefficient] : other.terms) {
      auto *term = llvm::find_if(
          terms, [&](const auto &term) { return term.first == variable; });
      if (term == terms.end())
        terms.emplace_back(variable, coefficient * scale);
      else
        term->second += coefficient * scale;
    }
    constant += other.constant * scale;
  }
};

/// The trip count of `loop` and the first and last value of its variable,
/// when its bounds are constants.
struct LoopRange {
  int64_t first, last, trips;
};

std::optional<LoopRange> getLoopRange(scf::ForOp loop) {
  std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound());
  std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound());
  std::optional<int64_t> step = getConstantIntValue(loop.getStep());
  if (!lb || !ub || !step || *step <= 0)
    return std::nullopt;
  if (*ub <= *lb)
    return LoopRange{*lb, *lb, 0};
  int64_t trips = llvm::divideCeil(*ub - *lb, *step);
  return LoopRange{*lb, *lb + (trips - 1) * *step, trips};
}

/// The product of two LinearIndex values, or nothing when neither is a
/// constant.
std::optional<LinearIndex> multiply(const LinearIndex &lhs,
                                    const LinearIndex &rhs) {
  if (!lhs.terms.empty() && !rhs.terms.empty())
    return std::nullopt;
  const LinearIndex &factor = lhs.terms.empty() ? lhs : rhs;
  const LinearIndex &other = lhs.terms.empty() ? rhs : lhs;
  LinearIndex result;
  result.add(other, factor.constant);
  return result;
}

/// `value` as a LinearIndex of loop variables, or nothing when it is not
/// an affine function of constants and scf.for variables.
std::optional<LinearIndex> decompose(Value value);

std::optional<LinearIndex> decomposeExpr(AffineExpr expr, ValueRange dims,
                                         ValueRange symbols) {
  if (auto constant = dyn_cast<AffineConstantExpr>(expr)) {
    LinearIndex result;
    result.constant = constant.getValue();
    return result;
  }
  if (auto dim = dyn_cast<AffineDimExpr>(expr))
    return decompose(dims[dim.getPosition()]);
  if (auto symbol = dyn_cast<AffineSymbolExpr>(expr))
    return decompose(symbols[symbol.getPosition()]);
  auto binary = cast<AffineBinaryOpExpr>(expr);
  std::optional<LinearIndex> lhs =
      decomposeExpr(binary.getLHS(), dims, symbols);
  std::optional<LinearIndex> rhs =
      decomposeExpr(binary.getRHS(), dims, symbols);
  if (!lhs || !rhs)
    return std::nullopt;
  if (expr.getKind() == AffineExprKind::Add) {
    lhs->add(*rhs, 1);
    return lhs;
  }
  if (expr.getKind() == AffineExprKind::Mul)
    return multiply(*lhs, *rhs);
  return std::nullopt;
}

std::optional<LinearIndex> decompose(Value value) {
  if (std::optional<int64_t> constant = getConstantIntValue(value)) {
    LinearIndex result;
    result.constant = *constant;
    return result;
  }
  if (auto argument = dyn_cast<BlockArgument>(value)) {
    auto loop = dyn_cast<scf::ForOp>(argument.getOwner()->getParentOp());
    if (!loop || argument != loop.getInductionVar())
      return std::nullopt;
    LinearIndex result;
    result.terms.emplace_back(value, 1);
    return result;
  }
  Operation *def = value.getDefiningOp();
  if (auto apply = dyn_cast<affine::AffineApplyOp>(def)) {
    AffineMap map = apply.getAffineMap();
    return decomposeExpr(map.getResult(0),
                         apply.getMapOperands().take_front(map.getNumDims()),
                         apply.getMapOperands().drop_front(map.getNumDims()));
  }
  if (isa<arith::AddIOp, arith::SubIOp, arith::MulIOp>(def)) {
    std::optional<LinearIndex> lhs = decompose(def->getOperand(0));
    std::optional<LinearIndex> rhs = decompose(def->getOperand(1));
    if (!lhs || !rhs)
      return std::nullopt;
    if (isa<arith::AddIOp, arith::SubIOp>(def)) {
      lhs->add(*rhs, isa<arith::AddIOp>(def) ? 1 : -1);
      return lhs;
    }
    return multiply(*lhs, *rhs);
  }
  return std::nullopt;
}

/// One access to memory: the buffer it reaches through views, and per
/// dimension of that buffer the index of its first element and the number
/// of elements it spans.
struct Access {
  Value root;
  SmallVector<std::optional<LinearIndex>, 4> first;
  SmallVector<int64_t> span;
  bool write;
};

/// `access` followed through subviews, casts and reshapes to the buffer
/// they view, or nothing when a view is one this analysis does not follow.
std::optional<Access> makeAccess(Access access) {
  while (Operation *def = access.root.getDefiningOp()) {
    if (auto cast = dyn_cast<memref::CastOp>(def)) {
      access.root = cast.getSource();
      continue;
    }
    // A collapsed group of dimensions hides which of its source dimensions
    // an index reaches; dimensions left alone keep theirs, and so does the
    // one dimension of a group whose others all have one element (a
    // channel strip of one vector merged with the batch: [1, 1] -> [1]).
    if (auto collapse = dyn_cast<memref::CollapseShapeOp>(def)) {
      ArrayRef<int64_t> shape = collapse.getSrcType().getShape();
      SmallVector<std::optional<LinearIndex>, 4> first;
      SmallVector<int64_t> span;
      for (auto [i, group] :
           llvm::enumerate(collapse.getReassociationIndices())) {
        SmallVector<int64_t> wide = llvm::filter_to_vector(
            group, [&](int64_t dim) { return shape[dim] != 1; });
        int64_t carrier = wide.size() == 1 ? wide.front()
                          : wide.empty()   ? group.back()
                                           : -1;
        for (int64_t dim : group) {
          if (dim == carrier) {
            first.push_back(access.first[i]);
            span.push_back(access.span[i]);
          } else if (carrier >= 0) {
            first.push_back(LinearIndex());
            span.push_back(1);
          } else {
            first.push_back(std::nullopt);
            span.push_back(1);
          }
        }
      }
      access = Access{collapse.getSrc(), std::move(first), std::move(span),
                      access.write};
      continue;
    }
    // An expanded group is one source dimension: its index is the group's
    // row-major linearization.
    if (auto expand = dyn_cast<memref::ExpandShapeOp>(def)) {
      ArrayRef<int64_t> shape = expand.getResultType().getShape();
      SmallVector<std::optional<LinearIndex>, 4> first;
      SmallVector<int64_t> span;
      for (ReassociationIndices group : expand.getReassociationIndices()) {
        std::optional<LinearIndex> index = LinearIndex();
        int64_t stride = 1, extent = 1;
        for (int64_t dim : llvm::reverse(group)) {
          if (!access.first[dim] || ShapedType::isDynamic(shape[dim]))
            index = std::nullopt;
          else if (index)
            index->add(*access.first[dim], stride);
          extent += (access.span[dim] - 1) * stride;
          stride *= shape[dim];
        }
        first.push_back(index);
        span.push_back(extent);
      }
      access = Access{expand.getSrc(), std::move(first), std::move(span),
                      access.write};
      continue;
    }
    auto subview = dyn_cast<memref::SubViewOp>(def);
    if (!subview)
      break;
    if (subview.getSourceType().getRank() != subview.getType().getRank())
      return std::nullopt;
    for (auto [i, offset, stride] : llvm::enumerate(
             subview.getMixedOffsets(), subview.getStaticStrides())) {
      if (ShapedType::isDynamic(stride))
        return std::nullopt;
      if (!access.first[i])
        continue;
      std::optional<LinearIndex> base;
      if (std::optional<int64_t> constant = getConstantIntValue(offset)) {
        base = LinearIndex();
        base->constant = *constant;
      } else {
        base = decompose(cast<Value>(offset));
      }
      if (!base)
        return std::nullopt;
      base->add(*access.first[i], stride);
      access.first[i] = base;
      access.span[i] = (access.span[i] - 1) * stride + 1;
    }
    access.root = subview.getSource();
  }
  return access;
}

/// The access of `indices` spanning `span` elements of `memref`, followed
/// to its buffer.
std::optional<Access> makeAccess(Value memref, ValueRange indices,
                                 ArrayRef<int64_t> span, bool write) {
  Access access{memref, {}, SmallVector<int64_t>(span), write};
  for (Value index : indices)
    access.first.push_back(decompose(index));
  return makeAccess(std::move(access));
}

/// The elements a vector transfer spans along each dimension of its
/// buffer.
SmallVector<int64_t> getTransferSpan(VectorTransferOpInterface transfer) {
  auto shaped = cast<ShapedType>(transfer.getShapedType());
  SmallVector<int64_t> span(shaped.getRank(), 1);
  AffineMap map = transfer.getPermutationMap();
  for (auto [result, size] :
       llvm::zip_equal(map.getResults(), transfer.getVectorType().getShape()))
    if (auto dim = dyn_cast<AffineDimExpr>(result))
      span[dim.getPosition()] = size;
  return span;
}

/// The loop being analyzed: its variable, step, and the buffers it
/// allocates itself (private to each iteration).
class IterationAnalysis {
public:
  explicit IterationAnalysis(scf::ForOp loop) : loop(loop) {}

  /// Whether different iterations of the loop touch disjoint data in every
  /// buffer the loop writes.
  bool isParallel();

private:
  bool collect(Operation *op);
  bool isPrivate(Value root) const {
    Operation *def = root.getDefiningOp();
    return def && loop->isProperAncestor(def);
  }
  /// `index` (spanning `span` elements) as `scale * iv + [lo, hi]` over
  /// every iteration of the loops inside, or nothing when it is not a
  /// positive multiple of `iv` plus a bounded offset.
  struct Window {
    int64_t scale, lo, hi;
  };
  std::optional<Window> getWindow(const LinearIndex &index, int64_t span) const;

  mutable scf::ForOp loop;
  SmallVector<Access, 0> accesses;
};

bool IterationAnalysis::collect(Operation *op) {
  auto add = [&](Value memref, ValueRange indices, ArrayRef<int64_t> span,
                 bool write) {
    std::optional<Access> access = makeAccess(memref, indices, span, write);
    if (!access)
      return false;
    accesses.push_back(std::move(*access));
    return true;
  };
  if (auto load = dyn_cast<memref::LoadOp>(op))
    return add(load.getMemRef(), load.getIndices(),
               SmallVector<int64_t>(load.getIndices().size(), 1), false);
  if (auto store = dyn_cast<memref::StoreOp>(op))
    return add(store.getMemRef(), store.getIndices(),
               SmallVector<int64_t>(store.getIndices().size(), 1), true);
  if (auto transfer = dyn_cast<VectorTransferOpInterface>(op)) {
    if (!isa<MemRefType>(transfer.getShapedType()))
      return true;
    return add(transfer.getBase(), transfer.getIndices(),
               getTransferSpan(transfer), isa<vector::TransferWriteOp>(op));
  }
  if (isa<vector::LoadOp, vector::StoreOp>(op)) {
    auto load = dyn_cast<vector::LoadOp>(op);
    auto store = dyn_cast<vector::StoreOp>(op);
    Value base = load ? load.getBase() : store.getBase();
    ValueRange indices = load ? load.getIndices() : store.getIndices();
    VectorType type = load ? load.getVectorType() : store.getVectorType();
    SmallVector<int64_t> span(indices.size(), 1);
    ArrayRef<int64_t> shape = type.getShape();
    for (auto [i, size] : llvm::enumerate(llvm::reverse(shape)))
      span[span.size() - 1 - i] = size;
    return add(base, indices, span, static_cast<bool>(store));
  }
  // A copy reads and writes whole (static) buffers.
  if (auto copy = dyn_cast<memref::CopyOp>(op)) {
    for (auto [buffer, write] : {std::pair{copy.getSource(), false},
                                 std::pair{copy.getTarget(), true}}) {
      auto type = cast<MemRefType>(buffer.getType());
      if (!type.hasStaticShape())
        return false;
      std::optional<Access> access =
          makeAccess(Access{buffer,
                            SmallVector<std::optional<LinearIndex>, 4>(
                                type.getRank(), LinearIndex()),
                            SmallVector<int64_t>(type.getShape()), write});
      if (!access)
        return false;
      accesses.push_back(std::move(*access));
    }
    return true;
  }
  // Buffers the loop allocates and frees itself.
  if (isa<memref::AllocOp, memref::AllocaOp>(op))
    return true;
  if (auto dealloc = dyn_cast<memref::DeallocOp>(op))
    return isPrivate(dealloc.getMemref());
  // Views are followed at their uses.
  if (isa<memref::SubViewOp, memref::CastOp>(op))
    return true;
  // The x86 dot products: intrinsics on vector registers.
  if (auto call = dyn_cast<LLVM::CallIntrinsicOp>(op))
    return llvm::none_of(call->getOperandTypes(), [](Type type) {
      return isa<LLVM::LLVMPointerType, MemRefType>(type);
    });
  if (op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() || isPure(op))
    return true;
  return false;
}

std::optional<IterationAnalysis::Window>
IterationAnalysis::getWindow(const LinearIndex &index, int64_t span) const {
  Value iv = loop.getInductionVar();
  Window window{0, index.constant, index.constant + span - 1};
  for (auto [variable, coefficient] : index.terms) {
    if (coefficient == 0)
      continue;
    if (variable == iv) {
      window.scale = coefficient;
      continue;
    }
    // Another loop's variable: any value of its range.
    auto other = cast<scf::ForOp>(
        cast<BlockArgument>(variable).getOwner()->getParentOp());
    std::optional<LoopRange> range = getLoopRange(other);
    if (!range || range->trips == 0)
      return std::nullopt;
    int64_t a = coefficient * range->first, b = coefficient * range->last;
    window.lo += std::min(a, b);
    window.hi += std::max(a, b);
  }
  if (window.scale <= 0)
    return std::nullopt;
  return window;
}

bool IterationAnalysis::isParallel() {
  if (loop.getNumResults() != 0)
    return false;
  std::optional<int64_t> step = getConstantIntValue(loop.getStep());
  if (!step)
    return false;
  WalkResult walk = loop.getBody()->walk([&](Operation *op) {
    return collect(op) ? WalkResult::advance() : WalkResult::interrupt();
  });
  if (walk.wasInterrupted())
    return false;

  // The buffers the loop writes, other than its own.
  llvm::SetVector<Value> written;
  for (const Access &access : accesses)
    if (access.write && !isPrivate(access.root))
      written.insert(access.root);
  // A read through a view the analysis does not follow must not see a
  // buffer the loop writes.
  for (const Access &access : accesses) {
    Value source = access.root;
    while (auto view = source.getDefiningOp<ViewLikeOpInterface>())
      source = view.getViewSource();
    if (source != access.root && written.contains(source))
      return false;
  }
  for (Value root : written) {
    // A buffer the analysis cannot tell apart from another one.
    Operation *def = root.getDefiningOp();
    if (!isa<BlockArgument>(root) &&
        !isa_and_nonnull<memref::AllocOp, memref::AllocaOp,
                         memref::GetGlobalOp>(def))
      return false;
    // One dimension along which every access to it stays in the window of
    // its own iteration: all at `scale * iv` plus offsets that differ by
    // less than the distance between two iterations, `scale * step`.
    int64_t rank = cast<MemRefType>(root.getType()).getRank();
    bool separated = false;
    for (int64_t dim = 0; dim < rank && !separated; ++dim) {
      int64_t scale = 0;
      int64_t lo = std::numeric_limits<int64_t>::max();
      int64_t hi = std::numeric_limits<int64_t>::min();
      separated = true;
      for (const Access &access : accesses) {
        if (access.root != root)
          continue;
        std::optional<Window> window;
        if (access.first[dim])
          window = getWindow(*access.first[dim], access.span[dim]);
        if (!window || (scale != 0 && window->scale != scale)) {
          separated = false;
          break;
        }
        scale = window->scale;
        lo = std::min(lo, window->lo);
        hi = std::max(hi, window->hi);
      }
      separated = separated && hi - lo < scale * *step;
    }
    if (!separated)
      return false;
  }
  // A buffer the loop reads is either written by it (checked above) or
  // read-only in it; views of a written buffer that the analysis did not
  // follow were rejected when they were collected.
  return true;
}

/// The work in `op`: vector operations count by their elements.
int64_t estimateWork(Operation *op) {
  int64_t work = 0;
  for (Region &region : op->getRegions())
    for (Operation &inner : region.getOps())
      work += estimateWork(&inner);
  if (auto loop = dyn_cast<scf::ForOp>(op)) {
    std::optional<LoopRange> range = getLoopRange(loop);
    return range ? range->trips * work : work;
  }
  int64_t own = 1;
  for (Type type : op->getResultTypes())
    if (auto vector = dyn_cast<VectorType>(type))
      own = std::max<int64_t>(own, vector.getNumElements() / 8);
  return work + own;
}

/// `loop` as an scf.parallel with the same body.
void makeParallel(scf::ForOp loop) {
  OpBuilder builder(loop);
  auto parallel = scf::ParallelOp::create(
      builder, loop.getLoc(), ValueRange{loop.getLowerBound()},
      ValueRange{loop.getUpperBound()}, ValueRange{loop.getStep()});
  Block *body = parallel.getBody();
  body->getOperations().splice(body->begin(), loop.getBody()->getOperations(),
                               loop.getBody()->begin(),
                               std::prev(loop.getBody()->end()));
  loop.getInductionVar().replaceAllUsesWith(parallel.getInductionVars()[0]);
  loop.erase();
}

struct ParallelizeLoopsPass
    : whittle::impl::ParallelizeLoopsBase<ParallelizeLoopsPass> {
  using ParallelizeLoopsBase::ParallelizeLoopsBase;

  /// Makes the outermost loop of `loop`'s nest with at least `minTrips`
  /// iterations parallel (or `loop` itself when no inner one qualifies);
  /// returns whether it made one.
  bool visit(scf::ForOp loop) {
    if (estimateWork(loop) < minWork)
      return false;
    std::optional<LoopRange> range = getLoopRange(loop);
    bool candidate =
        range && range->trips >= 2 && IterationAnalysis(loop).isParallel();
    if (candidate && range->trips >= minTrips) {
      makeParallel(loop);
      return true;
    }
    bool inner = false;
    for (auto child :
         llvm::make_early_inc_range(loop.getBody()->getOps<scf::ForOp>()))
      inner |= visit(child);
    if (inner || !candidate)
      return inner;
    makeParallel(loop);
    return true;
  }

  void runOnOperation() override {
    for (Block &block : getOperation().getBody())
      for (auto loop : llvm::make_early_inc_range(block.getOps<scf::ForOp>()))
        visit(loop);
  }
};

} // namespace
