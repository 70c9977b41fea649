//===- LayerName.cpp - the layer name an op's location carries ------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/LayerName.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace whittle::nn {

std::optional<StringRef> getLayerName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().getValue();
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations())
      if (std::optional<StringRef> name = getLayerName(inner))
        return name;
    return std::nullopt;
  }
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return getLayerName(callSite.getCallee());
  return std::nullopt;
}

/// The first file location in `loc`, searched like the name.
static FileLineColLoc getFileLocation(Location loc) {
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return file;
  if (auto name = dyn_cast<NameLoc>(loc))
    return getFileLocation(name.getChildLoc());
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations())
      if (FileLineColLoc file = getFileLocation(inner))
        return file;
    return {};
  }
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return getFileLocation(callSite.getCallee());
  return {};
}

std::string describeLayer(Operation *op) {
  if (std::optional<StringRef> name = getLayerName(op->getLoc()))
    return name->str();
  std::string text = op->getName().getStringRef().str();
  if (FileLineColLoc file = getFileLocation(op->getLoc()))
    text += llvm::formatv(" at {0}:{1}:{2}",
                          llvm::sys::path::filename(file.getFilename()),
                          file.getLine(), file.getColumn())
                .str();
  return text;
}

} // namespace whittle::nn
