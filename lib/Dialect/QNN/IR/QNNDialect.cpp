//===- QNNDialect.cpp - integer-only layers -------------------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/QNN/QNNDialect.h"
#include "whittle/Dialect/QNN/QNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace whittle::qnn;

#include "whittle/Dialect/QNN/QNNDialect.cpp.inc"
#include "whittle/Dialect/QNN/QNNEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "whittle/Dialect/QNN/QNNAttrs.cpp.inc"

void QNNDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "whittle/Dialect/QNN/QNNAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "whittle/Dialect/QNN/QNNOps.cpp.inc"
      >();
}

/// Folded values become arith constants: qnn has no constant op of its own
/// (weights are nn or arith constants).
Operation *QNNDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  auto typed = dyn_cast<TypedAttr>(value);
  if (!typed || typed.getType() != type)
    return nullptr;
  return arith::ConstantOp::create(builder, loc, type, typed);
}
