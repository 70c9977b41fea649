//===- InitAllTranslations.h - register whittle translations ----*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_INITALLTRANSLATIONS_H
#define WHITTLE_INITALLTRANSLATIONS_H

namespace whittle {

/// Registers `--import-onnx` (binary and textual ONNX to nn).
void registerImportONNXTranslation();
/// Registers `--export-onnx` (nn to a binary ONNX model).
void registerExportONNXTranslation();

namespace cuda {
/// Registers `--emit-cuda` (a planned qnn model to CUDA).
void registerEmitCUDATranslation();
} // namespace cuda

namespace hlscpp {
/// Registers `--emit-hls` (a planned qnn model to Vitis HLS C++).
void registerEmitHLSTranslation();
} // namespace hlscpp

inline void registerAllTranslations() {
  registerImportONNXTranslation();
  registerExportONNXTranslation();
  cuda::registerEmitCUDATranslation();
  hlscpp::registerEmitHLSTranslation();
}

} // namespace whittle

#endif // WHITTLE_INITALLTRANSLATIONS_H
