//===- NNTensorOps.td - nn shape, data movement, reductions -*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Ops that move, reshape, gather or reduce tensor data, and the shape
// arithmetic ops that exporters emit around them.
//
// Result types are inferred from the operands; operands that carry shapes,
// axes, pads, starts/ends, repeats or split sizes are read when they are
// constants (`nn.constant`), and give dynamic dimensions otherwise. Since
// folding may later turn such an operand into a constant, a result type may
// be less static than what inference would now give: the ops accept any
// result type that is a refinement-compatible version of the inferred one
// (same element type and rank, static dimensions equal).
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_NNTENSOROPS_TD
#define WHITTLE_DIALECT_NN_NNTENSOROPS_TD

//===----------------------------------------------------------------------===//
// Local type constraints and base classes
//===----------------------------------------------------------------------===//

def NNT_IndexTensor : RankedTensorOf<[I32, I64]>;
def NNT_OptIndexTensor : AnyTypeOf<[RankedTensorOf<[I32, I64]>, NoneType],
                                   "i32 or i64 tensor or none">;


//===----------------------------------------------------------------------===//
// Reshaping
//===----------------------------------------------------------------------===//

def NN_ReshapeOp : NN_SingleResultInferredOp<"reshape"> {
  let summary = "Reshape with ONNX's 0 (copy) and -1 (infer) entries";
  let description = [{
    Reshapes `data` to `shape` (a 1-D i64 tensor). An entry 0 copies the
    input dimension at the same index unless `allowzero` is 1, in which case
    it is a real zero; one entry may be -1 and is inferred from the element
    count. A non-constant `shape` gives a result of dynamic dimensions.
  }];
  let arguments = (ins NN_Tensor:$data, NN_I64Tensor:$shape,
                   DefaultValuedAttr<I64Attr, "0">:$allowzero);
  let results = (outs NN_Tensor:$reshaped);
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def NN_FlattenOp : NN_SingleResultInferredOp<"flatten"> {
  let summary = "Flattens a tensor into a 2-D matrix (ONNX Flatten)";
  let description = [{
    The result has shape `[d0 * ... * d(axis-1), d(axis) * ... * d(n-1)]`;
    `axis` is in `[-rank, rank]`, and axis 0 gives `[1, numElements]`.
  }];
  let arguments = (ins NN_Tensor:$input,
                   DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs NN_Tensor:$output);
  let hasFolder = 1;
}

def NN_SqueezeOp : NN_SingleResultInferredOp<"squeeze"> {
  let summary = "Removes dimensions of size 1 (ONNX Squeeze)";
  let description = [{
    Removes the dimensions listed in `axes` (a 1-D i64 tensor, each in
    `[-rank, rank)`, without duplicates), which must have size 1. Without
    `axes` every static dimension of size 1 is removed; the input must then
    have a static shape.
  }];
  let arguments = (ins NN_Tensor:$data, NN_OptI64Tensor:$axes);
  let results = (outs NN_Tensor:$squeezed);
  let hasFolder = 1;
}

def NN_UnsqueezeOp : NN_SingleResultInferredOp<"unsqueeze"> {
  let summary = "Inserts dimensions of size 1 (ONNX Unsqueeze)";
  let description = [{
    Inserts a dimension of size 1 at each position of `axes` (a 1-D i64
    tensor, each in `[-outRank, outRank)` where outRank is the input rank
    plus the number of axes, without duplicates).
  }];
  let arguments = (ins NN_Tensor:$data, NN_I64Tensor:$axes);
  let results = (outs NN_Tensor:$expanded);
  let hasFolder = 1;
}

def NN_TransposeOp : NN_SingleResultInferredOp<"transpose"> {
  let summary = "Permutes dimensions (ONNX Transpose)";
  let description = [{
    Output dimension i is input dimension `perm[i]`. Without `perm` the
    dimensions are reversed.
  }];
  let arguments = (ins NN_Tensor:$data,
                   OptionalAttr<DenseI64ArrayAttr>:$perm);
  let results = (outs NN_Tensor:$transposed);
  let hasFolder = 1;
}

def NN_DepthToSpaceOp : NN_SingleResultInferredOp<"depth_to_space"> {
  let summary = "Rearranges depth into spatial blocks (ONNX DepthToSpace)";
  let description = [{
    Maps an NCHW tensor `[N, C, H, W]` to `[N, C / (b*b), H * b, W * b]`
    where b is `blocksize`. `mode` is `DCR` (depth-column-row, the default)
    or `CRD` (column-row-depth), which order the channel dimension
    differently.
  }];
  let arguments = (ins NN_Tensor:$input, I64Attr:$blocksize,
                   DefaultValuedAttr<StrAttr, "\"DCR\"">:$mode);
  let results = (outs NN_Tensor:$output);
}

def NN_SpaceToDepthOp : NN_SingleResultInferredOp<"space_to_depth"> {
  let summary = "Rearranges spatial blocks into depth (ONNX SpaceToDepth)";
  let description = [{
    Maps an NCHW tensor `[N, C, H, W]` to `[N, C * b * b, H / b, W / b]`
    where b is `blocksize`, which must divide H and W.
  }];
  let arguments = (ins NN_Tensor:$input, I64Attr:$blocksize);
  let results = (outs NN_Tensor:$output);
}

//===----------------------------------------------------------------------===//
// Joining, splitting and slicing
//===----------------------------------------------------------------------===//

def NN_ConcatOp : NN_SingleResultInferredOp<"concat"> {
  let summary = "Concatenates tensors along an axis (ONNX Concat)";
  let description = [{
    All inputs have the same element type and rank and agree on every
    dimension but `axis` (in `[-rank, rank)`).
  }];
  let arguments = (ins Variadic<NN_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs NN_Tensor:$concat_result);
  let hasFolder = 1;
}

def NN_SplitOp : NN_InferredOp<"split"> {
  let summary = "Splits a tensor along an axis (ONNX Split)";
  let description = [{
    Splits `input` along `axis` into the sizes given by `split` (a 1-D i64
    tensor whose entries sum to the dimension), or, without `split`, into
    `num_outputs` parts of size `ceil(d / num_outputs)`, the last one
    smaller if the dimension does not divide evenly.
  }];
  let arguments = (ins NN_Tensor:$input, NN_OptI64Tensor:$split,
                   DefaultValuedAttr<I64Attr, "0">:$axis,
                   OptionalAttr<I64Attr>:$num_outputs);
  let results = (outs Variadic<NN_Tensor>:$outputs);
}

def NN_SliceOp : NN_SingleResultInferredOp<"slice"> {
  let summary = "Strided slice (ONNX Slice)";
  let description = [{
    Takes `starts[i]:ends[i]:steps[i]` along `axes[i]`. Negative starts and
    ends count from the end of the dimension and are clamped into range;
    `axes` defaults to `[0, ..., len(starts) - 1]` and `steps` to ones. A
    non-constant `starts`, `ends`, `axes` or `steps` gives dynamic
    dimensions.
  }];
  let arguments = (ins NN_Tensor:$data, NNT_IndexTensor:$starts,
                   NNT_IndexTensor:$ends, NNT_OptIndexTensor:$axes,
                   NNT_OptIndexTensor:$steps);
  let results = (outs NN_Tensor:$output);
  let hasFolder = 1;
}

def NN_PadOp : NN_SingleResultInferredOp<"pad"> {
  let summary = "Pads a tensor (ONNX Pad)";
  let description = [{
    `pads` (1-D i64) holds the begin pads then the end pads of each axis in
    `axes` (default: all axes); negative pads crop. `mode` is `constant`
    (fill with `constant_value`, default 0), `reflect`, `edge` or `wrap`.
    Constant all-zero pads fold away in every mode (PyTorch exports one before
    AveragePool).
  }];
  let arguments = (ins NN_Tensor:$data, NN_I64Tensor:$pads,
                   NN_OptTensor:$constant_value, NNT_OptIndexTensor:$axes,
                   DefaultValuedAttr<StrAttr, "\"constant\"">:$mode);
  let results = (outs NN_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def NN_ExpandOp : NN_SingleResultInferredOp<"expand"> {
  let summary = "Broadcasts a tensor to a shape (ONNX Expand)";
  let description = [{
    The result shape is the multidirectional broadcast of the input shape
    and `shape` (1-D i64), so it may be larger than `shape`.
  }];
  let arguments = (ins NN_Tensor:$input, NN_I64Tensor:$shape);
  let results = (outs NN_Tensor:$output);
  let hasFolder = 1;
}

def NN_TileOp : NN_SingleResultInferredOp<"tile"> {
  let summary = "Repeats a tensor along each axis (ONNX Tile)";
  let description = [{
    `repeats` (1-D i64, one non-negative entry per input dimension)
    multiplies each dimension.
  }];
  let arguments = (ins NN_Tensor:$input, NN_I64Tensor:$repeats);
  let results = (outs NN_Tensor:$output);
  let hasFolder = 1;
}

def NN_GatherOp : NN_SingleResultInferredOp<"gather"> {
  let summary = "Gathers slices along an axis (ONNX Gather)";
  let description = [{
    The result has shape `data.shape[:axis] + indices.shape +
    data.shape[axis+1:]`. Indices are in `[-d, d)` where d is the size of
    `axis`; negative indices count from the end.
  }];
  let arguments = (ins NN_Tensor:$data, NNT_IndexTensor:$indices,
                   DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs NN_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Shape arithmetic and conversions
//===----------------------------------------------------------------------===//

def NN_IdentityOp : NN_SingleResultInferredOp<"identity"> {
  let summary = "Returns its input (ONNX Identity)";
  let arguments = (ins NN_Tensor:$input);
  let results = (outs NN_Tensor:$output);
  let hasFolder = 1;
}

def NN_ConstantOfShapeOp : NN_SingleResultInferredOp<"constant_of_shape"> {
  let summary = "Tensor of a given shape filled with one value";
  let description = [{
    ONNX ConstantOfShape: the result has the shape held by `input` (a 1-D
    i64 tensor of non-negative entries) and every element equal to `value`,
    a one-element tensor that also gives the element type (default: f32
    zero).
  }];
  let arguments = (ins NN_I64Tensor:$input, OptionalAttr<ElementsAttr>:$value);
  let results = (outs NN_Tensor:$output);
  let hasFolder = 1;
}

def NN_ShapeOp : NN_SingleResultInferredOp<"shape"> {
  let summary = "Shape of a tensor as a 1-D i64 tensor (ONNX Shape)";
  let description = [{
    Returns dimensions `start` to `end` (exclusive, default: the rank) of
    the input's shape. Negative `start`/`end` count from the rank; both are
    clamped into `[0, rank]`.
  }];
  let arguments = (ins NN_Tensor:$data,
                   DefaultValuedAttr<I64Attr, "0">:$start,
                   OptionalAttr<I64Attr>:$end);
  let results = (outs NN_I64Tensor:$shape);
  let hasFolder = 1;
}

def NN_SizeOp : NN_SingleResultInferredOp<"size"> {
  let summary = "Number of elements as an i64 scalar (ONNX Size)";
  let arguments = (ins NN_Tensor:$data);
  let results = (outs NN_I64Tensor:$size);
  let hasFolder = 1;
}

def NN_CastOp : NN_SingleResultInferredOp<"cast"> {
  let summary = "Converts the element type (ONNX Cast)";
  let description = [{
    `to` is an ONNX TensorProto data type: FLOAT (1) f32, UINT8 (2) ui8,
    INT8 (3) i8, UINT16 (4) ui16, INT16 (5) i16, INT32 (6) i32, INT64 (7)
    i64, BOOL (9) i1, FLOAT16 (10) f16, DOUBLE (11) f64, UINT32 (12) ui32,
    UINT64 (13) ui64, BFLOAT16 (16) bf16. `saturate` only affects float8
    targets, which whittle does not support.
  }];
  let arguments = (ins NN_Tensor:$input, I64Attr:$to,
                   DefaultValuedAttr<I64Attr, "1">:$saturate);
  let results = (outs NN_Tensor:$output);
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

// Reduce* over the axes operand (opset 18+ form). Without axes (or with an
// empty constant axes) every axis is reduced, unless noop_with_empty_axes
// is 1, which makes the op the identity.
class NNT_ReduceOp<string mnemonic, string onnxName, string what>
    : NN_SingleResultInferredOp<mnemonic> {
  let summary = "Reduces with " # what # " over axes (ONNX " # onnxName # ")";
  let description = [{
    Reduces `data` over the axes listed in `axes` (a 1-D i64 tensor, each in
    `[-rank, rank)`, without duplicates). `keepdims` keeps reduced axes as
    size 1. Without `axes`, or with empty axes, all axes are reduced unless
    `noop_with_empty_axes` is 1, in which case the result is the input.
  }];
  let arguments = (ins NN_Tensor:$data, NN_OptI64Tensor:$axes,
                   DefaultValuedAttr<I64Attr, "1">:$keepdims,
                   DefaultValuedAttr<I64Attr, "0">:$noop_with_empty_axes);
  let results = (outs NN_Tensor:$reduced);
  let hasFolder = 1;
}

def NN_ReduceMeanOp : NNT_ReduceOp<"reduce_mean", "ReduceMean", "mean">;
def NN_ReduceSumOp : NNT_ReduceOp<"reduce_sum", "ReduceSum", "sum">;
def NN_ReduceMaxOp : NNT_ReduceOp<"reduce_max", "ReduceMax", "max">;
def NN_ReduceMinOp : NNT_ReduceOp<"reduce_min", "ReduceMin", "min">;
def NN_ReduceProdOp : NNT_ReduceOp<"reduce_prod", "ReduceProd", "product">;
def NN_ReduceL2Op : NNT_ReduceOp<"reduce_l2", "ReduceL2", "L2 norm">;

// ArgMax/ArgMin: i64 indices of the extreme values along one axis.
class NNT_ArgOp<string mnemonic, string onnxName, string what>
    : NN_SingleResultInferredOp<mnemonic> {
  let summary = "Indices of the " # what # " along an axis (ONNX " #
                onnxName # ")";
  let description = [{
    Returns i64 indices along `axis` (in `[-rank, rank)`); `keepdims` keeps
    the axis as size 1; `select_last_index` picks the last of equal
    extremes instead of the first.
  }];
  let arguments = (ins NN_Tensor:$data,
                   DefaultValuedAttr<I64Attr, "0">:$axis,
                   DefaultValuedAttr<I64Attr, "1">:$keepdims,
                   DefaultValuedAttr<I64Attr, "0">:$select_last_index);
  let results = (outs NN_I64Tensor:$reduced);
}

def NN_ArgMaxOp : NNT_ArgOp<"arg_max", "ArgMax", "maxima">;
def NN_ArgMinOp : NNT_ArgOp<"arg_min", "ArgMin", "minima">;

#endif // WHITTLE_DIALECT_NN_NNTENSOROPS_TD
