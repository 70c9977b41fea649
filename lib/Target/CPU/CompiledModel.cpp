//===- CompiledModel.cpp - a model compiled for this CPU ------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/CPU/CompiledModel.h"
#include "whittle/Target/CPU/CompileCache.h"
#include "whittle/Target/CPU/LowerModel.h"
#include "whittle/Target/CPU/ParallelCodegen.h"
#include "whittle/Target/CPU/TargetMachine.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/MathExtras.h"

#include <mutex>
#include <sys/resource.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <unistd.h>

using namespace mlir;

namespace whittle {

/// The most memory this process may use: the machine's physical memory, or
/// less under an address-space limit.
static uint64_t getUsableMemory() {
  uint64_t bytes = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) *
                   static_cast<uint64_t>(sysconf(_SC_PAGE_SIZE));
  struct rlimit limit;
  if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    bytes = std::min<uint64_t>(bytes, limit.rlim_cur);
  return bytes;
}

/// Refuses a model with a value larger than the memory it could run in: the
/// compiled code, or run(), would fail to allocate it and abort. Shapes come
/// from the model's file (a ConstantOfShape given 10^12 elements by an
/// initializer), so sizes are computed with overflow checks.
static LogicalResult checkValueSizes(ModuleOp module) {
  uint64_t usable = getUsableMemory();
  WalkResult walk = module.walk([&](Operation *op) {
    for (Value result : op->getResults()) {
      auto type = dyn_cast<RankedTensorType>(result.getType());
      if (!type || !type.hasStaticShape())
        continue;
      Type element = type.getElementType();
      int64_t bytes = element.isIntOrFloat()
                          ? (element.getIntOrFloatBitWidth() + 7) / 8
                          : 1;
      bool overflow = false;
      for (int64_t d : type.getShape())
        overflow |= llvm::MulOverflow(bytes, d, bytes);
      if (!overflow && static_cast<uint64_t>(bytes) <= usable)
        continue;
      InFlightDiagnostic diag = emitError(op->getLoc());
      if (auto name = dyn_cast<NameLoc>(op->getLoc()))
        diag << "node '" << name.getName().getValue() << "' ";
      diag << "(" << op->getName() << ") computes " << type << ": ";
      if (overflow)
        diag << "more bytes than a 64-bit size holds";
      else
        diag << bytes << " bytes, more than the " << (usable >> 20)
             << " MiB of memory this process can use";
      diag << "; check the shapes the model's inputs and constants give it";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

/// Adds `void __whittle_invoke_<entry>(void **buffers)`, which calls `entry`
/// with buffers[0], buffers[1], ...: a signature the host can call whatever the
/// number of inputs and outputs.
static void addInvokeFunction(llvm::Module &module, llvm::Function &entry) {
  llvm::LLVMContext &context = module.getContext();
  auto *pointer = llvm::PointerType::getUnqual(context);
  auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(context),
                                       {pointer}, /*isVarArg=*/false);
  auto *invoke =
      llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage,
                             "__whittle_invoke_" + entry.getName(), module);
  llvm::IRBuilder<> builder(llvm::BasicBlock::Create(context, "entry", invoke));
  llvm::SmallVector<llvm::Value *> arguments;
  for (auto [i, parameter] : llvm::enumerate(entry.args())) {
    llvm::Value *slot =
        builder.CreateConstGEP1_64(pointer, invoke->getArg(0), i);
    arguments.push_back(builder.CreateLoad(parameter.getType(), slot));
  }
  builder.CreateCall(&entry, arguments);
  builder.CreateRetVoid();
}

/// Links `objects` into a new JIT with the weights at their addresses and
/// returns the JIT and the address of `invokeName`.
static llvm::Expected<
    std::pair<std::unique_ptr<llvm::orc::LLJIT>, void (*)(void **)>>
link(ArrayRef<std::unique_ptr<llvm::MemoryBuffer>> objects,
     ArrayRef<ExternalConstant> constants, StringRef invokeName) {
  auto jit = llvm::orc::LLJITBuilder().create();
  if (!jit)
    return jit.takeError();
  llvm::orc::SymbolMap symbols;
  for (const ExternalConstant &constant : constants)
    symbols[(*jit)->mangleAndIntern(constant.symbol)] = {
        llvm::orc::ExecutorAddr::fromPtr(constant.bytes.data()),
        llvm::JITSymbolFlags::Exported};
  if (llvm::Error error = (*jit)->getMainJITDylib().define(
          llvm::orc::absoluteSymbols(std::move(symbols))))
    return error;
  for (const std::unique_ptr<llvm::MemoryBuffer> &object : objects)
    if (llvm::Error error =
            (*jit)->addObjectFile(llvm::MemoryBuffer::getMemBufferCopy(
                object->getBuffer(), object->getBufferIdentifier())))
      return error;
  // Link now, not on the first run.
  auto address = (*jit)->lookup(invokeName);
  if (!address)
    return address.takeError();
  return std::make_pair(std::move(*jit), address->toPtr<void (*)(void **)>());
}

/// The compiled code allocates its temporaries with malloc and frees them
/// before it returns. glibc serves blocks above its mmap threshold (128 KiB
/// until a freed mapping raises it) with fresh mappings, so every run paid
/// for page faults and zeroing of every large temporary: MobileNetV2 at
/// 224x224 ran in 21 or 55 ms depending on what the process had freed
/// before. Blocks up to glibc's largest threshold (32 MiB) now come from the
/// heap, and freed memory stays there for the next run.
static void keepTemporariesInHeap() {
#ifdef __GLIBC__
  static std::once_flag once;
  std::call_once(once, [] {
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
  });
#endif
}

std::unique_ptr<CompiledModel> CompiledModel::compile(ModuleOp module,
                                                      StringRef entry) {
  if (failed(checkValueSizes(module)))
    return nullptr;
  keepTemporariesInHeap();
  auto createMachine = [] {
    return createTargetMachine(TargetSpec(), CodeUse::JIT);
  };
  auto hostMachine = createMachine();
  if (!hostMachine) {
    module.emitError() << "cannot create a target machine for this CPU: "
                       << llvm::toString(hostMachine.takeError());
    return nullptr;
  }
  auto signature = getSignature(module, entry);
  if (!signature)
    return nullptr;
  std::unique_ptr<CompiledModel> model(new CompiledModel);
  model->inputs = std::move(signature->first);
  model->outputs = std::move(signature->second);
  std::string invokeName = ("__whittle_invoke_" + entry).str();

  std::string cacheDirectory = getCompileCacheDirectory(), key;
  if (!cacheDirectory.empty())
    key = getCompileCacheKey(module, entry, **hostMachine);
  if (std::optional<CachedModel> cached =
          loadCachedModel(cacheDirectory, key)) {
    auto linked = link(cached->objects, cached->constants, invokeName);
    if (linked) {
      std::tie(model->jit, model->invoke) = std::move(*linked);
      model->cachedWeights = std::move(cached->constantBytes);
      model->fromCache = true;
      return model;
    }
    // A damaged entry: compile as if it were not there, and replace it.
    llvm::consumeError(linked.takeError());
    removeCachedModel(cacheDirectory, key);
  }

  // "auto": the host's best, unless WHITTLE_INT8_KERNEL forces one.
  std::optional<LoweredModel> lowered = lowerModel(module, entry, "auto");
  if (!lowered)
    return nullptr;
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext);
  if (!llvmModule) {
    module.emitError() << "cannot translate the model to LLVM IR";
    return nullptr;
  }
  llvmModule->setDataLayout((*hostMachine)->createDataLayout());
  llvmModule->setTargetTriple((*hostMachine)->getTargetTriple());
  addInvokeFunction(*llvmModule, *llvmModule->getFunction(entry));
  auto objects = compileInParallel(std::move(llvmModule), createMachine,
                                   /*parts=*/0);
  if (!objects) {
    module.emitError() << "compilation failed: "
                       << llvm::toString(objects.takeError());
    return nullptr;
  }
  // The code reads the weights where the context holds them.
  auto linked = link(*objects, lowered->constants, invokeName);
  if (!linked) {
    module.emitError() << "JIT linking failed: "
                       << llvm::toString(linked.takeError());
    return nullptr;
  }
  std::tie(model->jit, model->invoke) = std::move(*linked);
  storeCachedModel(cacheDirectory, key, *objects, lowered->constants);
  return model;
}

CompiledModel::~CompiledModel() = default;

// The OpenMP runtime's API (omp.h, which ships with clang rather than in a
// path every compiler searches).
extern "C" void omp_set_num_threads(int);
extern "C" int omp_get_max_threads(void);

unsigned CompiledModel::getDefaultThreads() { return omp_get_max_threads(); }

llvm::Error CompiledModel::runRaw(ArrayRef<void *> buffers) {
  SmallVector<void *> pointers(buffers.begin(), buffers.end());
  // The setting belongs to the calling thread: models run from several
  // threads each get their own count.
  if (threads != 0)
    omp_set_num_threads(threads);
  invoke(pointers.data());
  return llvm::Error::success();
}

llvm::Error CompiledModel::run(ArrayRef<HostTensor> inputTensors,
                               std::vector<HostTensor> &outputTensors) {
  SmallVector<void *> buffers;
  for (const HostTensor &tensor : inputTensors)
    buffers.push_back(const_cast<char *>(tensor.data.data()));
  outputTensors.resize(outputs.size());
  for (auto [spec, tensor] : llvm::zip(outputs, outputTensors)) {
    tensor.name = spec.name;
    tensor.dataType = spec.dataType;
    tensor.shape = spec.shape;
    tensor.data.assign(spec.getByteSize(), 0);
    buffers.push_back(tensor.data.data());
  }
  return runRaw(buffers);
}

} // namespace whittle
