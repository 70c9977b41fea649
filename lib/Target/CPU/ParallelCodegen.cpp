//===- ParallelCodegen.cpp - optimize and compile on every core -----------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/CPU/ParallelCodegen.h"
#include "whittle/Target/CPU/TargetMachine.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/SmallVectorMemoryBuffer.h"
#include "llvm/Support/Threading.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Transforms/Utils/SplitModule.h"

#include <mutex>
#include <thread>

using namespace llvm;

namespace whittle {

unsigned getDefaultThreadCount() {
  return std::max(1u, llvm::hardware_concurrency().compute_thread_count());
}

/// Optimizes and compiles one module into an object file in memory.
static Expected<std::unique_ptr<MemoryBuffer>>
compileOne(Module &module, const TargetMachineFactory &createMachine,
           StringRef name) {
  Expected<std::unique_ptr<TargetMachine>> machine = createMachine();
  if (!machine)
    return machine.takeError();
  module.setDataLayout((*machine)->createDataLayout());
  module.setTargetTriple((*machine)->getTargetTriple());
  SmallVector<char, 0> bytes;
  raw_svector_ostream os(bytes);
  if (Error error = compileToObject(module, **machine, os))
    return error;
  return std::make_unique<SmallVectorMemoryBuffer>(
      std::move(bytes), name, /*RequiresNullTerminator=*/false);
}

Expected<std::vector<std::unique_ptr<MemoryBuffer>>>
compileInParallel(std::unique_ptr<Module> module,
                  const TargetMachineFactory &createMachine, unsigned parts) {
  if (parts == 0)
    parts = getDefaultThreadCount();
  unsigned definitions = 0;
  for (Function &function : *module)
    definitions += !function.isDeclaration();
  parts = std::max(1u, std::min(parts, definitions));

  std::vector<std::unique_ptr<MemoryBuffer>> objects;
  if (parts == 1) {
    auto object = compileOne(*module, createMachine, "whittle-model-0.o");
    if (!object)
      return object.takeError();
    objects.push_back(std::move(*object));
    return objects;
  }

  // Each part crosses to its thread as bitcode: an LLVMContext is not
  // thread-safe, so every thread reads its part into a context of its own.
  // Functions the parts share become external (PreserveLocals = false);
  // round-robin balances the layers between the parts.
  std::vector<SmallVector<char, 0>> bitcode;
  SplitModule(
      *module, parts,
      [&](std::unique_ptr<Module> part) {
        SmallVector<char, 0> &bytes = bitcode.emplace_back();
        raw_svector_ostream os(bytes);
        WriteBitcodeToFile(*part, os);
      },
      /*PreserveLocals=*/false, /*RoundRobin=*/true);
  module.reset();

  objects.resize(bitcode.size());
  std::vector<Error> errors;
  std::mutex errorsMutex;
  auto work = [&](size_t index) {
    LLVMContext context;
    auto fail = [&](Error error) {
      std::lock_guard<std::mutex> lock(errorsMutex);
      errors.push_back(std::move(error));
    };
    Expected<std::unique_ptr<Module>> part = parseBitcodeFile(
        MemoryBufferRef(StringRef(bitcode[index].data(), bitcode[index].size()),
                        "part"),
        context);
    if (!part)
      return fail(part.takeError());
    auto object = compileOne(**part, createMachine,
                             ("whittle-model-" + Twine(index) + ".o").str());
    if (!object)
      return fail(object.takeError());
    objects[index] = std::move(*object);
  };
  std::vector<std::thread> threads;
  for (size_t index = 1; index < bitcode.size(); ++index)
    threads.emplace_back(work, index);
  work(0);
  for (std::thread &thread : threads)
    thread.join();
  Error all = Error::success();
  for (Error &error : errors)
    all = joinErrors(std::move(all), std::move(error));
  if (all)
    return all;
  return objects;
}

} // namespace whittle
