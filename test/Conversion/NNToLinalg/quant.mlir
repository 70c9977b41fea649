// RUN: whittle-opt %s --convert-nn-to-linalg -split-input-file | FileCheck %s

// Per-tensor uint8: divide, round half to even, clamp, convert, add the
// zero point (zero-extended) in int32 and saturate to [0, 255].
// CHECK-LABEL: func.func @quantize_per_tensor
// CHECK-SAME: (%[[X:.*]]: tensor<6xf32>, %[[S:.*]]: tensor<f32>, %[[Z:.*]]: tensor<i8>) -> tensor<6xi8>
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[X]], %[[S]], %[[Z]] : tensor<6xf32>, tensor<f32>, tensor<i8>)
// CHECK: ^bb0(%[[XV:.*]]: f32, %[[SV:.*]]: f32, %[[ZV:.*]]: i8, %{{.*}}: i8):
// CHECK: %[[Q:.*]] = arith.divf %[[XV]], %[[SV]] : f32
// CHECK: %[[R:.*]] = math.roundeven %[[Q]] : f32
// CHECK: %[[ZE:.*]] = arith.extui %[[ZV]] : i8 to i32
// CHECK: %[[LO:.*]] = arith.maxnumf %[[R]], %{{.*}} : f32
// CHECK: %[[HI:.*]] = arith.minnumf %[[LO]], %{{.*}} : f32
// CHECK: %[[I:.*]] = arith.fptosi %[[HI]] : f32 to i32
// CHECK: %[[SUM:.*]] = arith.addi %[[I]], %[[ZE]] : i32
// CHECK: %[[C0:.*]] = arith.constant 0 : i32
// CHECK: %[[MAX:.*]] = arith.maxsi %[[SUM]], %[[C0]] : i32
// CHECK: %[[C255:.*]] = arith.constant 255 : i32
// CHECK: %[[MIN:.*]] = arith.minsi %[[MAX]], %[[C255]] : i32
// CHECK: %[[T:.*]] = arith.trunci %[[MIN]] : i32 to i8
// CHECK: linalg.yield %[[T]] : i8
func.func @quantize_per_tensor(%x: tensor<6xf32>, %s: tensor<f32>, %z: tensor<ui8>) -> tensor<6xui8> {
  %y = nn.quantize_linear %x, %s, %z : (tensor<6xf32>, tensor<f32>, tensor<ui8>) -> tensor<6xui8>
  return %y : tensor<6xui8>
}

// -----

// Per-axis int8 with a negative axis: the parameters are read along
// dimension 1; signed zero points sign-extend.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[AX:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @quantize_per_axis
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[AX]], #[[AX]], #[[ID]]]
// CHECK: math.roundeven
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: arith.constant -128 : i32
// CHECK: arith.constant 127 : i32
func.func @quantize_per_axis(%x: tensor<2x3x4xf32>, %s: tensor<3xf32>, %z: tensor<3xi8>) -> tensor<2x3x4xi8> {
  %y = nn.quantize_linear %x, %s, %z {axis = -2 : i64} : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xi8>) -> tensor<2x3x4xi8>
  return %y : tensor<2x3x4xi8>
}

// -----

// Without a zero point; f16 divides in f16 (as the reference does) and
// widens to f32 before the clamp. uint16 output.
// CHECK-LABEL: func.func @quantize_f16_no_zero_point
// CHECK: ins(%{{.*}}, %{{.*}} : tensor<4xf16>, tensor<1xf16>)
// CHECK: arith.divf %{{.*}}, %{{.*}} : f16
// CHECK: math.roundeven %{{.*}} : f16
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK-NOT: arith.addi
// CHECK: arith.constant 65535 : i32
// CHECK: arith.trunci %{{.*}} : i32 to i16
func.func @quantize_f16_no_zero_point(%x: tensor<4xf16>, %s: tensor<1xf16>) -> tensor<4xui16> {
  %none = nn.none
  %y = nn.quantize_linear %x, %s, %none {output_dtype = 4 : i64} : (tensor<4xf16>, tensor<1xf16>, none) -> tensor<4xui16>
  return %y : tensor<4xui16>
}

// -----

// Blocked quantization reads the parameters at axis / block_size.
// CHECK-DAG: #[[BLK:.*]] = affine_map<(d0, d1) -> (d0, d1 floordiv 2)>
// CHECK-LABEL: func.func @quantize_blocked
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[BLK]], #[[BLK]], #{{.*}}]
// CHECK: arith.constant -32768 : i32
func.func @quantize_blocked(%x: tensor<2x3xf32>, %s: tensor<2x2xf32>, %z: tensor<2x2xi16>) -> tensor<2x3xi16> {
  %y = nn.quantize_linear %x, %s, %z {block_size = 2 : i64} : (tensor<2x3xf32>, tensor<2x2xf32>, tensor<2x2xi16>) -> tensor<2x3xi16>
  return %y : tensor<2x3xi16>
}

// -----

// int32 data divides in double, as numpy does.
// CHECK-LABEL: func.func @quantize_i32
// CHECK: arith.sitofp %{{.*}} : i32 to f64
// CHECK: arith.sitofp %{{.*}} : i32 to f64
// CHECK: arith.divf %{{.*}}, %{{.*}} : f64
// CHECK: math.roundeven %{{.*}} : f64
// CHECK: arith.fptosi %{{.*}} : f64 to i32
func.func @quantize_i32(%x: tensor<4xi32>, %s: tensor<i32>, %z: tensor<i8>) -> tensor<4xi8> {
  %y = nn.quantize_linear %x, %s, %z : (tensor<4xi32>, tensor<i32>, tensor<i8>) -> tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

// (float(x) - float(zp)) * scale, exact before the multiply.
// CHECK-LABEL: func.func @dequantize_per_tensor
// CHECK: linalg.generic
// CHECK: ^bb0(%[[XV:.*]]: i8, %[[SV:.*]]: f32, %[[ZV:.*]]: i8, %{{.*}}: f32):
// CHECK: %[[XF:.*]] = arith.uitofp %[[XV]] : i8 to f32
// CHECK: %[[ZF:.*]] = arith.uitofp %[[ZV]] : i8 to f32
// CHECK: %[[D:.*]] = arith.subf %[[XF]], %[[ZF]] : f32
// CHECK: %[[Y:.*]] = arith.mulf %[[D]], %[[SV]] : f32
// CHECK: linalg.yield %[[Y]] : f32
func.func @dequantize_per_tensor(%x: tensor<4xui8>, %s: tensor<f32>, %z: tensor<ui8>) -> tensor<4xf32> {
  %y = nn.dequantize_linear %x, %s, %z : (tensor<4xui8>, tensor<f32>, tensor<ui8>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Per-axis int8 dequantization to f16: the product is formed in f32 and
// rounded to f16 once.
// CHECK-DAG: #[[AX:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @dequantize_per_axis_f16
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[AX]], #[[AX]], #{{.*}}]
// CHECK: arith.sitofp %{{.*}} : i8 to f32
// CHECK: arith.sitofp %{{.*}} : i8 to f32
// CHECK: arith.subf
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.mulf
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @dequantize_per_axis_f16(%x: tensor<4x3xi8>, %s: tensor<4xf16>, %z: tensor<4xi8>) -> tensor<4x3xf16> {
  %y = nn.dequantize_linear %x, %s, %z {axis = 0 : i64} : (tensor<4x3xi8>, tensor<4xf16>, tensor<4xi8>) -> tensor<4x3xf16>
  return %y : tensor<4x3xf16>
}

// -----

// An int32 bias with an int32 zero point: numpy goes through double.
// CHECK-LABEL: func.func @dequantize_i32
// CHECK: arith.sitofp %{{.*}} : i32 to f32
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK: arith.sitofp %{{.*}} : i32 to f64
// CHECK: arith.subf %{{.*}}, %{{.*}} : f64
// CHECK: arith.mulf %{{.*}}, %{{.*}} : f64
// CHECK: arith.truncf %{{.*}} : f64 to f32
func.func @dequantize_i32(%x: tensor<8xi32>, %s: tensor<f32>, %z: tensor<i32>) -> tensor<8xf32> {
  %y = nn.dequantize_linear %x, %s, %z : (tensor<8xi32>, tensor<f32>, tensor<i32>) -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// One reduction finds max(0, max(x)) and min(0, min(x)); scale and zero
// point are scalars; y is quantized with them.
// CHECK-LABEL: func.func @dynamic_quantize
// CHECK-SAME: -> (tensor<3x4xi8>, tensor<f32>, tensor<i8>)
// CHECK: %[[R:.*]]:2 = linalg.generic
// CHECK-SAME: iterator_types = ["reduction", "reduction"]
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: %[[MAX:.*]] = tensor.extract %[[R]]#0[]
// CHECK: %[[MIN:.*]] = tensor.extract %[[R]]#1[]
// CHECK: arith.cmpf oeq, %[[MAX]], %[[MIN]]
// CHECK: %[[SCALE:.*]] = arith.divf %{{.*}}, %{{.*}} : f32
// CHECK: %[[ZP:.*]] = math.roundeven
// CHECK: %[[Y:.*]] = linalg.generic
// CHECK: arith.divf %{{.*}}, %[[SCALE]] : f32
// CHECK: math.roundeven
// CHECK: arith.addf %{{.*}}, %[[ZP]] : f32
// CHECK: arith.fptoui %{{.*}} : f32 to i8
// CHECK: %[[ST:.*]] = tensor.from_elements %[[SCALE]] : tensor<f32>
// CHECK: %[[ZI:.*]] = arith.fptoui %[[ZP]] : f32 to i8
// CHECK: %[[ZT:.*]] = tensor.from_elements %[[ZI]] : tensor<i8>
// CHECK: return %[[Y]], %[[ST]], %[[ZT]]
func.func @dynamic_quantize(%x: tensor<3x4xf32>) -> (tensor<3x4xui8>, tensor<f32>, tensor<ui8>) {
  %y, %s, %z = nn.dynamic_quantize_linear %x : (tensor<3x4xf32>) -> (tensor<3x4xui8>, tensor<f32>, tensor<ui8>)
  return %y, %s, %z : tensor<3x4xui8>, tensor<f32>, tensor<ui8>
}

// -----

// Zero points are subtracted in int32 before padding, so padding stands for
// the zero point; the convolution accumulates in int32.
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d0)>
// CHECK-LABEL: func.func @conv_integer
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x3x3xi8>, %[[W:.*]]: tensor<2x1x2x2xi8>, %[[XZ:.*]]: tensor<i8>, %[[WZ:.*]]: tensor<2xi8>)
// CHECK: %[[X32:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[XZ]] : tensor<1x1x3x3xi8>, tensor<i8>)
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.subi
// CHECK: %[[W32:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[CH]], #{{.*}}]{{.*}} ins(%[[W]], %[[WZ]] : tensor<2x1x2x2xi8>, tensor<2xi8>)
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: %[[PAD:.*]] = tensor.pad %[[X32]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %{{.*}} : i32
// CHECK: %[[INIT:.*]] = linalg.fill
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x1x1x5x5xi32>, tensor<1x2x1x2x2xi32>)
// CHECK: arith.muli
// CHECK: arith.addi
// CHECK: tensor.collapse_shape {{.*}} into tensor<1x2x4x4xi32>
func.func @conv_integer(%x: tensor<1x1x3x3xui8>, %w: tensor<2x1x2x2xi8>, %xz: tensor<ui8>, %wz: tensor<2xi8>) -> tensor<1x2x4x4xi32> {
  %y = nn.conv_integer %x, %w, %xz, %wz {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x3x3xui8>, tensor<2x1x2x2xi8>, tensor<ui8>, tensor<2xi8>) -> tensor<1x2x4x4xi32>
  return %y : tensor<1x2x4x4xi32>
}

// -----

// Without zero points the operands are only extended.
// CHECK-LABEL: func.func @conv_integer_no_zero_points
// CHECK: linalg.generic
// CHECK-NOT: arith.subi
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK-NEXT: linalg.yield
// CHECK: linalg.generic
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK-NEXT: linalg.yield
// CHECK-NOT: tensor.pad
// CHECK: arith.muli
func.func @conv_integer_no_zero_points(%x: tensor<1x2x4x4xi8>, %w: tensor<2x1x3x3xi8>) -> tensor<1x2x2x2xi32> {
  %none = nn.none
  %y = nn.conv_integer %x, %w, %none, %none {group = 2 : i64} : (tensor<1x2x4x4xi8>, tensor<2x1x3x3xi8>, none, none) -> tensor<1x2x2x2xi32>
  return %y : tensor<1x2x2x2xi32>
}

// -----

// The bias initializes the int32 accumulator; the requantization uses the
// f32 multiplier (x_scale * w_scale) / y_scale, with w_scale per output
// channel (dimension 1 of y), then multiplies and adds the zero point in
// f64 as the reference's numpy promotion does.
// CHECK-DAG: #[[BIAS:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1, d2, d3) -> ()>
// CHECK-LABEL: func.func @qlinear_conv
// CHECK-SAME: %[[B:[a-z0-9]+]]: tensor<2xi32>) -> tensor<1x2x2x2xi8>
// CHECK: %[[INIT:.*]] = linalg.generic {indexing_maps = [#[[BIAS]], #{{.*}}]{{.*}} ins(%[[B]] : tensor<2xi32>)
// CHECK: %[[ACC:.*]] = tensor.collapse_shape
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[SCALAR]], #[[BIAS]], #[[SCALAR]], #[[SCALAR]], #{{.*}}]
// CHECK-SAME: ins(%[[ACC]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x2x2x2xi32>, tensor<f32>, tensor<2xf32>, tensor<f32>, tensor<i8>)
// CHECK: ^bb0(%[[A:.*]]: i32, %[[XS:.*]]: f32, %[[WS:.*]]: f32, %[[YS:.*]]: f32, %[[YZ:.*]]: i8, %{{.*}}: i8):
// CHECK: %[[P:.*]] = arith.mulf %[[XS]], %[[WS]] : f32
// CHECK: %[[M:.*]] = arith.divf %[[P]], %[[YS]] : f32
// CHECK: %[[MD:.*]] = arith.extf %[[M]] : f32 to f64
// CHECK: %[[AF:.*]] = arith.sitofp %[[A]] : i32 to f64
// CHECK: %[[V:.*]] = arith.mulf %[[AF]], %[[MD]] : f64
// CHECK: %[[ZF:.*]] = arith.sitofp %[[YZ]] : i8 to f64
// CHECK: %[[S:.*]] = arith.addf %[[V]], %[[ZF]] : f64
// CHECK: %[[R:.*]] = math.roundeven %[[S]] : f64
// CHECK: arith.maxnumf %[[R]]
// CHECK: arith.fptosi %{{.*}} : f64 to i32
// CHECK-NOT: arith.addi
// CHECK: arith.constant -128 : i32
func.func @qlinear_conv(%x: tensor<1x1x3x3xui8>, %xs: tensor<f32>, %xz: tensor<ui8>,
                        %w: tensor<2x1x2x2xi8>, %ws: tensor<2xf32>, %wz: tensor<2xi8>,
                        %ys: tensor<f32>, %yz: tensor<i8>, %b: tensor<2xi32>) -> tensor<1x2x2x2xi8> {
  %y = nn.qlinear_conv %x, %xs, %xz, %w, %ws, %wz, %ys, %yz, %b : (tensor<1x1x3x3xui8>, tensor<f32>, tensor<ui8>, tensor<2x1x2x2xi8>, tensor<2xf32>, tensor<2xi8>, tensor<f32>, tensor<i8>, tensor<2xi32>) -> tensor<1x2x2x2xi8>
  return %y : tensor<1x2x2x2xi8>
}

// -----

// Per-row zero points of A are read along its rows (reshaped to M x 1),
// per-column ones of B along its columns; the product is an int32 matmul.
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @matmul_integer
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1]] output_shape [4, 1] : tensor<4xi8> into tensor<4x1xi8>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[ROW]], #{{.*}}]
// CHECK: arith.extui
// CHECK: arith.subi
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[COL]], #{{.*}}]
// CHECK: arith.extsi
// CHECK: arith.subi
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x3xi32>, tensor<3x2xi32>) outs(%{{.*}} : tensor<4x2xi32>)
func.func @matmul_integer(%a: tensor<4x3xui8>, %b: tensor<3x2xi8>, %az: tensor<4xui8>, %bz: tensor<2xi8>) -> tensor<4x2xi32> {
  %y = nn.matmul_integer %a, %b, %az, %bz : (tensor<4x3xui8>, tensor<3x2xi8>, tensor<4xui8>, tensor<2xi8>) -> tensor<4x2xi32>
  return %y : tensor<4x2xi32>
}

// -----

// Batched with B broadcast over the batch, no zero points.
// CHECK-LABEL: func.func @matmul_integer_batched
// CHECK-NOT: arith.subi
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<2x4x3xi32>, tensor<2x3x5xi32>)
func.func @matmul_integer_batched(%a: tensor<2x4x3xi8>, %b: tensor<2x3x5xi8>) -> tensor<2x4x5xi32> {
  %none = nn.none
  %y = nn.matmul_integer %a, %b, %none, %none : (tensor<2x4x3xi8>, tensor<2x3x5xi8>, none, none) -> tensor<2x4x5xi32>
  return %y : tensor<2x4x5xi32>
}

// -----

// Per-tensor scales and zero points are read at a single position; a
// per-column b_scale along the last dimension of the product.
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1, d2) -> ()>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-DAG: #[[FIRST:.*]] = affine_map<(d0, d1, d2) -> (0)>
// CHECK-LABEL: func.func @qlinear_matmul
// CHECK: %[[ACC:.*]] = tensor.expand_shape {{.*}} into tensor<2x4x5xi32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[SCALAR]], #[[COL]], #[[FIRST]], #[[FIRST]], #{{.*}}]
// CHECK-SAME: ins(%[[ACC]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x4x5xi32>, tensor<f32>, tensor<5xf32>, tensor<1xf32>, tensor<1xi8>)
// CHECK: arith.mulf
// CHECK: arith.divf
// CHECK: arith.sitofp %{{.*}} : i32 to f64
// CHECK: arith.uitofp %{{.*}} : i8 to f64
// CHECK: math.roundeven
// CHECK: arith.constant 255 : i32
func.func @qlinear_matmul(%a: tensor<2x4x3xui8>, %as: tensor<f32>, %az: tensor<ui8>,
                          %b: tensor<3x5xi8>, %bs: tensor<5xf32>, %bz: tensor<5xi8>,
                          %ys: tensor<1xf32>, %yz: tensor<1xui8>) -> tensor<2x4x5xui8> {
  %y = nn.qlinear_matmul %a, %as, %az, %b, %bs, %bz, %ys, %yz : (tensor<2x4x3xui8>, tensor<f32>, tensor<ui8>, tensor<3x5xi8>, tensor<5xf32>, tensor<5xi8>, tensor<1xf32>, tensor<1xui8>) -> tensor<2x4x5xui8>
  return %y : tensor<2x4x5xui8>
}

// -----

// A 1-D right operand: the product keeps N = 1 until the final reshape.
// CHECK-LABEL: func.func @qlinear_matmul_vector
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<8x3xi32>, tensor<3x1xi32>)
// CHECK: linalg.generic
// CHECK-SAME: tensor<2x4x1xi32>
// CHECK: tensor.expand_shape {{.*}} into tensor<2x4xi8>
func.func @qlinear_matmul_vector(%a: tensor<2x4x3xi8>, %as: tensor<f32>, %az: tensor<i8>,
                                 %v: tensor<3xi8>, %vs: tensor<f32>, %vz: tensor<i8>,
                                 %ys: tensor<f32>, %yz: tensor<i8>) -> tensor<2x4xi8> {
  %y = nn.qlinear_matmul %a, %as, %az, %v, %vs, %vz, %ys, %yz : (tensor<2x4x3xi8>, tensor<f32>, tensor<i8>, tensor<3xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<i8>) -> tensor<2x4xi8>
  return %y : tensor<2x4xi8>
}
