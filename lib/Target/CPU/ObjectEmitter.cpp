//===- ObjectEmitter.cpp - a model as a native object file ----------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/CPU/ObjectEmitter.h"
#include "whittle/Target/CPU/LowerModel.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace whittle {

/// Whether `name` is a C library function that compiled code may call.
/// LLVM turns math intrinsics into libm calls only while emitting code, so
/// an entry point of that name would silently call itself.
static bool isLibraryFunction(StringRef name) {
  static const llvm::StringSet<> functions = [] {
    llvm::StringSet<> names = {
        "malloc",        "calloc",         "realloc", "free",
        "aligned_alloc", "posix_memalign", "memcpy",  "memmove",
        "memset",        "memcmp",         "bzero",   "abort",
        "sincos",        "sincosf",        "exp10",   "exp10f"};
    // <math.h>, each in double, float and long double.
    for (StringRef math :
         {"acos",      "asin",   "atan",      "atan2", "cos",       "sin",
          "tan",       "acosh",  "asinh",     "atanh", "cosh",      "sinh",
          "tanh",      "exp",    "exp2",      "expm1", "frexp",     "ldexp",
          "log",       "log10",  "log1p",     "log2",  "logb",      "ilogb",
          "modf",      "scalbn", "scalbln",   "cbrt",  "fabs",      "hypot",
          "pow",       "sqrt",   "erf",       "erfc",  "lgamma",    "tgamma",
          "ceil",      "floor",  "nearbyint", "rint",  "lrint",     "llrint",
          "round",     "lround", "llround",   "trunc", "roundeven", "fmod",
          "remainder", "remquo", "copysign",  "nan",   "nextafter", "fdim",
          "fmax",      "fmin",   "fma"}) {
      names.insert(math);
      names.insert((math + "f").str());
      names.insert((math + "l").str());
    }
    return names;
  }();
  return functions.contains(name);
}

/// Makes `entry` the global function `symbol` and every other definition
/// internal, so that objects of several models link into one program and
/// LLVM may optimize the helpers as it likes. False if `symbol` names
/// another function or global of the module (a libm function, say).
static bool exportOnly(llvm::Module &module, llvm::Function &entry,
                       StringRef symbol) {
  if (llvm::GlobalValue *other = module.getNamedValue(symbol);
      other && other != &entry)
    return false;
  entry.setName(symbol);
  for (llvm::GlobalValue &value : module.global_values())
    if (&value != &entry && !value.isDeclaration())
      value.setLinkage(llvm::GlobalValue::InternalLinkage);
  return true;
}

std::optional<NativeObject> emitObject(ModuleOp module, StringRef entry,
                                       StringRef symbol,
                                       const TargetSpec &target) {
  // On the module's location, the model file, without the module itself.
  auto fail = [&] { return mlir::emitError(module.getLoc()); };
  if (isLibraryFunction(symbol)) {
    fail() << "entry point name '" << symbol
           << "' is a C library function that compiled models call";
    return std::nullopt;
  }
  auto machine = createTargetMachine(target, CodeUse::Object);
  if (!machine) {
    fail() << "cannot compile for the target: "
           << llvm::toString(machine.takeError());
    return std::nullopt;
  }
  std::optional<LoweredModel> lowered =
      lowerModel(module, entry, getInt8Kernel(**machine));
  if (!lowered)
    return std::nullopt;

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext);
  if (!llvmModule) {
    fail() << "cannot translate the model to LLVM IR";
    return std::nullopt;
  }
  llvmModule->setTargetTriple((*machine)->getTargetTriple());
  llvmModule->setDataLayout((*machine)->createDataLayout());
  defineConstants(*llvmModule, lowered->constants);
  if (!exportOnly(*llvmModule, *llvmModule->getFunction(entry), symbol)) {
    fail() << "entry point name '" << symbol
           << "' is taken by a symbol the model uses";
    return std::nullopt;
  }

  NativeObject object;
  llvm::raw_svector_ostream os(object.bytes);
  if (llvm::Error error = compileToObject(*llvmModule, **machine, os)) {
    fail() << llvm::toString(std::move(error));
    return std::nullopt;
  }
  object.inputs = std::move(lowered->inputs);
  object.outputs = std::move(lowered->outputs);
  return object;
}

} // namespace whittle
