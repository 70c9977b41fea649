// RUN: whittle-opt %s -split-input-file -verify-diagnostics

func.func @reshape_two_minus_one(%x: tensor<2x3x4xf32>) {
  %s = nn.constant dense<[-1, -1]> : tensor<2xi64>
  // expected-error @+2 {{Reshape shape has more than one -1}}
  // expected-error @+1 {{'nn.reshape' op failed to infer returned types}}
  %0 = nn.reshape %x, %s : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @reshape_count(%x: tensor<2x3x4xf32>, %s: tensor<2xi64>) {
  // expected-error @+1 {{'nn.reshape' op input has 24 elements but the result has 25}}
  %0 = nn.reshape %x, %s : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<5x5xf32>
  return
}

// -----

func.func @reshape_wrong_result(%x: tensor<2x3x4xf32>) {
  %s = nn.constant dense<[4, 6]> : tensor<2xi64>
  // expected-error @+2 {{'nn.reshape' op inferred type(s) 'tensor<4x6xf32>' are incompatible with return type(s) of operation 'tensor<6x4xf32>'}}
  // expected-error @+1 {{'nn.reshape' op failed to infer returned types}}
  %0 = nn.reshape %x, %s : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
  return
}

// -----

func.func @flatten_axis(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{Flatten axis 3 is out of range [-2, 2] for rank 2}}
  // expected-error @+1 {{'nn.flatten' op failed to infer returned types}}
  %0 = nn.flatten %x {axis = 3 : i64} : (tensor<2x3xf32>) -> tensor<6x1xf32>
  return
}

// -----

func.func @transpose_perm(%x: tensor<2x3x4xf32>) {
  // expected-error @+2 {{Transpose perm [0, 0, 1] is not a permutation of [0, 3)}}
  // expected-error @+1 {{'nn.transpose' op failed to infer returned types}}
  %0 = nn.transpose %x {perm = array<i64: 0, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<2x2x3xf32>
  return
}

// -----

func.func @concat_axis(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{Concat axis 2 is out of range for rank 2}}
  // expected-error @+1 {{'nn.concat' op failed to infer returned types}}
  %0 = nn.concat %a, %a {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_dims(%a: tensor<2x3xf32>, %b: tensor<3x3xf32>) {
  // expected-error @+2 {{Concat input 1 has size 3 in dimension 0 but another input has 2}}
  // expected-error @+1 {{'nn.concat' op failed to infer returned types}}
  %0 = nn.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_rank(%a: tensor<2x3xf32>, %b: tensor<6xf32>) {
  // expected-error @+2 {{Concat input 1 has rank 1 but input 0 has rank 2}}
  // expected-error @+1 {{'nn.concat' op failed to infer returned types}}
  %0 = nn.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<6xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_type(%a: tensor<2x3xf32>, %b: tensor<2x3xf16>) {
  // expected-error @+2 {{Concat input 1 has element type 'f16' but input 0 has 'f32'}}
  // expected-error @+1 {{'nn.concat' op failed to infer returned types}}
  %0 = nn.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf16>) -> tensor<4x3xf32>
  return
}

// -----

func.func @split_sum(%x: tensor<10xf32>) {
  %s = nn.constant dense<[3, 4]> : tensor<2xi64>
  // expected-error @+2 {{Split sizes [3, 4] sum to 7 but dimension 0 has size 10}}
  // expected-error @+1 {{'nn.split' op failed to infer returned types}}
  %0:2 = nn.split %x, %s : (tensor<10xf32>, tensor<2xi64>) -> (tensor<3xf32>, tensor<4xf32>)
  return
}

// -----

func.func @split_both(%x: tensor<10xf32>) {
  %s = nn.constant dense<[5, 5]> : tensor<2xi64>
  // expected-error @+2 {{Split takes either the split input or num_outputs, not both}}
  // expected-error @+1 {{'nn.split' op failed to infer returned types}}
  %0:2 = nn.split %x, %s {num_outputs = 2 : i64} : (tensor<10xf32>, tensor<2xi64>) -> (tensor<5xf32>, tensor<5xf32>)
  return
}

// -----

func.func @split_neither(%x: tensor<10xf32>) {
  %n = nn.none
  // expected-error @+2 {{Split needs the split input or the num_outputs attribute to know its number of outputs}}
  // expected-error @+1 {{'nn.split' op failed to infer returned types}}
  %0:2 = nn.split %x, %n : (tensor<10xf32>, none) -> (tensor<5xf32>, tensor<5xf32>)
  return
}

// -----

func.func @split_uneven(%x: tensor<5xf32>) {
  %n = nn.none
  // expected-error @+2 {{Split cannot divide dimension 0 of size 5 into 4 outputs}}
  // expected-error @+1 {{'nn.split' op failed to infer returned types}}
  %0:4 = nn.split %x, %n {num_outputs = 4 : i64} : (tensor<5xf32>, none) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>)
  return
}

// -----

func.func @split_count(%x: tensor<10xf32>) {
  %n = nn.none
  // expected-error @+2 {{'nn.split' op inferred type(s) 'tensor<5xf32>', 'tensor<5xf32>' are incompatible with return type(s) of operation 'tensor<5xf32>', 'tensor<5xf32>', 'tensor<5xf32>'}}
  // expected-error @+1 {{'nn.split' op failed to infer returned types}}
  %0:3 = nn.split %x, %n {num_outputs = 2 : i64} : (tensor<10xf32>, none) -> (tensor<5xf32>, tensor<5xf32>, tensor<5xf32>)
  return
}

// -----

func.func @slice_lengths(%x: tensor<10xf32>, %s: tensor<1xi64>, %e: tensor<2xi64>) {
  %n = nn.none
  // expected-error @+2 {{Slice starts has 1 entries but ends has 2}}
  // expected-error @+1 {{'nn.slice' op failed to infer returned types}}
  %0 = nn.slice %x, %s, %e, %n, %n : (tensor<10xf32>, tensor<1xi64>, tensor<2xi64>, none, none) -> tensor<?xf32>
  return
}

// -----

func.func @slice_step_zero(%x: tensor<10xf32>, %s: tensor<1xi64>, %e: tensor<1xi64>) {
  %n = nn.none
  %z = nn.constant dense<[0]> : tensor<1xi64>
  // expected-error @+2 {{Slice step must not be 0}}
  // expected-error @+1 {{'nn.slice' op failed to infer returned types}}
  %0 = nn.slice %x, %s, %e, %n, %z : (tensor<10xf32>, tensor<1xi64>, tensor<1xi64>, none, tensor<1xi64>) -> tensor<?xf32>
  return
}

// -----

func.func @slice_duplicate_axes(%x: tensor<10x10xf32>, %s: tensor<2xi64>, %e: tensor<2xi64>) {
  %n = nn.none
  %a = nn.constant dense<[1, -1]> : tensor<2xi64>
  // expected-error @+2 {{Slice has duplicate axis -1}}
  // expected-error @+1 {{'nn.slice' op failed to infer returned types}}
  %0 = nn.slice %x, %s, %e, %a, %n : (tensor<10x10xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, none) -> tensor<10x?xf32>
  return
}

// -----

func.func @squeeze_not_one(%x: tensor<1x3xf32>) {
  %a = nn.constant dense<[1]> : tensor<1xi64>
  // expected-error @+2 {{Squeeze axis 1 has size 3, not 1}}
  // expected-error @+1 {{'nn.squeeze' op failed to infer returned types}}
  %0 = nn.squeeze %x, %a : (tensor<1x3xf32>, tensor<1xi64>) -> tensor<1xf32>
  return
}

// -----

func.func @squeeze_range(%x: tensor<1x3xf32>) {
  %a = nn.constant dense<[2]> : tensor<1xi64>
  // expected-error @+2 {{Squeeze axis 2 is out of range for rank 2}}
  // expected-error @+1 {{'nn.squeeze' op failed to infer returned types}}
  %0 = nn.squeeze %x, %a : (tensor<1x3xf32>, tensor<1xi64>) -> tensor<1x3xf32>
  return
}

// -----

func.func @squeeze_dynamic_no_axes(%x: tensor<?x3xf32>) {
  %n = nn.none
  // expected-error @+2 {{Squeeze without axes needs a static input shape to know which dimensions are 1}}
  // expected-error @+1 {{'nn.squeeze' op failed to infer returned types}}
  %0 = nn.squeeze %x, %n : (tensor<?x3xf32>, none) -> tensor<3xf32>
  return
}

// -----

func.func @unsqueeze_duplicate(%x: tensor<3xf32>) {
  %a = nn.constant dense<[0, -3]> : tensor<2xi64>
  // expected-error @+2 {{Unsqueeze has duplicate axis -3}}
  // expected-error @+1 {{'nn.unsqueeze' op failed to infer returned types}}
  %0 = nn.unsqueeze %x, %a : (tensor<3xf32>, tensor<2xi64>) -> tensor<1x1x3xf32>
  return
}

// -----

func.func @pad_mode(%x: tensor<4xf32>) {
  %p = nn.constant dense<[1, 1]> : tensor<2xi64>
  %n = nn.none
  // expected-error @+2 {{Pad mode must be constant, reflect, edge or wrap, got 'mirror'}}
  // expected-error @+1 {{'nn.pad' op failed to infer returned types}}
  %0 = nn.pad %x, %p, %n, %n {mode = "mirror"} : (tensor<4xf32>, tensor<2xi64>, none, none) -> tensor<6xf32>
  return
}

// -----

func.func @pad_count(%x: tensor<4x4xf32>) {
  %p = nn.constant dense<[1, 1]> : tensor<2xi64>
  %n = nn.none
  // expected-error @+2 {{Pad pads has 2 entries but 4 are needed (begin and end for each of 2 axes)}}
  // expected-error @+1 {{'nn.pad' op failed to infer returned types}}
  %0 = nn.pad %x, %p, %n, %n : (tensor<4x4xf32>, tensor<2xi64>, none, none) -> tensor<6x4xf32>
  return
}

// -----

func.func @pad_negative(%x: tensor<4xf32>) {
  %p = nn.constant dense<[-3, -2]> : tensor<2xi64>
  %n = nn.none
  // expected-error @+2 {{Pad pads [-3, -2] make dimension 0 of size 4 negative}}
  // expected-error @+1 {{'nn.pad' op failed to infer returned types}}
  %0 = nn.pad %x, %p, %n, %n : (tensor<4xf32>, tensor<2xi64>, none, none) -> tensor<0xf32>
  return
}

// -----

func.func @pad_value_type(%x: tensor<4xf32>, %v: tensor<f16>) {
  %p = nn.constant dense<[1, 1]> : tensor<2xi64>
  %n = nn.none
  // expected-error @+1 {{'nn.pad' op constant_value has element type 'f16' but data has 'f32'}}
  %0 = nn.pad %x, %p, %v, %n : (tensor<4xf32>, tensor<2xi64>, tensor<f16>, none) -> tensor<6xf32>
  return
}

// -----

func.func @pad_value_shape(%x: tensor<4xf32>, %v: tensor<2xf32>) {
  %p = nn.constant dense<[1, 1]> : tensor<2xi64>
  %n = nn.none
  // expected-error @+1 {{'nn.pad' op constant_value must be a scalar or a one-element tensor, got 'tensor<2xf32>'}}
  %0 = nn.pad %x, %p, %v, %n : (tensor<4xf32>, tensor<2xi64>, tensor<2xf32>, none) -> tensor<6xf32>
  return
}

// -----

func.func @expand_incompatible(%x: tensor<3xf32>) {
  %s = nn.constant dense<[2, 4]> : tensor<2xi64>
  // expected-error @+2 {{shapes [3] and [2,4] are not broadcast-compatible}}
  // expected-error @+1 {{'nn.expand' op failed to infer returned types}}
  %0 = nn.expand %x, %s : (tensor<3xf32>, tensor<2xi64>) -> tensor<2x4xf32>
  return
}

// -----

func.func @tile_count(%x: tensor<2x3xf32>) {
  %r = nn.constant dense<[2]> : tensor<1xi64>
  // expected-error @+2 {{Tile repeats has 1 entries but the input has rank 2}}
  // expected-error @+1 {{'nn.tile' op failed to infer returned types}}
  %0 = nn.tile %x, %r : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<4x3xf32>
  return
}

// -----

func.func @tile_negative(%x: tensor<2xf32>) {
  %r = nn.constant dense<[-1]> : tensor<1xi64>
  // expected-error @+2 {{Tile repeats [-1] has a negative entry}}
  // expected-error @+1 {{'nn.tile' op failed to infer returned types}}
  %0 = nn.tile %x, %r : (tensor<2xf32>, tensor<1xi64>) -> tensor<2xf32>
  return
}

// -----

func.func @gather_axis(%x: tensor<2x3xf32>, %i: tensor<i64>) {
  // expected-error @+2 {{Gather axis 2 is out of range for rank 2}}
  // expected-error @+1 {{'nn.gather' op failed to infer returned types}}
  %0 = nn.gather %x, %i {axis = 2 : i64} : (tensor<2x3xf32>, tensor<i64>) -> tensor<2xf32>
  return
}

// -----

func.func @gather_index(%x: tensor<2x3xf32>) {
  %i = nn.constant dense<[3]> : tensor<1xi64>
  // expected-error @+1 {{'nn.gather' op index 3 is out of range for axis 1 of size 3}}
  %0 = nn.gather %x, %i {axis = 1 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2x1xf32>
  return
}

// -----

func.func @constant_of_shape_value(%s: tensor<1xi64>) {
  // expected-error @+2 {{ConstantOfShape value must have exactly one element, got 2}}
  // expected-error @+1 {{'nn.constant_of_shape' op failed to infer returned types}}
  %0 = nn.constant_of_shape %s {value = dense<[1.0, 2.0]> : tensor<2xf32>} : (tensor<1xi64>) -> tensor<?xf32>
  return
}

// -----

func.func @constant_of_shape_negative() {
  %s = nn.constant dense<[-2]> : tensor<1xi64>
  // expected-error @+2 {{ConstantOfShape shape [-2] has a negative entry}}
  // expected-error @+1 {{'nn.constant_of_shape' op failed to infer returned types}}
  %0 = nn.constant_of_shape %s : (tensor<1xi64>) -> tensor<?xf32>
  return
}

// -----

func.func @cast_unsupported(%x: tensor<2xf32>) {
  // expected-error @+2 {{Cast to ONNX data type 8 is not supported (supported: FLOAT, DOUBLE, FLOAT16, BFLOAT16, INT8-64, UINT8-64, BOOL)}}
  // expected-error @+1 {{'nn.cast' op failed to infer returned types}}
  %0 = nn.cast %x {to = 8 : i64} : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @cast_wrong_result(%x: tensor<2xf32>) {
  // expected-error @+2 {{'nn.cast' op inferred type(s) 'tensor<2xi64>' are incompatible with return type(s) of operation 'tensor<2xi32>'}}
  // expected-error @+1 {{'nn.cast' op failed to infer returned types}}
  %0 = nn.cast %x {to = 7 : i64} : (tensor<2xf32>) -> tensor<2xi32>
  return
}

// -----

func.func @depth_to_space_mode(%x: tensor<1x8x2x2xf32>) {
  // expected-error @+2 {{DepthToSpace mode must be DCR or CRD, got 'RDC'}}
  // expected-error @+1 {{'nn.depth_to_space' op failed to infer returned types}}
  %0 = nn.depth_to_space %x {blocksize = 2 : i64, mode = "RDC"} : (tensor<1x8x2x2xf32>) -> tensor<1x2x4x4xf32>
  return
}

// -----

func.func @depth_to_space_divide(%x: tensor<1x6x2x2xf32>) {
  // expected-error @+2 {{DepthToSpace blocksize 2 squared does not divide the 6 channels}}
  // expected-error @+1 {{'nn.depth_to_space' op failed to infer returned types}}
  %0 = nn.depth_to_space %x {blocksize = 2 : i64} : (tensor<1x6x2x2xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @depth_to_space_rank(%x: tensor<8x2x2xf32>) {
  // expected-error @+2 {{DepthToSpace input must have rank 4 (NCHW), got rank 3}}
  // expected-error @+1 {{'nn.depth_to_space' op failed to infer returned types}}
  %0 = nn.depth_to_space %x {blocksize = 2 : i64} : (tensor<8x2x2xf32>) -> tensor<2x4x4xf32>
  return
}

// -----

func.func @space_to_depth_divide(%x: tensor<1x2x3x4xf32>) {
  // expected-error @+2 {{SpaceToDepth blocksize 2 does not divide dimension 2 of size 3}}
  // expected-error @+1 {{'nn.space_to_depth' op failed to infer returned types}}
  %0 = nn.space_to_depth %x {blocksize = 2 : i64} : (tensor<1x2x3x4xf32>) -> tensor<1x8x1x2xf32>
  return
}

// -----

func.func @space_to_depth_blocksize(%x: tensor<1x2x4x4xf32>) {
  // expected-error @+2 {{SpaceToDepth blocksize must be positive, got 0}}
  // expected-error @+1 {{'nn.space_to_depth' op failed to infer returned types}}
  %0 = nn.space_to_depth %x {blocksize = 0 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return
}

// -----

func.func @reduce_duplicate(%x: tensor<2x3xf32>) {
  %a = nn.constant dense<[1, -1]> : tensor<2xi64>
  // expected-error @+2 {{ReduceSum has duplicate axis -1}}
  // expected-error @+1 {{'nn.reduce_sum' op failed to infer returned types}}
  %0 = nn.reduce_sum %x, %a : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x1xf32>
  return
}

// -----

func.func @reduce_range(%x: tensor<2x3xf32>) {
  %a = nn.constant dense<[2]> : tensor<1xi64>
  // expected-error @+2 {{ReduceMean axis 2 is out of range for rank 2}}
  // expected-error @+1 {{'nn.reduce_mean' op failed to infer returned types}}
  %0 = nn.reduce_mean %x, %a : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2x3xf32>
  return
}

// -----

func.func @reduce_axes_rank(%x: tensor<2x3xf32>, %a: tensor<1x1xi64>) {
  // expected-error @+2 {{ReduceMax axes must be a 1-D tensor, got rank 2}}
  // expected-error @+1 {{'nn.reduce_max' op failed to infer returned types}}
  %0 = nn.reduce_max %x, %a : (tensor<2x3xf32>, tensor<1x1xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @arg_max_axis(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{ArgMax axis -3 is out of range for rank 2}}
  // expected-error @+1 {{'nn.arg_max' op failed to infer returned types}}
  %0 = nn.arg_max %x {axis = -3 : i64} : (tensor<2x3xf32>) -> tensor<2x3xi64>
  return
}
