// RUN: whittle-opt %s | whittle-opt | FileCheck %s

// CHECK-LABEL: func.func @quantize
func.func @quantize(%x: tensor<2x3xf32>, %s: tensor<f32>, %zu: tensor<ui8>,
                    %zi: tensor<i8>, %sa: tensor<3xf32>, %za: tensor<3xi8>,
                    %sb: tensor<2x2xf32>, %zb: tensor<2x2xi16>,
                    %xh: tensor<4xf16>, %sh: tensor<f16>) {
  %none = nn.none
  // CHECK: nn.quantize_linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x3xui8>
  %0 = nn.quantize_linear %x, %s, %zu : (tensor<2x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x3xui8>
  // CHECK: nn.quantize_linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<f32>, tensor<i8>) -> tensor<2x3xi8>
  %1 = nn.quantize_linear %x, %s, %zi : (tensor<2x3xf32>, tensor<f32>, tensor<i8>) -> tensor<2x3xi8>
  // CHECK: nn.quantize_linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xi8>) -> tensor<2x3xi8>
  %2 = nn.quantize_linear %x, %sa, %za {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xi8>) -> tensor<2x3xi8>
  // CHECK: nn.quantize_linear %{{.*}}, %{{.*}}, %{{.*}} {block_size = 2 : i64} : (tensor<2x3xf32>, tensor<2x2xf32>, tensor<2x2xi16>) -> tensor<2x3xi16>
  %3 = nn.quantize_linear %x, %sb, %zb {block_size = 2 : i64} : (tensor<2x3xf32>, tensor<2x2xf32>, tensor<2x2xi16>) -> tensor<2x3xi16>
  // CHECK: nn.quantize_linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<f32>, none) -> tensor<2x3xui8>
  %4 = nn.quantize_linear %x, %s, %none : (tensor<2x3xf32>, tensor<f32>, none) -> tensor<2x3xui8>
  // CHECK: nn.quantize_linear %{{.*}}, %{{.*}}, %{{.*}} {output_dtype = 3 : i64} : (tensor<4xf16>, tensor<f16>, none) -> tensor<4xi8>
  %5 = nn.quantize_linear %xh, %sh, %none {output_dtype = 3 : i64} : (tensor<4xf16>, tensor<f16>, none) -> tensor<4xi8>
  return
}

// CHECK-LABEL: func.func @dequantize
func.func @dequantize(%x: tensor<4x3xi8>, %s: tensor<f32>, %z: tensor<i8>,
                      %sa: tensor<4xf32>, %za: tensor<4xi8>,
                      %b: tensor<8xi32>, %sb: tensor<8xbf16>) {
  %none = nn.none
  // CHECK: nn.dequantize_linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4x3xi8>, tensor<f32>, tensor<i8>) -> tensor<4x3xf32>
  %0 = nn.dequantize_linear %x, %s, %z : (tensor<4x3xi8>, tensor<f32>, tensor<i8>) -> tensor<4x3xf32>
  // CHECK: nn.dequantize_linear %{{.*}}, %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<4x3xi8>, tensor<4xf32>, tensor<4xi8>) -> tensor<4x3xf32>
  %1 = nn.dequantize_linear %x, %sa, %za {axis = 0 : i64} : (tensor<4x3xi8>, tensor<4xf32>, tensor<4xi8>) -> tensor<4x3xf32>
  // CHECK: nn.dequantize_linear %{{.*}}, %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<8xi32>, tensor<8xbf16>, none) -> tensor<8xbf16>
  %2 = nn.dequantize_linear %b, %sb, %none {axis = 0 : i64} : (tensor<8xi32>, tensor<8xbf16>, none) -> tensor<8xbf16>
  return
}

// CHECK-LABEL: func.func @dynamic
func.func @dynamic(%x: tensor<3x4xf32>) -> tensor<3x4xui8> {
  // CHECK: nn.dynamic_quantize_linear %{{.*}} : (tensor<3x4xf32>) -> (tensor<3x4xui8>, tensor<f32>, tensor<ui8>)
  %y, %s, %z = nn.dynamic_quantize_linear %x : (tensor<3x4xf32>) -> (tensor<3x4xui8>, tensor<f32>, tensor<ui8>)
  return %y : tensor<3x4xui8>
}

// CHECK-LABEL: func.func @qlinear_conv
func.func @qlinear_conv(%x: tensor<1x3x8x8xui8>, %s: tensor<f32>, %zx: tensor<ui8>,
                        %w: tensor<4x3x3x3xi8>, %ws: tensor<4xf32>, %wz: tensor<4xi8>,
                        %zy: tensor<i8>, %b: tensor<4xi32>) {
  %none = nn.none
  // CHECK: nn.qlinear_conv {{.*}} {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xui8>, tensor<f32>, tensor<ui8>, tensor<4x3x3x3xi8>, tensor<4xf32>, tensor<4xi8>, tensor<f32>, tensor<i8>, tensor<4xi32>) -> tensor<1x4x8x8xi8>
  %0 = nn.qlinear_conv %x, %s, %zx, %w, %ws, %wz, %s, %zy, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xui8>, tensor<f32>, tensor<ui8>, tensor<4x3x3x3xi8>, tensor<4xf32>, tensor<4xi8>, tensor<f32>, tensor<i8>, tensor<4xi32>) -> tensor<1x4x8x8xi8>
  // CHECK: nn.qlinear_conv {{.*}} {strides = array<i64: 2, 2>} : (tensor<1x3x8x8xui8>, tensor<f32>, tensor<ui8>, tensor<4x3x3x3xi8>, tensor<4xf32>, tensor<4xi8>, tensor<f32>, tensor<ui8>, none) -> tensor<1x4x3x3xui8>
  %1 = nn.qlinear_conv %x, %s, %zx, %w, %ws, %wz, %s, %zx, %none {strides = array<i64: 2, 2>} : (tensor<1x3x8x8xui8>, tensor<f32>, tensor<ui8>, tensor<4x3x3x3xi8>, tensor<4xf32>, tensor<4xi8>, tensor<f32>, tensor<ui8>, none) -> tensor<1x4x3x3xui8>
  return
}

// CHECK-LABEL: func.func @conv_integer
func.func @conv_integer(%x: tensor<1x4x5x5xui8>, %w: tensor<6x2x3x3xui8>,
                        %zx: tensor<ui8>, %zw: tensor<6xui8>) {
  %none = nn.none
  // CHECK: nn.conv_integer {{.*}} {group = 2 : i64} : (tensor<1x4x5x5xui8>, tensor<6x2x3x3xui8>, tensor<ui8>, tensor<6xui8>) -> tensor<1x6x3x3xi32>
  %0 = nn.conv_integer %x, %w, %zx, %zw {group = 2 : i64} : (tensor<1x4x5x5xui8>, tensor<6x2x3x3xui8>, tensor<ui8>, tensor<6xui8>) -> tensor<1x6x3x3xi32>
  // CHECK: nn.conv_integer {{.*}} {auto_pad = "SAME_UPPER", group = 2 : i64} : (tensor<1x4x5x5xui8>, tensor<6x2x3x3xui8>, none, none) -> tensor<1x6x5x5xi32>
  %1 = nn.conv_integer %x, %w, %none, %none {auto_pad = "SAME_UPPER", group = 2 : i64} : (tensor<1x4x5x5xui8>, tensor<6x2x3x3xui8>, none, none) -> tensor<1x6x5x5xi32>
  return
}

// CHECK-LABEL: func.func @qlinear_matmul
func.func @qlinear_matmul(%a: tensor<2x4x3xui8>, %as: tensor<f32>, %az: tensor<ui8>,
                          %b: tensor<3x5xi8>, %bs: tensor<5xf32>, %bz: tensor<5xi8>,
                          %ys: tensor<1xf32>, %yz: tensor<1xi8>, %v: tensor<3xi8>,
                          %vs: tensor<f32>, %vz: tensor<i8>) {
  // CHECK: nn.qlinear_matmul {{.*}} : (tensor<2x4x3xui8>, tensor<f32>, tensor<ui8>, tensor<3x5xi8>, tensor<5xf32>, tensor<5xi8>, tensor<1xf32>, tensor<1xi8>) -> tensor<2x4x5xi8>
  %0 = nn.qlinear_matmul %a, %as, %az, %b, %bs, %bz, %ys, %yz : (tensor<2x4x3xui8>, tensor<f32>, tensor<ui8>, tensor<3x5xi8>, tensor<5xf32>, tensor<5xi8>, tensor<1xf32>, tensor<1xi8>) -> tensor<2x4x5xi8>
  // CHECK: nn.qlinear_matmul {{.*}} : (tensor<2x4x3xui8>, tensor<f32>, tensor<ui8>, tensor<3xi8>, tensor<f32>, tensor<i8>, tensor<1xf32>, tensor<1xi8>) -> tensor<2x4xi8>
  %1 = nn.qlinear_matmul %a, %as, %az, %v, %vs, %vz, %ys, %yz : (tensor<2x4x3xui8>, tensor<f32>, tensor<ui8>, tensor<3xi8>, tensor<f32>, tensor<i8>, tensor<1xf32>, tensor<1xi8>) -> tensor<2x4xi8>
  return
}

// CHECK-LABEL: func.func @matmul_integer
func.func @matmul_integer(%a: tensor<4x3xui8>, %b: tensor<2x3x5xi8>,
                          %az: tensor<4xui8>, %bz: tensor<2x1x5xi8>) {
  %none = nn.none
  // CHECK: nn.matmul_integer {{.*}} : (tensor<4x3xui8>, tensor<2x3x5xi8>, tensor<4xui8>, tensor<2x1x5xi8>) -> tensor<2x4x5xi32>
  %0 = nn.matmul_integer %a, %b, %az, %bz : (tensor<4x3xui8>, tensor<2x3x5xi8>, tensor<4xui8>, tensor<2x1x5xi8>) -> tensor<2x4x5xi32>
  // CHECK: nn.matmul_integer {{.*}} : (tensor<4x3xui8>, tensor<2x3x5xi8>, none, none) -> tensor<2x4x5xi32>
  %1 = nn.matmul_integer %a, %b, %none, %none : (tensor<4x3xui8>, tensor<2x3x5xi8>, none, none) -> tensor<2x4x5xi32>
  return
}

//===----------------------------------------------------------------------===//
// Quantized data with !quant.uniform element types
//===----------------------------------------------------------------------===//

!u8 = !quant.uniform<u8:f32, 5.000000e-01:128>
!i8 = !quant.uniform<i8:f32, 2.500000e-01>
!i8w = !quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01:-1,1.000000e+00,2.000000e+00:3}>
!i16 = !quant.uniform<i16:bf16:1, {5.000000e-01:-2,1.250000e-01}>

// Constant parameters are checked against the type (scales after rounding to
// the scale's float type: 0.1 matches the f32 constant 0.1); other
// parameters only by type and shape.
// CHECK-LABEL: func.func @quant_types
func.func @quant_types(%x: tensor<2x3xf32>, %xb: tensor<4x2xbf16>,
                       %s: tensor<f32>, %z: tensor<ui8>) {
  %none = nn.none
  %s05 = nn.constant dense<0.5> : tensor<f32>
  %z128 = nn.constant dense<128> : tensor<ui8>
  %s01 = nn.constant dense<0.1> : tensor<f32>
  %s16 = nn.constant dense<[0.5, 0.125]> : tensor<2xbf16>
  %z16 = nn.constant dense<[-2, 0]> : tensor<2xi16>
  // CHECK: nn.quantize_linear {{.*}} : (tensor<2x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x3x!quant.uniform<u8:f32, 5.000000e-01:128>>
  %0 = nn.quantize_linear %x, %s05, %z128 : (tensor<2x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x3x!u8>
  // CHECK: nn.dequantize_linear {{.*}} : (tensor<2x3x!quant.uniform<u8:f32, 5.000000e-01:128>>, tensor<f32>, tensor<ui8>) -> tensor<2x3xf32>
  %1 = nn.dequantize_linear %0, %s05, %z128 : (tensor<2x3x!u8>, tensor<f32>, tensor<ui8>) -> tensor<2x3xf32>
  // CHECK: nn.quantize_linear {{.*}} : (tensor<2x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x3x!quant.uniform<u8:f32, 5.000000e-01:128>>
  %2 = nn.quantize_linear %x, %s, %z : (tensor<2x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x3x!u8>
  // CHECK: nn.quantize_linear {{.*}} {output_dtype = 3 : i64} : (tensor<2x3xf32>, tensor<f32>, none) -> tensor<2x3x!quant.uniform<i8:f32, 1.000000e-01>>
  %3 = nn.quantize_linear %x, %s01, %none {output_dtype = 3 : i64} : (tensor<2x3xf32>, tensor<f32>, none) -> tensor<2x3x!quant.uniform<i8:f32, 0.1>>
  // CHECK: nn.quantize_linear {{.*}} : (tensor<4x2xbf16>, tensor<2xbf16>, tensor<2xi16>) -> tensor<4x2x!quant.uniform<i16:bf16:1, {5.000000e-01:-2,1.250000e-01}>>
  %4 = nn.quantize_linear %xb, %s16, %z16 : (tensor<4x2xbf16>, tensor<2xbf16>, tensor<2xi16>) -> tensor<4x2x!i16>
  // CHECK: nn.dequantize_linear {{.*}} {axis = -1 : i64} : (tensor<4x2x!quant.uniform<i16:bf16:1, {5.000000e-01:-2,1.250000e-01}>>, tensor<2xbf16>, tensor<2xi16>) -> tensor<4x2xbf16>
  %5 = nn.dequantize_linear %4, %s16, %z16 {axis = -1 : i64} : (tensor<4x2x!i16>, tensor<2xbf16>, tensor<2xi16>) -> tensor<4x2xbf16>
  return
}

// CHECK-LABEL: func.func @quant_typed_layers
func.func @quant_typed_layers(%x: tensor<1x3x8x8x!u8>, %w: tensor<4x3x3x3x!i8w>,
                              %a: tensor<4x3x!u8>, %b: tensor<3x2x!i8>) {
  %none = nn.none
  %s05 = nn.constant dense<0.5> : tensor<f32>
  %z128 = nn.constant dense<128> : tensor<ui8>
  %ws = nn.constant dense<[0.5, 0.25, 1.0, 2.0]> : tensor<4xf32>
  %wz = nn.constant dense<[0, -1, 0, 3]> : tensor<4xi8>
  %s025 = nn.constant dense<0.25> : tensor<f32>
  %z0 = nn.constant dense<0> : tensor<i8>
  // CHECK: nn.qlinear_conv {{.*}} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 5.000000e-01:128>>, tensor<f32>, tensor<ui8>, tensor<4x3x3x3x!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01:-1,1.000000e+00,2.000000e+00:3}>>, tensor<4xf32>, tensor<4xi8>, tensor<f32>, tensor<i8>, none) -> tensor<1x4x6x6x!quant.uniform<i8:f32, 2.500000e-01>>
  %0 = nn.qlinear_conv %x, %s05, %z128, %w, %ws, %wz, %s025, %z0, %none : (tensor<1x3x8x8x!u8>, tensor<f32>, tensor<ui8>, tensor<4x3x3x3x!i8w>, tensor<4xf32>, tensor<4xi8>, tensor<f32>, tensor<i8>, none) -> tensor<1x4x6x6x!i8>
  // CHECK: nn.conv_integer {{.*}} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 5.000000e-01:128>>, tensor<4x3x3x3x!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01:-1,1.000000e+00,2.000000e+00:3}>>, tensor<ui8>, tensor<4xi8>) -> tensor<1x4x6x6xi32>
  %1 = nn.conv_integer %x, %w, %z128, %wz : (tensor<1x3x8x8x!u8>, tensor<4x3x3x3x!i8w>, tensor<ui8>, tensor<4xi8>) -> tensor<1x4x6x6xi32>
  // CHECK: nn.qlinear_matmul {{.*}} : (tensor<4x3x!quant.uniform<u8:f32, 5.000000e-01:128>>, tensor<f32>, tensor<ui8>, tensor<3x2x!quant.uniform<i8:f32, 2.500000e-01>>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<4x2xui8>
  %2 = nn.qlinear_matmul %a, %s05, %z128, %b, %s025, %z0, %s05, %z128 : (tensor<4x3x!u8>, tensor<f32>, tensor<ui8>, tensor<3x2x!i8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<4x2xui8>
  // A missing zero point means 0, as in !i8.
  // CHECK: nn.matmul_integer {{.*}} : (tensor<4x3x!quant.uniform<u8:f32, 5.000000e-01:128>>, tensor<3x2x!quant.uniform<i8:f32, 2.500000e-01>>, tensor<ui8>, none) -> tensor<4x2xi32>
  %3 = nn.matmul_integer %a, %b, %z128, %none : (tensor<4x3x!u8>, tensor<3x2x!i8>, tensor<ui8>, none) -> tensor<4x2xi32>
  return
}
