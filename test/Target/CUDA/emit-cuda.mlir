// RUN: whittle-opt --whittle-cuda-plan=gpu=sm_80 %S/plan-kernels.mlir | whittle-translate --emit-cuda --cuda-model-name tiny | FileCheck %s
// RUN: rm -rf %t && whittle-opt --whittle-cuda-plan %S/plan-kernels.mlir | whittle-translate --emit-cuda --cuda-model-name tiny --cuda-project-dir %t -o /dev/null
// RUN: ls %t %t/cuda %t/include | FileCheck %s --check-prefix=FILES
// RUN: FileCheck %s --check-prefix=HEADER < %t/include/tiny.h
// RUN: FileCheck %s --check-prefix=CMAKE < %t/CMakeLists.txt
// RUN: not whittle-translate --emit-cuda %s 2>&1 | FileCheck %s --check-prefix=UNPLANNED

// The emitter prints what the plan says, one launch per kernel: the
// tile, the epilogue and every buffer come from the attributes.

// CHECK: #include "whittle_cuda_model.h"
// CHECK: constexpr int64_t kArenaBytes = [[ARENA:[0-9]+]];
// CHECK: cudaError_t runLayers(char *a, const char *w, bool integer,
// --integer-io starts after the input's quantize: a copy into NHWC.
// CHECK:      if (integer) {
// CHECK-NEXT:   if ((e = copy<int8_t>(at<const int8_t>(a, {{[0-9]+}}), View{4, {2, 16, 8, 8}, {1024, 64, 8, 1}}, at<int8_t>(a, [[Q:[0-9]+]]), View{4, {2, 16, 8, 8}, {1024, 1, 128, 16}}, stream))
// CHECK:      } else {
// CHECK-NEXT:   if ((e = quantize(at<const float>(a, {{[0-9]+}}), View{4, {2, 16, 8, 8}, {1024, 64, 8, 1}}, at<int8_t>(a, [[Q]]), View{4, {2, 16, 8, 8}, {1024, 1, 128, 16}}, at<const float>(w, {{[0-9]+}}), at<const int32_t>(w, {{[0-9]+}}), -1, stream))
// CHECK:      RequantizeEpilogue<false> epilogue;
// CHECK:      epilogue.perColumnScale = false;
// CHECK:      const ConvShape shape{2, 8, 8, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 8, 8};
// CHECK:      launchConv2d<GemmTile<{{[0-9, ]+}}>>(shape, at<const int8_t>(a, [[Q]]), 0,
// CHECK:      launchDepthwiseConv2d(shape,
// The residual add rides in the 1x1 convolution's epilogue.
// CHECK:      epilogue.residual = at<const int8_t>(a, [[Q]]);
// CHECK-NEXT: epilogue.ldResidual = 16;
// CHECK:      const ConvShape shape{2, 8, 8, 16, 16, 1, 1,
// CHECK:      launchConv2d<GemmTile<
// The flatten copies NHWC into row-major order.
// CHECK:      reshapeCopy<int8_t>({{.*}}View{4, {2, 16, 8, 8}, {1024, 1, 128, 16}}, {{.*}}View{2, {2, 1024}, {1024, 1}}, stream)
// CHECK:      launchGemm<GemmTile<{{[0-9, ]+}}>>({{.*}}, 1024, {{.*}}, 1024, shape.batch, 10, 1024, epilogue, stream)
// CHECK:      if (!integer) {
// CHECK-NEXT:   if ((e = dequantize(
// CHECK:      maxPool2d(ConvShape{2, 8, 8, 16, 16, 2, 2, 2, 2, 0, 0, 1, 1, 4, 4}
// Weight zero points: the kernel sums its inputs.
// CHECK:      RequantizeEpilogue<true> epilogue;
// CHECK:      epilogue.bZeroPoints = at<const int32_t>(w,
// CHECK:      launchDirectConv2d(shape, 4,
// CHECK:      globalAvgPool(2, 4, 4,
// CHECK:      // The outputs into their staging regions.
// CHECK: const whittle_tb::TensorSpec kInputs[] = {
// CHECK-NEXT: {"image", "<f4", 4, {2, 16, 8, 8}},
// CHECK: const whittle_tb::TensorSpec kIntegerInputs[] = {
// CHECK-NEXT: {"image", "|i1", 4, {2, 16, 8, 8}},
// CHECK: const whittle_tb::TensorSpec kIntegerOutputs[] = {
// CHECK-NEXT: {"logits", "|i1", 2, {2, 10}},
// CHECK-NEXT: {"output_1", "|i1", 2, {2, 4}},
// CHECK: #define WHITTLE_MODEL_NAME tiny
// CHECK-NEXT: #include "whittle_cuda_model_api.inc"

// FILES: CMakeLists.txt
// FILES: cuda
// FILES: include
// FILES: model.qnn.mlir
// FILES: report.json
// FILES: weights.bin
// FILES: model.cu
// FILES: run_model.cpp
// FILES: whittle_cuda_gemm.cuh
// FILES: whittle_cuda_model_api.inc
// FILES: whittle_hls_arith.h
// FILES: tiny.h

// HEADER: whittle_tiny *whittle_tiny_create(const char *weights_path, char *error, size_t error_size);
// HEADER: int whittle_tiny_run(whittle_tiny *model, const void *const *inputs,
// HEADER: void whittle_tiny_destroy(whittle_tiny *model);

// CMAKE: option(WHITTLE_CUDA_HOST
// CMAKE: set_target_properties(tiny PROPERTIES CUDA_ARCHITECTURES 90a)

// UNPLANNED: error: is not planned for CUDA (no whittle.cuda.arena_bytes); run whittle-cuda-plan first
module {
  func.func @main(%arg0: tensor<2x8xi8>) -> tensor<2x8xi8> {
    return %arg0 : tensor<2x8xi8>
  }
}
