// RUN: whittle-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(whittle-vectorize-contractions{int8-kernel=vnni}),canonicalize)' | FileCheck %s --check-prefix=VNNI
// RUN: whittle-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(whittle-vectorize-contractions{int8-kernel=vpmaddwd}),canonicalize)' | FileCheck %s --check-prefix=WD
// RUN: whittle-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(whittle-vectorize-contractions{int8-kernel=none}),canonicalize)' | FileCheck %s --check-prefix=NONE
// RUN: whittle-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(whittle-vectorize-contractions{int8-kernel=vnni}),canonicalize,func.func(whittle-x86-dot-products))' | FileCheck %s --check-prefix=INTR

// A 3x3 convolution of bytes with constant weights (K = 27: 6 groups of
// 4 and a last group of 3 rows padded with zero weights; P = 49 pixels:
// one panel of 32 and a 17-pixel tail; M = 7: a 6-row block and 1 row).
// vnni packs the im2col as x xor 0x80 into 4-byte lanes, starts the
// accumulators at init - 128 * sum(w) (folded: 27 weights of 2 per
// filter, -6912) and multiplies with marked u8 x s8 group reductions;
// vpmaddwd packs i16 pairs and needs no correction; none keeps the i32
// outer-product kernel.
// VNNI-LABEL: func @conv_bytes
// VNNI-DAG: arith.constant dense<-6912>
// VNNI-DAG: arith.constant dense<-128> : vector<16xi8>
// VNNI: tensor.pad %{{.+}} low[0, 0] high[0, 1]
// VNNI: tensor<7x27xi8> to tensor<7x28xi8>
// VNNI: tensor.empty() : tensor<1x2x7x128xi8>
// VNNI: arith.xori
// VNNI: vector.interleave {{.*}} : vector<16xi8> -> vector<32xi8>
// VNNI: vector.interleave {{.*}} : vector<16xi16> -> vector<32xi16>
// VNNI: scf.for
// VNNI: vector.transfer_read {{.*}} : tensor<1x2x7x128xi8>, vector<64xi8>
// VNNI: arith.extui {{.*}} : vector<16x4xi8> to vector<16x4xi32>
// VNNI: vector.multi_reduction <add>, {{.*}} {whittle.x86_dot = "llvm.x86.avx512.vpdpbusd.512"} [1] : vector<16x4xi32> to vector<16xi32>
// VNNI-NOT: vector.contract
// VNNI: return
// WD-LABEL: func @conv_bytes
// WD-NOT: arith.xori
// WD: tensor.empty() : tensor<1x4x14x32xi16>
// WD: arith.extsi {{.*}} : vector<8xi8> to vector<8xi16>
// WD: vector.interleave {{.*}} : vector<8xi16> -> vector<16xi16>
// WD: vector.multi_reduction <add>, {{.*}} {whittle.x86_dot = "llvm.x86.avx2.pmadd.wd"} [1] : vector<8x2xi32> to vector<8xi32>
// WD: return
// NONE-LABEL: func @conv_bytes
// NONE-NOT: x86_dot
// NONE: vector.contract
// NONE-NOT: x86_dot
// INTR-LABEL: func @conv_bytes
// INTR-NOT: vector.multi_reduction
// INTR: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"({{.*}}) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// INTR-NOT: vector.multi_reduction
func.func @conv_bytes(%x: tensor<1x3x9x9xi8>, %init: tensor<1x7x7x7xi32>) -> tensor<1x7x7x7xi32> {
  %w = arith.constant dense<2> : tensor<7x3x3x3xi8>
  %e = tensor.empty() : tensor<7x3x3x3xi32>
  %we = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%w : tensor<7x3x3x3xi8>) outs(%e : tensor<7x3x3x3xi32>) {
  ^bb0(%a: i8, %b: i32):
    %s = arith.extsi %a : i8 to i32
    linalg.yield %s : i32
  } -> tensor<7x3x3x3xi32>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %we : tensor<1x3x9x9xi8>, tensor<7x3x3x3xi32>) outs(%init : tensor<1x7x7x7xi32>) -> tensor<1x7x7x7xi32>
  return %0 : tensor<1x7x7x7xi32>
}

// -----

// A batch of two runs image by image, each image on the dot-product
// kernel: the per-image convolution sees the weights' bytes through the
// same sign extension.
// VNNI-LABEL: func @conv_bytes_batch
// VNNI: scf.for %[[N:.+]] = %c0 to %c2 step %c1
// VNNI: tensor.extract_slice %{{.+}}[%[[N]], 0, 0, 0] [1, 3, 9, 9] [1, 1, 1, 1]
// VNNI: whittle.x86_dot = "llvm.x86.avx512.vpdpbusd.512"
// VNNI: tensor.insert_slice %{{.+}}[%[[N]], 0, 0, 0] [1, 7, 7, 7] [1, 1, 1, 1]
// WD-LABEL: func @conv_bytes_batch
// WD: scf.for
// WD: whittle.x86_dot = "llvm.x86.avx2.pmadd.wd"
func.func @conv_bytes_batch(%x: tensor<2x3x9x9xi8>, %init: tensor<2x7x7x7xi32>) -> tensor<2x7x7x7xi32> {
  %w = arith.constant dense<2> : tensor<7x3x3x3xi8>
  %e = tensor.empty() : tensor<7x3x3x3xi32>
  %we = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%w : tensor<7x3x3x3xi8>) outs(%e : tensor<7x3x3x3xi32>) {
  ^bb0(%a: i8, %b: i32):
    %s = arith.extsi %a : i8 to i32
    linalg.yield %s : i32
  } -> tensor<7x3x3x3xi32>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %we : tensor<2x3x9x9xi8>, tensor<7x3x3x3xi32>) outs(%init : tensor<2x7x7x7xi32>) -> tensor<2x7x7x7xi32>
  return %0 : tensor<2x7x7x7xi32>
}

// -----

// Weights that are function arguments: the correction is a reduction at
// run time; a 1x1 convolution with unit strides packs its input in place.
// VNNI-LABEL: func @pointwise_runtime_weights
// VNNI: tensor.collapse_shape %{{.+}} {{\[}}[0], [1], [2, 3]] : tensor<1x8x4x8xi8> into tensor<1x8x32xi8>
// VNNI: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// VNNI: arith.shli
// VNNI: whittle.x86_dot
// WD-LABEL: func @pointwise_runtime_weights
// WD-NOT: arith.shli
// WD: whittle.x86_dot
func.func @pointwise_runtime_weights(%x: tensor<1x8x4x8xi8>, %w: tensor<6x8x1x1xi8>, %init: tensor<1x6x4x8xi32>) -> tensor<1x6x4x8xi32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x8x4x8xi8>, tensor<6x8x1x1xi8>) outs(%init : tensor<1x6x4x8xi32>) -> tensor<1x6x4x8xi32>
  return %0 : tensor<1x6x4x8xi32>
}

// -----

// Float convolutions keep the float kernel whatever int8-kernel says.
// VNNI-LABEL: func @conv_float
// VNNI-NOT: x86_dot
// VNNI: vector.contract {{.*}} : vector<6x16xf32>
func.func @conv_float(%x: tensor<1x16x4x8xf32>, %w: tensor<12x16x1x1xf32>, %init: tensor<1x12x4x8xf32>) -> tensor<1x12x4x8xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x16x4x8xf32>, tensor<12x16x1x1xf32>) outs(%init : tensor<1x12x4x8xf32>) -> tensor<1x12x4x8xf32>
  return %0 : tensor<1x12x4x8xf32>
}
