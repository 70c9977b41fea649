//===- NNDialect.td - nn dialect definition ----------------*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The nn dialect is whittle's tensor-level graph dialect: one op per ONNX
// operator in scope, with ONNX semantics and ONNX attribute names. This file
// holds the dialect, the base op class and the shared type constraints that
// every op family uses.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_NNDIALECT_TD
#define WHITTLE_DIALECT_NN_NNDIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def NN_Dialect : Dialect {
  let name = "nn";
  let cppNamespace = "::whittle::nn";
  let summary = "Tensor-level neural network graph with ONNX semantics";
  let description = [{
    One op per ONNX operator that whittle supports. Attributes carry ONNX's
    names and defaults; missing optional inputs are values of type `none`
    produced by `nn.none`, so every op has ONNX's positional operand list.
    Quantized tensors are imported as in ONNX: plain integer tensors (`ui8`
    for uint8, signless `i8` for int8, likewise for 16 bits) next to their
    scale and zero point operands, which are the only record of the
    quantization (nn takes no upstream `quant` element types).
  }];
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    /// Adds the attributes of NNAttrs.td (NNAttrs.cpp).
    void registerAttributes();
  }];
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def NN_Tensor : RankedTensorOf<[AnyType]>;
def NN_OptTensor : AnyTypeOf<[AnyRankedTensor, NoneType],
                             "ranked tensor or none">;
def NN_FloatTensor : RankedTensorOf<[AnyFloat]>;
def NN_IntTensor : RankedTensorOf<[AnySignlessInteger, AnyUnsignedInteger]>;
def NN_BoolTensor : RankedTensorOf<[I1]>;
def NN_I64Tensor : RankedTensorOf<[I64]>;
def NN_OptI64Tensor : AnyTypeOf<[RankedTensorOf<[I64]>, NoneType],
                                "i64 tensor or none">;

//===----------------------------------------------------------------------===//
// Base op classes
//===----------------------------------------------------------------------===//

// Every op in scope is side-effect free (Dropout only in inference mode) and
// prints its operand and result types in one uniform form.
class NN_Op<string mnemonic, list<Trait> traits = []>
    : Op<NN_Dialect, mnemonic, !listconcat(traits, [Pure])> {
  let assemblyFormat =
      "operands attr-dict `:` functional-type(operands, results)";
}

// The result-type compatibility rule of every op with inferred types.
defvar NN_RefinementCompatibility = [{
  bool $cppClass::isCompatibleReturnTypes(::mlir::TypeRange inferred,
                                          ::mlir::TypeRange actual) {
    return ::whittle::nn::areRefinementsOf(inferred, actual);
  }
}];

// An op whose result types come from the adaptor-based inference hook that
// the op implements in C++ (`inferReturnTypes`). Its results may be less
// static than inference now says: folding shape arithmetic into constants
// makes inference sharper than the types already in the IR.
class NN_InferredOp<string mnemonic, list<Trait> traits = []>
    : NN_Op<mnemonic, !listconcat(traits,
                                  [InferTypeOpAdaptorWithIsCompatible])> {
  let extraClassDefinition = NN_RefinementCompatibility;
}

// An inferred op with one result, whose type the op computes in C++ in
//   static FailureOr<Type> inferResultType(std::optional<Location>, Adaptor)
// (reporting through the location, as inferReturnTypes does); the
// interface's inferReturnTypes, written here once, appends that type.
class NN_SingleResultInferredOp<string mnemonic, list<Trait> traits = []>
    : NN_InferredOp<mnemonic, traits> {
  let extraClassDeclaration = [{
    static ::mlir::FailureOr<::mlir::Type>
    inferResultType(std::optional<::mlir::Location> location,
                    Adaptor adaptor);
  }];
  let extraClassDefinition = NN_RefinementCompatibility # [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *, std::optional<::mlir::Location> location,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      ::mlir::FailureOr<::mlir::Type> type = inferResultType(location, adaptor);
      if (::mlir::failed(type))
        return ::mlir::failure();
      inferred.push_back(*type);
      return ::mlir::success();
    }
  }];
}

// Unary elementwise op: result has the operand's type.
class NN_UnaryElementwiseOp<string mnemonic, list<Trait> traits = [],
                            Type operandType = NN_Tensor>
    : NN_Op<mnemonic, !listconcat(traits, [SameOperandsAndResultType,
                                           InferTypeOpInterface])> {
  let arguments = (ins operandType:$X);
  let results = (outs operandType:$Y);
}

// Binary op with multidirectional (numpy) broadcasting.
class NN_BinaryBroadcastOp<string mnemonic, list<Trait> traits = []>
    : NN_SingleResultInferredOp<mnemonic, traits> {
  let arguments = (ins NN_Tensor:$A, NN_Tensor:$B);
  let results = (outs NN_Tensor:$C);
  let hasVerifier = 1;
}

#endif // WHITTLE_DIALECT_NN_NNDIALECT_TD
