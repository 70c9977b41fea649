//===- Passes.td - nn dialect passes -----------------------*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_PASSES_TD
#define WHITTLE_DIALECT_NN_PASSES_TD

include "mlir/Pass/PassBase.td"

def NNFoldBatchNorm : Pass<"nn-fold-batchnorm"> {
  let summary = "Fold inference-mode BatchNormalization into a preceding "
                "Conv, ConvTranspose or Gemm";
  let description = [{
    Rewrites `BatchNormalization(Conv(x, W, B))` into `Conv(x, W', B')` with
    `W' = W * s` per output channel and `B' = (B - mean) * s + beta`, where
    `s = scale / sqrt(var + epsilon)`. Only applies when the conv's weights,
    bias and the normalization parameters are constants and the conv result
    has no other user. A BatchNormalization that cannot be folded stays.
  }];
  let dependentDialects = ["::whittle::nn::NNDialect"];
}

def NNMaterializeQuantTypes : Pass<"nn-materialize-quant-types"> {
  let summary = "Give nn.quantize_linear results with constant parameters a "
                "!quant.uniform element type";
  let description = [{
    For every `nn.quantize_linear` whose `y_scale` and `y_zero_point` (or a
    missing zero point, meaning 0) are constants, sets `y`'s element type to
    the `!quant.uniform` type that restates them: per-tensor
    (`!quant.uniform<u8:f32, 0.5:128>`) for a scalar or one-element scale,
    per-axis (`!quant.uniform<i8:f32:1, {0.5:-3, 0.25:7}>`, quantized
    dimension = the normalized `axis`) for a 1-D scale. The expressed type is
    `x`'s float type; the storage is `y`'s integer type (`ui8` becomes `u8`,
    signless `i8` becomes `i8`, likewise for 16 bits) with its full range.
    The scale and zero point operands stay; the type only restates them.

    `y` changes only when every use is the quantized data operand of an nn
    op that accepts quant types (`nn.dequantize_linear`'s `x`,
    `nn.qlinear_conv`'s and `nn.conv_integer`'s `x` and `w`,
    `nn.qlinear_matmul`'s `a` and `b`, `nn.matmul_integer`'s `A` and `B`)
    and every user still verifies with the new type (its constant scales and
    zero points must agree). A result returned from the function or used by
    any other op keeps its plain type, as do blocked quantization
    (`block_size` > 0), non-constant parameters, int32 inputs and scales that
    are not positive and finite. Int32 (bias) `nn.dequantize_linear`
    operands are never touched. No op is folded, created or erased.
  }];
  let dependentDialects = ["::whittle::nn::NNDialect",
                           "::mlir::quant::QuantDialect"];
}

def NNPrintModelSummary : Pass<"nn-print-model-summary", "::mlir::ModuleOp"> {
  let summary = "Print ops by type, parameter count and MACs of each function";
  let description = [{
    Analysis printer used by `whittlec` and by the lit tests: per op type the
    count and MACs, then totals of parameters (elements of all constants that
    are op weights) and multiply-accumulates for one inference.
  }];
}

#endif // WHITTLE_DIALECT_NN_PASSES_TD
