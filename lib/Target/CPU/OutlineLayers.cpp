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

#include "whittle/Target/CPU/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
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

/// The buffer `value` is a view of: an allocation, a global, or an
/// argument of the enclosing function.
Value getRootBuffer(Value value) {
  while (auto view = value.getDefiningOp<ViewLikeOpInterface>())
    value = view.getViewSource();
  return value;
}

/// Whether two root buffers may be the same memory: the same value, the
/// same global, or two arguments of the enclosing function (the caller
/// may pass one buffer twice).
bool mayAlias(Value a, Value b) {
  if (a == b)
    return true;
  auto globalA = a.getDefiningOp<memref::GetGlobalOp>();
  auto globalB = b.getDefiningOp<memref::GetGlobalOp>();
  if (globalA && globalB)
    return globalA.getNameAttr() == globalB.getNameAttr();
  if (!isa<BlockArgument>(a) || !isa<BlockArgument>(b))
    return false;
  // Unless one of them is declared not to.
  auto isNoAlias = [](Value value) {
    auto argument = cast<BlockArgument>(value);
    auto func = dyn_cast<func::FuncOp>(argument.getOwner()->getParentOp());
    return func && func.getArgAttr(argument.getArgNumber(), "llvm.noalias");
  };
  return !isNoAlias(a) && !isNoAlias(b);
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
    roots.push_back(isa<MemRefType>(value.getType()) ? getRootBuffer(value)
                                                     : Value());
  for (auto [i, root] : llvm::enumerate(roots)) {
    if (!root)
      continue;
    bool distinct = llvm::all_of(llvm::enumerate(roots), [&](auto other) {
      return other.index() == i || !other.value() ||
             !mayAlias(root, other.value());
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

/// Moves the body of `loop` into a function called once per iteration
/// with the iteration's variables as arguments. The OpenMP lowering hands a
/// parallel loop's buffers to its threads through a struct of pointers, in
/// which LLVM no longer sees that they cannot overlap (an im2col copy was
/// no longer vectorized, and the ResNet-18 fixture ran 19% slower on one
/// thread); as the arguments of a function they are `noalias` again.
func::FuncOp outlineIteration(scf::ParallelOp loop, StringRef baseName,
                              SymbolTable &symbols) {
  Block *body = loop.getBody();
  OpBuilder builder(loop.getContext());
  builder.setInsertionPointToStart(body);
  auto iteration =
      scf::ExecuteRegionOp::create(builder, loop.getLoc(), TypeRange());
  Block *inner = builder.createBlock(&iteration.getRegion());
  inner->getOperations().splice(inner->begin(), body->getOperations(),
                                std::next(iteration->getIterator()),
                                std::prev(body->end()));
  builder.setInsertionPointToEnd(inner);
  scf::YieldOp::create(builder, loop.getLoc());
  return outline(iteration, baseName, symbols);
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
    module.walk([&](scf::ParallelOp loop) { loops.push_back(loop); });
    SmallVector<func::FuncOp> outlined;
    for (scf::ParallelOp loop : loops) {
      auto parent = loop->getParentOfType<func::FuncOp>();
      std::string baseName = (parent.getSymName() + "_iteration").str();
      if (func::FuncOp callee = outlineIteration(loop, baseName, symbols))
        outlined.push_back(callee);
    }
    mergeIdentical(module, outlined);
  }
};
} // namespace
