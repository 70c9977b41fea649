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
