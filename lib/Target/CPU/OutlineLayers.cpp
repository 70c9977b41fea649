//===- OutlineLayers.cpp - one function per loop nest ---------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// LLVM's per-function analyses (ScalarEvolution above all, and the register
// allocator) cost more than linearly in the size of a function, and a whole
// model lowered into one function is thousands of loops. Each top-level loop
// nest of a function on buffers becomes a function of its own, so that
// compile time grows linearly with the model and the parts can be compiled
// in parallel.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/CPU/BufferAliasing.h"
#include "whittle/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"

namespace whittle {
#define GEN_PASS_DEF_OUTLINEITERATIONS
#define GEN_PASS_DEF_OUTLINELAYERS
#include "whittle/Target/CPU/Passes.h.inc"
} // namespace whittle

using namespace mlir;

namespace {

/// Values an outlined function recomputes instead of taking them as
/// arguments: constants. The addresses of globals (weights) are arguments,
/// so that layers of the same shape become the same function.
bool isRematerializable(Value value) {
  Operation *def = value.getDefiningOp();
  return def && def->getNumOperands() == 0 && def->getNumRegions() == 0 &&
         def->hasTrait<OpTrait::ConstantLike>();
}

/// Whether a value can be a function argument under the bare-pointer
/// calling convention the CPU pipeline uses: a memref then needs a static
/// shape, strides and offset (the callee rebuilds its descriptor from the
/// type).
bool isPassable(Value value) {
  auto memref = dyn_cast<MemRefType>(value.getType());
  if (!memref)
    return !isa<UnrankedMemRefType, TensorType>(value.getType());
  if (!memref.hasStaticShape())
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(memref.getStridesAndOffset(strides, offset)))
    return false;
  return !ShapedType::isDynamic(offset) &&
         llvm::none_of(strides, ShapedType::isDynamic);
}

/// Moves `op` into a new private function and calls it in its place;
/// returns null (and changes nothing) when a value it uses cannot be
/// passed.
func::FuncOp outline(Operation *op, StringRef baseName, SymbolTable &symbols) {
  llvm::SetVector<Value> captured(op->operand_begin(), op->operand_end());
  getUsedValuesDefinedAbove(op->getRegions(), captured);
  SmallVector<Value> arguments, recomputed;
  for (Value value : captured) {
    if (isRematerializable(value)) {
      recomputed.push_back(value);
      continue;
    }
    if (!isPassable(value))
      return nullptr;
    arguments.push_back(value);
  }

  OpBuilder builder(op->getParentOfType<func::FuncOp>());
  auto type = builder.getFunctionType(ValueRange(arguments).getTypes(), {});
  auto callee = func::FuncOp::create(builder, op->getLoc(), baseName, type);
  callee.setPrivate();
  // LLVM inlines a private function with one call back into its caller,
  // which would undo the point of outlining. The lowering to LLVM drops
  // func.func's own `no_inline` and keeps discardable attributes, so the
  // LLVM attribute is spelled out for it too.
  callee.setNoInline(true);
  callee->setAttr("passthrough",
                  builder.getArrayAttr({builder.getStringAttr("noinline")}));
  symbols.insert(callee);
  // Within the model's function LLVM saw every buffer come from its own
  // malloc; as arguments they are plain pointers, and without `noalias` a
  // store to the output may change the weights, so loads are repeated and
  // loops not vectorized (MobileNetV2 ran 2.5x slower). Buffers that cannot
  // overlap say so.
  SmallVector<Value> roots;
  for (Value value : arguments)
    roots.push_back(isa<MemRefType>(value.getType())
                        ? whittle::getRootBuffer(value)
                        : Value());
  for (auto [i, root] : llvm::enumerate(roots)) {
    if (!root)
      continue;
    bool distinct = llvm::all_of(llvm::enumerate(roots), [&](auto other) {
      return other.index() == i || !other.value() ||
             !whittle::mayAlias(root, other.value());
    });
    if (distinct)
      callee.setArgAttr(i, "llvm.noalias", builder.getUnitAttr());
  }

  IRMapping mapping;
  Block *body = callee.addEntryBlock();
  mapping.map(arguments, body->getArguments());
  builder.setInsertionPointToStart(body);
  for (Value value : recomputed)
    builder.clone(*value.getDefiningOp(), mapping);
  builder.clone(*op, mapping);
  func::ReturnOp::create(builder, op->getLoc());

  builder.setInsertionPoint(op);
  func::CallOp::create(builder, op->getLoc(), callee, arguments);
  op->erase();
  return callee;
}

/// The body of `func` as text without its name: equal for functions that
/// compute the same thing on their arguments.
std::string getBodyKey(func::FuncOp func) {
  std::string key;
  llvm::raw_string_ostream os(key);
  os << func.getFunctionType();
  if (ArrayAttr attributes = func.getAllArgAttrs())
    os << attributes;
  OpPrintingFlags flags;
  flags.printGenericOpForm().useLocalScope();
  func.getBody().front().walk([&](Operation *op) {
    if (op->getParentOp() == func.getOperation())
      op->print(os, flags);
  });
  return key;
}

/// Calls the first of each set of identical functions in `outlined` in
/// place of the others, and erases those.
void mergeIdentical(ModuleOp module, ArrayRef<func::FuncOp> outlined) {
  llvm::StringMap<func::FuncOp> first;
  DenseMap<Operation *, func::FuncOp> replacement;
  for (func::FuncOp func : outlined) {
    auto [it, inserted] = first.try_emplace(getBodyKey(func), func);
    if (!inserted)
      replacement[func] = it->second;
  }
  if (replacement.empty())
    return;
  module.walk([&](func::CallOp call) {
    Operation *callee =
        SymbolTable::lookupNearestSymbolFrom(call, call.getCalleeAttr());
    if (func::FuncOp target = replacement.lookup(callee))
      call.setCalleeAttr(FlatSymbolRefAttr::get(target.getSymNameAttr()));
  });
  for (auto &[duplicate, kept] : replacement)
    duplicate->erase();
}

/// Runs the parallel `loop` in one contiguous chunk of iterations per
/// thread, each chunk a call of a function holding the loop's body in a
/// sequential loop, and the whole loop as one call when the OpenMP runtime
/// has a single thread:
///
///   if (omp_get_max_threads() > 1)
///     scf.parallel (t) = (0) to (min(threads, trips))   // OpenMP
///       body_chunk(..., lo(t), hi(t))
///   else
///     body_chunk(..., lb, ub)
///
/// The OpenMP lowering passes a parallel region's buffers to its threads
/// through a struct of pointers, where LLVM no longer sees that they
/// cannot overlap (it repeated loads and stopped vectorizing an im2col
/// copy: the ResNet-18 fixture ran 19% slower on one thread); as the
/// arguments of a function they are `noalias` again. A call per chunk, not
/// per iteration, leaves LLVM the loop to optimize as before, and one
/// thread pays neither calls nor the runtime's bookkeeping of a region.
/// Returns the function, or null (and changes nothing) when the loop's
/// bounds are not constants or a value it uses cannot be passed.
func::FuncOp outlineChunks(scf::ParallelOp loop, StringRef baseName,
                           SymbolTable &symbols, func::FuncOp maxThreads) {
  std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound()[0]);
  std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound()[0]);
  std::optional<int64_t> step = getConstantIntValue(loop.getStep()[0]);
  if (!lb || !ub || !step || *step <= 0 || *ub <= *lb)
    return nullptr;
  int64_t trips = llvm::divideCeil(*ub - *lb, *step);

  Location loc = loop.getLoc();
  OpBuilder builder(loop);
  auto index = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(builder, loc, value);
  };
  Value threads =
      func::CallOp::create(builder, loc, maxThreads, ValueRange()).getResult(0);
  Value many = arith::CmpIOp::create(
      builder, loc, arith::CmpIPredicate::sgt, threads,
      arith::ConstantIntOp::create(builder, loc, builder.getI32Type(), 1));
  auto choice = scf::IfOp::create(builder, loc, many, /*withElse=*/true);

  // Chunk t of `chunks` covers iterations [t * trips / chunks, (t + 1) *
  // trips / chunks).
  builder.setInsertionPointToStart(choice.thenBlock());
  Value chunks = arith::MinSIOp::create(
      builder, loc,
      arith::IndexCastOp::create(builder, loc, builder.getIndexType(), threads),
      index(trips));
  auto chunked =
      scf::ParallelOp::create(builder, loc, ValueRange{index(0)},
                              ValueRange{chunks}, ValueRange{index(1)});
  builder.setInsertionPointToStart(chunked.getBody());
  Value chunk = chunked.getInductionVars()[0];
  auto boundary = [&](Value number) -> Value {
    Value iteration = arith::DivUIOp::create(
        builder, loc, arith::MulIOp::create(builder, loc, number, index(trips)),
        chunks);
    return arith::AddIOp::create(
        builder, loc, index(*lb),
        arith::MulIOp::create(builder, loc, iteration, index(*step)));
  };
  Value lo = boundary(chunk);
  Value hi = boundary(arith::AddIOp::create(builder, loc, chunk, index(1)));
  auto sequential = scf::ForOp::create(builder, loc, lo, hi, index(*step));
  Block *body = sequential.getBody();
  body->getOperations().splice(body->begin(), loop.getBody()->getOperations(),
                               loop.getBody()->begin(),
                               std::prev(loop.getBody()->end()));
  loop.getInductionVars()[0].replaceAllUsesWith(sequential.getInductionVar());

  func::FuncOp callee = outline(sequential, baseName, symbols);
  if (!callee) {
    // Put the body back; the loop stays as it was.
    loop.getBody()->getOperations().splice(loop.getBody()->begin(),
                                           body->getOperations(), body->begin(),
                                           std::prev(body->end()));
    sequential.getInductionVar().replaceAllUsesWith(loop.getInductionVars()[0]);
    Operation *comparison = many.getDefiningOp();
    Operation *one = comparison->getOperand(1).getDefiningOp();
    choice.erase();
    comparison->erase();
    one->erase();
    threads.getDefiningOp()->erase();
    return nullptr;
  }
  // One thread: the whole range in one call.
  // outline() put the chunk's call where the sequential loop was.
  func::CallOp call = *chunked.getBody()->getOps<func::CallOp>().begin();
  builder.setInsertionPointToStart(choice.elseBlock());
  IRMapping mapping;
  mapping.map(lo, index(*lb));
  mapping.map(hi, index(*ub));
  builder.clone(*call, mapping);
  loop.erase();
  return callee;
}

struct OutlineLayersPass : whittle::impl::OutlineLayersBase<OutlineLayersPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<func::FuncOp> functions(module.getOps<func::FuncOp>());
    for (func::FuncOp func : functions) {
      if (func.isExternal() || func.getNoInline())
        continue;
      // Loop nests and structured ops at the top of the function; what is
      // nested stays with its parent.
      SmallVector<Operation *> nests;
      for (Block &block : func.getBody())
        for (Operation &op : block)
          if (op.getNumRegions() > 0 && op.getNumResults() == 0 &&
              !op.hasTrait<OpTrait::IsTerminator>())
            nests.push_back(&op);
      if (nests.size() < minNests)
        continue;
      std::string baseName = (func.getSymName() + "_layer").str();
      SmallVector<func::FuncOp> outlined;
      for (Operation *op : nests)
        if (func::FuncOp callee = outline(op, baseName, symbols))
          outlined.push_back(callee);
      // Layers of the same shape (the repeated blocks of a ResNet) are
      // compiled once.
      mergeIdentical(module, outlined);
    }
  }
};

struct OutlineIterationsPass
    : whittle::impl::OutlineIterationsBase<OutlineIterationsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<scf::ParallelOp> loops;
    module.walk([&](scf::ParallelOp loop) {
      if (loop.getNumLoops() == 1 && loop.getNumResults() == 0)
        loops.push_back(loop);
    });
    if (loops.empty())
      return;
    // The OpenMP runtime's thread count for the next parallel region.
    auto maxThreads = symbols.lookup<func::FuncOp>("omp_get_max_threads");
    if (!maxThreads) {
      OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
      maxThreads = func::FuncOp::create(
          builder, module.getLoc(), "omp_get_max_threads",
          builder.getFunctionType({}, {builder.getI32Type()}));
      maxThreads.setPrivate();
      symbols.insert(maxThreads);
    }
    SmallVector<func::FuncOp> outlined;
    for (scf::ParallelOp loop : loops) {
      auto parent = loop->getParentOfType<func::FuncOp>();
      std::string baseName = (parent.getSymName() + "_chunk").str();
      if (func::FuncOp callee =
              outlineChunks(loop, baseName, symbols, maxThreads))
        outlined.push_back(callee);
    }
    mergeIdentical(module, outlined);
  }
};
} // namespace
