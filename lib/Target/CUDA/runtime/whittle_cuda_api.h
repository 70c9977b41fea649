//===- whittle_cuda_api.h - a compiled model, whatever its name -*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Every emitted model also exports `whittle_cuda_model()`, its C API and
// its inputs and outputs under one name, so that run_model.cpp is the same
// program for every model.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_CUDA_API_H
#define WHITTLE_CUDA_API_H

#include "whittle_tb.h"

#include <cstddef>

struct whittle_cuda_model_api {
  const char *name;
  int inputCount, outputCount;
  /// The inputs and outputs as the float and the integer (--integer-io)
  /// runs take and give them.
  const whittle_tb::TensorSpec *inputs, *integerInputs, *outputs,
      *integerOutputs;
  void *(*create)(const char *weightsPath, char *error, size_t errorSize);
  int (*run)(void *model, const void *const *inputs, void *const *outputs,
             int integerIO, int deviceBuffers, cudaStream_t stream);
  void (*destroy)(void *model);
};

extern "C" const whittle_cuda_model_api *whittle_cuda_model(void);

#endif // WHITTLE_CUDA_API_H
