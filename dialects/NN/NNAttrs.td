//===- NNAttrs.td - nn dialect attributes ------------------*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The records compression leaves on weighted ops, as the discardable
// attributes `whittle.sparsity` (what structure the zeros of a weight have,
// for code generators) and `whittle.compression` (what was done to the
// original layer, for the compression report). They are nn attributes because
// the weighted ops they describe are nn ops; quantization carries the
// sparsity pattern over to the qnn op that replaces one.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_NNATTRS_TD
#define WHITTLE_DIALECT_NN_NNATTRS_TD

include "NN/NNDialect.td"
include "mlir/IR/EnumAttr.td"

class NN_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<NN_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

// A double, printed as MLIR prints f64 attributes (5.000000e-01) and parsed
// back exactly; held as an APFloat so that it is hashed and compared bit for
// bit when the attribute is uniqued.
def NN_F64Parameter : AttrOrTypeParameter<"::llvm::APFloat", "a 64-bit float"> {
  let parser = [{ [&]() -> ::mlir::FailureOr<::llvm::APFloat> {
    double value;
    if ($_parser.parseFloat(value))
      return ::mlir::failure();
    return ::llvm::APFloat(value);
  }() }];
  let printer = [{ $_printer << $_self }];
  let comparator = "$_lhs.bitwiseIsEqual($_rhs)";
}

// A list of integers in square brackets, empty (and then left out of a
// struct) by default.
def NN_I64ArrayParameter : OptionalArrayRefParameter<"int64_t"> {
  let parser = [{ [&]() -> ::mlir::FailureOr<::llvm::SmallVector<int64_t>> {
    ::llvm::SmallVector<int64_t> values;
    if ($_parser.parseCommaSeparatedList(
            ::mlir::AsmParser::Delimiter::Square,
            [&]() { return $_parser.parseInteger(values.emplace_back()); }))
      return ::mlir::failure();
    return values;
  }() }];
  let printer = [{
    $_printer << '[';
    ::llvm::interleaveComma($_self, $_printer);
    $_printer << ']'
  }];
}

def NN_SparsityGranularity : I32EnumAttr<"SparsityGranularity",
    "structure of the zeros of a sparse weight", [
  I32EnumAttrCase<"Unstructured", 0, "unstructured">,
  I32EnumAttrCase<"NM", 1, "n:m">,
  I32EnumAttrCase<"Block", 2, "block">,
  I32EnumAttrCase<"Channel", 3, "channel">
]> {
  let cppNamespace = "::whittle::nn";
  let genSpecializedAttr = 0;
}

def NN_SparsityPatternAttr : NN_Attr<"SparsityPattern", "sparsity"> {
  let summary = "the structure of a sparse weight (`whittle.sparsity`)";
  let description = [{
    Says which structure the zeros of the op's weight (operand
    `weight_operand`, with its output-channel axis `out_axis` and reduction
    axis `in_axis`) have, so that code generators may exploit it:
    `unstructured` (any zeros), `"n:m"` (at most `n` non-zeros in every `m`
    consecutive elements along `in_axis`), `block` (`sparsity` of the
    elements lie in all-zero `block` = [bo, bi] tiles over
    (out_axis, in_axis)) or `channel` (whole output channels were removed).
    `sparsity` is the fraction of exact zeros (for `channel`, of the
    original layer's weights removed). The verifier checks the attribute on
    its own; `--whittle-verify-sparsity` checks it against the weight.

    ```mlir
    whittle.sparsity = #nn.sparsity<"n:m", n = 2, m = 4,
        sparsity = 5.000000e-01, weight_operand = 1, out_axis = 0,
        in_axis = 1>
    ```
  }];
  let parameters = (ins
    "SparsityGranularity":$granularity,
    OptionalParameter<"int64_t">:$n,
    OptionalParameter<"int64_t">:$m,
    NN_I64ArrayParameter:$block,
    NN_F64Parameter:$sparsity,
    "int64_t":$weight_operand,
    "int64_t":$out_axis,
    "int64_t":$in_axis
  );
  let assemblyFormat = [{
    `<` $granularity `,` struct($n, $m, $block, $sparsity, $weight_operand,
                                $out_axis, $in_axis) `>`
  }];
  let genVerifyDecl = 1;
}

def NN_CompressionRecordAttr : NN_Attr<"CompressionRecord", "compression"> {
  let summary = "what compression did to a layer (`whittle.compression`)";
  let description = [{
    Factorize and sparsify leave this record on every op they create or
    change. `layer` is the original layer's name (a factorized layer's two or
    three ops carry the same record); `form` is one of `tucker2`,
    `channel-svd`, `svd`, `mask-unstructured`, `mask-n:m`, `mask-block`,
    `mask-channel`, or several joined by '+' when passes follow each other;
    `ranks` the ranks chosen (none for masks); `sparsity` the fraction of
    the layer's weights that are zero; the parameter and MAC counts of the
    layer before and after; `relative_error` ||W - W'||_F / ||W||_F.

    ```mlir
    whittle.compression = #nn.compression<layer = "conv1",
        form = "channel-svd", ranks = [8], sparsity = 0.000000e+00,
        params_before = 432, params_after = 344, macs_before = 338688,
        macs_after = 269696, relative_error = 1.250000e-01>
    ```
  }];
  let parameters = (ins
    StringRefParameter<"original layer name">:$layer,
    StringRefParameter<"'+'-joined forms">:$form,
    NN_I64ArrayParameter:$ranks,
    NN_F64Parameter:$sparsity,
    "int64_t":$params_before,
    "int64_t":$params_after,
    "int64_t":$macs_before,
    "int64_t":$macs_after,
    NN_F64Parameter:$relative_error
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

#endif // WHITTLE_DIALECT_NN_NNATTRS_TD
