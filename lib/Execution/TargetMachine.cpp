//===- TargetMachine.cpp - the CPU compiled code is for -------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Execution/TargetMachine.h"

#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace llvm;

namespace whittle {

/// Whether `triple` names the CPU family this process runs on, so that the
/// host's CPU and features describe it.
static bool isHostTriple(StringRef triple) {
  return triple.empty() ||
         Triple(Triple::normalize(triple)) == Triple(sys::getProcessTriple());
}

/// Fails unless `cpu` is a CPU LLVM knows for `triple`: LLVM itself only
/// warns and compiles for a generic one.
static Error checkCPU(const Triple &triple, StringRef cpu) {
  std::string error;
  const Target *target = TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return createStringError(error);
  std::unique_ptr<MCSubtargetInfo> subtarget(
      target->createMCSubtargetInfo(triple, "", ""));
  if (subtarget && !subtarget->isCPUStringValid(cpu))
    return createStringError("'" + cpu + "' is not a CPU of " + triple.str());
  return Error::success();
}

Expected<std::unique_ptr<TargetMachine>>
createTargetMachine(const TargetSpec &target,
                    std::optional<Reloc::Model> relocation) {
  orc::JITTargetMachineBuilder builder{Triple()};
  if (isHostTriple(target.triple)) {
    InitializeNativeTarget();
    InitializeNativeTargetAsmPrinter();
    auto host = orc::JITTargetMachineBuilder::detectHost();
    if (!host)
      return host.takeError();
    builder = std::move(*host);
    // The host's features describe the host's CPU, not another one.
    if (!target.cpu.empty())
      builder.setCPU(target.cpu).setFeatures("");
  } else {
    InitializeAllTargetInfos();
    InitializeAllTargets();
    InitializeAllTargetMCs();
    InitializeAllAsmPrinters();
    builder =
        orc::JITTargetMachineBuilder(Triple(Triple::normalize(target.triple)));
    builder.setCPU(target.cpu.empty() ? "generic" : target.cpu);
  }
  if (!target.features.empty())
    builder.addFeatures(SubtargetFeatures(target.features).getFeatures());
  builder.setCodeGenOptLevel(CodeGenOptLevel::Aggressive);
  builder.setRelocationModel(relocation);
  if (!target.cpu.empty())
    if (Error error = checkCPU(builder.getTargetTriple(), target.cpu))
      return error;
  return builder.createTargetMachine();
}

} // namespace whittle
