//===- run_model.cpp - run a compiled CUDA model on .npy files ------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
//   run_model --input a.npy [--input b.npy ...] --output-dir DIR
//             [--integer-io] [--weights weights.bin]
//             [--repeat N --timing]
//
// Takes what `whittle-run model.qnn.mlir` takes: one .npy file per model
// input (float32, or int8 with --integer-io), of the model's shapes or
// stacking k of its batches along the leading dimension; runs the model
// once per batch and writes output_0.npy, output_1.npy, ... with the dtypes
// and shapes whittle-run writes. The weights come from WHITTLE_WEIGHTS
// (the project's weights.bin, set by its CMakeLists.txt) unless --weights
// names another file.
//
// --timing runs the first batch N times (--repeat, 100 by default) from
// device buffers, after 10 warm-up runs, and prints the median time per
// batch and the images per second.
//
// The same file for every model: the model is reached through
// whittle_cuda_model() (whittle_cuda_api.h).
//
//===----------------------------------------------------------------------===//

#ifdef WHITTLE_CUDA_HOST
#include "whittle_cuda_host.h"
#else
#include <cuda_runtime.h>
#endif

#include "whittle_cuda_api.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#ifndef WHITTLE_WEIGHTS
#define WHITTLE_WEIGHTS "weights.bin"
#endif

using namespace whittle_tb;

namespace {

void check(cudaError_t error, const std::string &what) {
  if (error != cudaSuccess)
    fail(what + ": " + cudaGetErrorString(error));
}

long long bytes_of(const TensorSpec &spec) {
  long long n = element_size(spec.dtype);
  for (int d = 0; d < spec.rank; ++d)
    n *= spec.shape[d];
  return n;
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> input_files;
  std::string output_dir, weights_file = WHITTLE_WEIGHTS;
  bool integer_io = false, timing = false;
  long long repeat = 100;
  Arguments args{argc, argv};
  while (args.next()) {
    const std::string &arg = args.arg;
    if (args.is("--input"))
      input_files.push_back(args.value());
    else if (args.is("--output-dir"))
      output_dir = args.value();
    else if (args.is("--weights"))
      weights_file = args.value();
    else if (args.is("--repeat"))
      repeat = std::atoll(args.value().c_str());
    else if (arg == "--integer-io")
      integer_io = true;
    else if (arg == "--timing")
      timing = true;
    else
      fail("unknown argument '" + arg +
           "'; run_model --input a.npy ... --output-dir DIR [--integer-io] "
           "[--weights FILE] [--repeat N --timing]");
  }
  const whittle_cuda_model_api *api = whittle_cuda_model();
  if (static_cast<int>(input_files.size()) != api->inputCount)
    fail("the model takes " + std::to_string(api->inputCount) +
         " input(s); give one --input per input");
  if (output_dir.empty() && !timing)
    fail("give --output-dir DIR (or --timing)");
  if (repeat < 1)
    fail("--repeat needs a positive count");
  const TensorSpec *input_specs = integer_io ? api->integerInputs : api->inputs;
  const TensorSpec *output_specs =
      integer_io ? api->integerOutputs : api->outputs;

  std::vector<Array> in(input_files.size());
  for (size_t i = 0; i < input_files.size(); ++i) {
    std::string error;
    if (!read_npy(input_files[i], in[i], error))
      fail(error);
  }
  long long batches = count_batches(in, input_specs);
  for (size_t i = 0; i < in.size(); ++i) {
    std::string mismatch = check_input(in[i], input_specs[i], batches,
                                       static_cast<int>(i), input_files[i]);
    if (!mismatch.empty())
      fail(mismatch);
  }

  char error[512] = "";
  void *model = api->create(weights_file.c_str(), error, sizeof(error));
  if (!model)
    fail(error);
  cudaStream_t stream;
  check(cudaStreamCreate(&stream), "cannot create a stream");

  std::vector<Array> out(api->outputCount);
  for (int o = 0; o < api->outputCount; ++o) {
    out[o].dtype = output_specs[o].dtype;
    out[o].shape = shape_of(output_specs[o]);
    if (!out[o].shape.empty())
      out[o].shape[0] *= batches;
    out[o].data.resize(bytes_of(output_specs[o]) * batches);
  }
  for (long long b = 0; b < batches; ++b) {
    std::vector<const void *> inputs(in.size());
    std::vector<void *> outputs(out.size());
    for (size_t i = 0; i < in.size(); ++i)
      inputs[i] = in[i].data.data() + b * bytes_of(input_specs[i]);
    for (size_t o = 0; o < out.size(); ++o)
      outputs[o] = out[o].data.data() + b * bytes_of(output_specs[o]);
    check(static_cast<cudaError_t>(api->run(
              model, inputs.data(), outputs.data(), integer_io, 0, stream)),
          "the model failed on batch " + std::to_string(b));
  }
  if (!output_dir.empty()) {
    if (!make_directories(output_dir))
      fail("cannot create the output directory '" + output_dir + "'");
    for (size_t o = 0; o < out.size(); ++o) {
      std::string error;
      if (!write_npy(output_dir + "/output_" + std::to_string(o) + ".npy",
                     out[o], error))
        fail(error);
    }
  }

  if (timing) {
    // Device buffers hold the first batch; only the model is timed.
    std::vector<void *> device_in(in.size()), device_out(out.size());
    for (size_t i = 0; i < in.size(); ++i) {
      check(cudaMalloc(&device_in[i], bytes_of(input_specs[i])),
            "cannot allocate an input");
      check(cudaMemcpy(device_in[i], in[i].data.data(),
                       bytes_of(input_specs[i]), cudaMemcpyHostToDevice),
            "cannot copy an input");
    }
    for (size_t o = 0; o < out.size(); ++o)
      check(cudaMalloc(&device_out[o], bytes_of(output_specs[o])),
            "cannot allocate an output");
    cudaEvent_t start, stop;
    check(cudaEventCreate(&start), "cannot create an event");
    check(cudaEventCreate(&stop), "cannot create an event");
    std::vector<float> times;
    for (long long r = 0; r < repeat + 10; ++r) {
      check(cudaEventRecord(start, stream), "cannot record an event");
      check(static_cast<cudaError_t>(api->run(model, device_in.data(),
                                              device_out.data(), integer_io, 1,
                                              stream)),
            "the model failed");
      check(cudaEventRecord(stop, stream), "cannot record an event");
      check(cudaEventSynchronize(stop), "the model failed");
      float ms = 0;
      check(cudaEventElapsedTime(&ms, start, stop), "cannot read an event");
      if (r >= 10)
        times.push_back(ms);
    }
    std::sort(times.begin(), times.end());
    float median = times[times.size() / 2];
    long long images =
        api->inputCount && input_specs[0].rank ? input_specs[0].shape[0] : 1;
    cudaDeviceProp properties;
    check(cudaGetDeviceProperties(&properties, 0), "no device");
    std::printf("model %s on %s: %.4f ms per batch of %lld (median of %lld), "
                "%.1f images/s\n",
                api->name, properties.name, median, images, repeat,
                images / (median / 1000.0));
    for (void *p : device_in)
      cudaFree(p);
    for (void *p : device_out)
      cudaFree(p);
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
  }
  cudaStreamDestroy(stream);
  api->destroy(model);
  return 0;
}
