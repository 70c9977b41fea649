//===- PlanMemory.cpp - temporaries at offsets of one workspace -----------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Buffer deallocation frees every temporary at the end of its block, so all
// of a model's activations are allocated at once: the ResNet-18 fixture at
// batch 2500 held 6.5 GB, and every run touched fresh pages. Here the
// temporaries of a model's entry become views of one workspace, at offsets
// chosen so that two buffers share bytes only when no operation of the
// entry uses both (their live ranges, in the order of its operations, are
// disjoint). Offsets are assigned largest buffer first, each at the lowest
// offset free during its live range (the greedy-by-size placement of
// TensorFlow Lite's arena planner).
//
// Only the entry: after whittle-outline-layers its operations are calls,
// whose buffer arguments are `noalias` where they are distinct buffers. In
// a loop nest, LLVM knows that two allocations do not overlap, but not two
// views of one workspace at different offsets, and could stop vectorizing.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/CPU/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/STLExtras.h"

namespace whittle {
#define GEN_PASS_DEF_PLANMEMORY
#include "whittle/Target/CPU/Passes.h.inc"
} // namespace whittle

using namespace mlir;

namespace {

/// The workspace's alignment and that of every buffer in it (bytes), as
/// the allocations the bufferization makes.
constexpr int64_t kAlignment = 64;

/// A temporary of a block: its allocation and deallocation there, its size
/// and the positions (in the block) of the first and last operations that
/// use it or a view of it.
struct Temporary {
  memref::AllocOp alloc;
  memref::DeallocOp dealloc;
  int64_t bytes = 0;
  unsigned first = 0, last = 0;
  int64_t offset = 0;
};

/// The size in bytes of a buffer of `type`, when it has a static shape, the
/// identity layout, the default memory space and whole bytes per element.
std::optional<int64_t> getStaticBytes(MemRefType type) {
  if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
      type.getMemorySpace() || !type.getElementType().isIntOrIndexOrFloat() ||
      type.getElementType().isIndex())
    return std::nullopt;
  unsigned bits = type.getElementTypeBitWidth();
  if (bits % 8 != 0)
    return std::nullopt;
  return type.getNumElements() * (bits / 8);
}

/// `alloc` as a temporary of `block`, with the live range of it and its
/// views; nullopt when it is not one this pass can place: freed elsewhere
/// or more than once, unused, or used where it may escape (returned,
/// yielded, or passed to an operation that makes a memref of it other than
/// a view).
std::optional<Temporary>
analyze(memref::AllocOp alloc, Block &block,
        const llvm::DenseMap<Operation *, unsigned> &position) {
  std::optional<int64_t> bytes = getStaticBytes(alloc.getType());
  if (!bytes || !alloc.getDynamicSizes().empty() ||
      !alloc.getSymbolOperands().empty() ||
      alloc.getAlignment().value_or(1) > kAlignment)
    return std::nullopt;
  Temporary temporary;
  temporary.alloc = alloc;
  temporary.bytes = *bytes;
  bool used = false;
  SmallVector<Value> worklist{alloc.getResult()};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (auto dealloc = dyn_cast<memref::DeallocOp>(user)) {
        if (value != alloc.getResult() || temporary.dealloc ||
            dealloc->getBlock() != &block)
          return std::nullopt;
        temporary.dealloc = dealloc;
        continue;
      }
      auto view = dyn_cast<ViewLikeOpInterface>(user);
      if (view && view.getViewSource() == value) {
        worklist.append(user->result_begin(), user->result_end());
        continue;
      }
      if (user->hasTrait<OpTrait::IsTerminator>() ||
          llvm::any_of(user->getResultTypes(), llvm::IsaPred<BaseMemRefType>))
        return std::nullopt;
      Operation *ancestor = block.findAncestorOpInBlock(*user);
      if (!ancestor)
        return std::nullopt;
      unsigned at = position.lookup(ancestor);
      temporary.first = used ? std::min(temporary.first, at) : at;
      temporary.last = used ? std::max(temporary.last, at) : at;
      used = true;
    }
  }
  if (!used || !temporary.dealloc)
    return std::nullopt;
  return temporary;
}

/// Assigns every temporary its offset; returns the workspace's size.
int64_t assignOffsets(MutableArrayRef<Temporary> temporaries) {
  SmallVector<Temporary *> order;
  for (Temporary &temporary : temporaries)
    order.push_back(&temporary);
  llvm::stable_sort(order, [](const Temporary *a, const Temporary *b) {
    return a->bytes > b->bytes;
  });
  SmallVector<Temporary *> placed;
  int64_t size = 0;
  for (Temporary *temporary : order) {
    // The temporaries already placed that are live at the same time as
    // this one, by offset.
    SmallVector<Temporary *> overlapping;
    for (Temporary *other : placed)
      if (other->first <= temporary->last && temporary->first <= other->last)
        overlapping.push_back(other);
    llvm::sort(overlapping, [](const Temporary *a, const Temporary *b) {
      return a->offset < b->offset;
    });
    // The lowest aligned offset where it fits between them.
    int64_t offset = 0;
    for (Temporary *other : overlapping) {
      if (offset + temporary->bytes <= other->offset)
        break;
      offset = std::max<int64_t>(
          offset, llvm::alignTo(other->offset + other->bytes, kAlignment));
    }
    temporary->offset = offset;
    size = std::max(size, offset + temporary->bytes);
    placed.push_back(temporary);
  }
  return size;
}

/// The workspace of an entry function: a global of `size` bytes, taken
/// (when no other call of the function holds it) by an atomic exchange of
/// a flag at the start, and given back at the end; a call that finds it
/// taken (another thread runs the model) allocates its own. Later calls
/// then reuse the pages the first one touched, which matters once the
/// workspace is too large for malloc to keep (glibc maps blocks over 32
/// MiB afresh, and every run paid for their page faults).
struct PersistentWorkspace {
  /// The workspace this call uses, whether it took the global one, and the
  /// flag that says the global one is taken.
  Value workspace, taken, flag;
};

PersistentWorkspace createPersistentWorkspace(OpBuilder &builder, Location loc,
                                              MemRefType workspaceType,
                                              func::FuncOp func,
                                              SymbolTable &symbols) {
  OpBuilder moduleBuilder(func);
  auto flagType = MemRefType::get({1}, moduleBuilder.getI32Type());
  std::string base = ("__whittle_workspace_" + func.getSymName()).str();
  auto global = memref::GlobalOp::create(
      moduleBuilder, loc, base, moduleBuilder.getStringAttr("private"),
      workspaceType, moduleBuilder.getUnitAttr(), /*constant=*/false,
      moduleBuilder.getI64IntegerAttr(kAlignment));
  symbols.insert(global);
  auto flag = memref::GlobalOp::create(
      moduleBuilder, loc, base + "_taken",
      moduleBuilder.getStringAttr("private"), flagType,
      DenseElementsAttr::get(
          RankedTensorType::get({1}, moduleBuilder.getI32Type()),
          moduleBuilder.getI32IntegerAttr(0)),
      /*constant=*/false, IntegerAttr());
  symbols.insert(flag);

  Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
  Value one = arith::ConstantIntOp::create(builder, loc, 1, 32);
  Value flagBuffer =
      memref::GetGlobalOp::create(builder, loc, flagType, flag.getSymName());
  Value previous =
      memref::AtomicRMWOp::create(builder, loc, arith::AtomicRMWKind::assign,
                                  one, flagBuffer, ValueRange{zero});
  Value taken =
      arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq, previous,
                            arith::ConstantIntOp::create(builder, loc, 0, 32));
  auto choice = scf::IfOp::create(builder, loc, TypeRange{workspaceType}, taken,
                                  /*withElseRegion=*/true);
  {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(choice.thenBlock());
    Value shared = memref::GetGlobalOp::create(builder, loc, workspaceType,
                                               global.getSymName());
    scf::YieldOp::create(builder, loc, shared);
    builder.setInsertionPointToStart(choice.elseBlock());
    Value own = memref::AllocOp::create(builder, loc, workspaceType,
                                        builder.getI64IntegerAttr(kAlignment));
    scf::YieldOp::create(builder, loc, own);
  }
  return {choice.getResult(0), taken, flagBuffer};
}

/// Gives back the persistent workspace or frees this call's own.
void releasePersistentWorkspace(OpBuilder &builder, Location loc,
                                const PersistentWorkspace &workspace) {
  auto choice = scf::IfOp::create(builder, loc, TypeRange{}, workspace.taken,
                                  /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(choice.thenBlock());
  memref::AtomicRMWOp::create(
      builder, loc, arith::AtomicRMWKind::assign,
      arith::ConstantIntOp::create(builder, loc, 0, 32), workspace.flag,
      ValueRange{arith::ConstantIndexOp::create(builder, loc, 0)});
  builder.setInsertionPointToStart(choice.elseBlock());
  memref::DeallocOp::create(builder, loc, workspace.workspace);
}

/// Places the temporaries of the body of `func` (a public function, whose
/// body is one block) in one workspace made at its start and released where
/// the last of them was freed: a persistent one (global) when it is at most
/// `maxPersistentBytes`, else an allocation. Returns the bytes of the
/// global it made.
int64_t planBody(func::FuncOp func, int64_t maxPersistentBytes,
                 SymbolTable &symbols) {
  Block &block = func.getBody().front();
  llvm::DenseMap<Operation *, unsigned> position;
  SmallVector<memref::AllocOp> allocs;
  for (auto [index, op] : llvm::enumerate(block)) {
    position[&op] = index;
    if (auto alloc = dyn_cast<memref::AllocOp>(op))
      allocs.push_back(alloc);
  }
  SmallVector<Temporary> temporaries;
  for (memref::AllocOp alloc : allocs)
    if (std::optional<Temporary> temporary = analyze(alloc, block, position))
      temporaries.push_back(*temporary);
  if (temporaries.empty())
    return 0;
  int64_t size = assignOffsets(temporaries);

  OpBuilder builder(&block, block.begin());
  Location loc = temporaries.front().alloc.getLoc();
  auto workspaceType = MemRefType::get({size}, builder.getI8Type());
  std::optional<PersistentWorkspace> persistent;
  Value workspace;
  if (size <= maxPersistentBytes) {
    persistent =
        createPersistentWorkspace(builder, loc, workspaceType, func, symbols);
    workspace = persistent->workspace;
  } else {
    workspace = memref::AllocOp::create(builder, loc, workspaceType,
                                        builder.getI64IntegerAttr(kAlignment));
  }
  memref::DeallocOp lastDealloc;
  for (Temporary &temporary : temporaries) {
    builder.setInsertionPoint(temporary.alloc);
    Value offset = arith::ConstantIndexOp::create(
        builder, temporary.alloc.getLoc(), temporary.offset);
    Value view = memref::ViewOp::create(builder, temporary.alloc.getLoc(),
                                        temporary.alloc.getType(), workspace,
                                        offset, ValueRange());
    temporary.alloc.getResult().replaceAllUsesWith(view);
    temporary.alloc.erase();
    if (!lastDealloc || lastDealloc->isBeforeInBlock(temporary.dealloc))
      lastDealloc = temporary.dealloc;
  }
  builder.setInsertionPoint(lastDealloc);
  if (persistent)
    releasePersistentWorkspace(builder, lastDealloc.getLoc(), *persistent);
  else
    memref::DeallocOp::create(builder, lastDealloc.getLoc(), workspace);
  for (Temporary &temporary : temporaries)
    temporary.dealloc.erase();
  return persistent ? size : 0;
}

struct PlanMemoryPass : whittle::impl::PlanMemoryBase<PlanMemoryPass> {
  using PlanMemoryBase::PlanMemoryBase;

  void runOnOperation() override {
    SymbolTable symbols(getOperation());
    SmallVector<func::FuncOp> entries;
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal() && func.getBody().hasOneBlock())
        entries.push_back(func);
    // Code addresses its module's globals within 2 GiB (the default code
    // model), so a workspace is kept as a global only while the module's
    // data stays under 1.5 GiB with it.
    int64_t dataBytes = 0;
    for (auto global : getOperation().getOps<memref::GlobalOp>())
      dataBytes += getStaticBytes(global.getType()).value_or(0);
    int64_t budget =
        std::min<int64_t>(maxPersistentBytes, (int64_t(3) << 29) - dataBytes);
    for (func::FuncOp func : entries)
      budget -= planBody(func, budget, symbols);
  }
};

} // namespace
