//===- ImportONNXTest.cpp - importer options ------------------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// ImportONNXOptions::inputValues: a bound input leaves the signature and its
// value sizes the shapes; a value that does not fit the input is an error
// naming it. (whittle-run checks its input files before binding them, so
// these errors cannot be reached from the tools.)
//
//===----------------------------------------------------------------------===//

#include "whittle/Import/ONNX/ImportONNX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace whittle;

namespace {

constexpr const char *kReshapeByInput = R"(
<ir_version: 8, opset_import: ["" : 17]>
reshape_by_input (float[2, 3, 4] x, int64[2] shape) => (float[?, ?] y) {
  y = Reshape(x, shape)
}
)";

class ImportONNXTest : public ::testing::Test {
protected:
  /// Imports kReshapeByInput with `options`; the first error, if any, goes
  /// to `error`.
  OwningOpRef<ModuleOp> import(const ImportONNXOptions &options) {
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      if (diag.getSeverity() == DiagnosticSeverity::Error && error.empty())
        error = diag.str();
      return success();
    });
    return importONNX(kReshapeByInput, "reshape.onnxtext", /*isText=*/true,
                      &context, options);
  }

  DenseElementsAttr getInt64s(ArrayRef<int64_t> values) {
    Builder b(&context);
    auto type = RankedTensorType::get({(int64_t)values.size()}, b.getI64Type());
    return DenseElementsAttr::get(type, values);
  }

  MLIRContext context;
  std::string error;
};

TEST_F(ImportONNXTest, BoundInputLeavesSignatureAndSizesShapes) {
  ImportONNXOptions options;
  options.inputValues["shape"] = getInt64s({4, 6});
  OwningOpRef<ModuleOp> module = import(options);
  ASSERT_TRUE(module) << error;
  auto func = module->lookupSymbol<func::FuncOp>("main");
  ASSERT_TRUE(func);
  ASSERT_EQ(func.getNumArguments(), 1u);
  EXPECT_EQ(func.getArgAttrOfType<StringAttr>(0, "nn.name").getValue(), "x");
  auto result = cast<RankedTensorType>(func.getResultTypes()[0]);
  EXPECT_EQ(result.getShape(), ArrayRef<int64_t>({4, 6}));
}

TEST_F(ImportONNXTest, UnboundInputStaysDynamic) {
  OwningOpRef<ModuleOp> module = import(ImportONNXOptions());
  ASSERT_TRUE(module) << error;
  auto func = module->lookupSymbol<func::FuncOp>("main");
  EXPECT_EQ(func.getNumArguments(), 2u);
  EXPECT_FALSE(
      cast<RankedTensorType>(func.getResultTypes()[0]).hasStaticShape());
}

TEST_F(ImportONNXTest, BoundValueOfWrongElementType) {
  ImportONNXOptions options;
  Builder b(&context);
  options.inputValues["shape"] = DenseElementsAttr::get(
      RankedTensorType::get({2}, b.getI32Type()), ArrayRef<int32_t>{4, 6});
  EXPECT_FALSE(import(options));
  EXPECT_EQ(error, "the value bound to input 'shape' has element type 'i32' "
                   "but the model declares 'i64'");
}

TEST_F(ImportONNXTest, BoundValueOfWrongShape) {
  ImportONNXOptions options;
  options.inputValues["shape"] = getInt64s({2, 3, 4});
  EXPECT_FALSE(import(options));
  EXPECT_EQ(error, "the value bound to input 'shape' has shape [3] but the "
                   "model declares [2]");
}

TEST_F(ImportONNXTest, BoundValueForUnknownInput) {
  ImportONNXOptions options;
  options.inputValues["shapes"] = getInt64s({4, 6});
  EXPECT_FALSE(import(options));
  EXPECT_EQ(error, "an input value names 'shapes', which is not a graph "
                   "input (inputs: shape, x)");
}

} // namespace
