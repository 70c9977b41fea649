//===- csim_main.cpp - C simulation of a whittle design -------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
//   csim --input a.npy [--input b.npy ...] --output-dir DIR [--integer-io]
//        [--weights weights.bin] [--frames-per-call N]
//   csim --random N
//
// Takes what `whittle-run model.qnn.mlir` takes: one .npy file per model
// input (float32, or int8 with --integer-io), of the model's shapes or
// stacking k of its batches along the leading dimension; runs the design
// over the leading dimension (one frame per element), `--frames-per-call`
// frames per call of whittle_top (16 by default); writes output_0.npy,
// output_1.npy, ... in the model's output order, with the dtypes and shapes
// whittle-run writes. The design's weights come from weights.bin beside this
// program unless --weights names another file.
//
// `--random N` runs N frames of pseudo-random int8 inputs and prints a
// checksum of the outputs: the self-test Vitis HLS's csim and cosim steps run.
//
// Everything the model adds is in model_io.h (generated); this file is the
// same for every design.
//
//===----------------------------------------------------------------------===//

#include "model_io.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/stat.h>
#include <vector>

using namespace whittle_tb;
using namespace whittle_model;

namespace {

std::string directory_of(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::vector<int8_t> read_weights(const std::string &path) {
  std::vector<int8_t> weights;
  FILE *file = std::fopen(path.c_str(), "rb");
  if (!file)
    fail("cannot open the weights file '" + path + "'");
  char buffer[1 << 16];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof(buffer), file)) > 0)
    weights.insert(weights.end(), buffer, buffer + got);
  std::fclose(file);
  if (static_cast<long long>(weights.size()) != kWeightBytes)
    fail("the weights file '" + path + "' has " +
         std::to_string(weights.size()) + " bytes but the design reads " +
         std::to_string(kWeightBytes));
  // Keep data() valid for a design without weights.
  weights.push_back(0);
  return weights;
}

/// Runs the design over `frames` frames of `inputs` into `outputs`.
void run(const std::vector<const void *> &inputs,
         const std::vector<void *> &outputs, bool integer_io, long long frames,
         long long per_call, const int8_t *weights) {
  std::vector<std::vector<int8_t>> in(kNumInputPorts);
  std::vector<std::vector<int32_t>> out(kNumOutputPorts);
  for (int p = 0; p < kNumInputPorts; ++p)
    in[p].resize(per_call * kInputPortElements[p]);
  for (int p = 0; p < kNumOutputPorts; ++p)
    out[p].resize(per_call * kOutputPortElements[p]);
  for (long long first = 0; first < frames; first += per_call) {
    long long count = frames - first < per_call ? frames - first : per_call;
    for (long long f = 0; f < count; ++f) {
      std::vector<int8_t *> ports(kNumInputPorts);
      for (int p = 0; p < kNumInputPorts; ++p)
        ports[p] = in[p].data() + f * kInputPortElements[p];
      fill_inputs(inputs.data(), integer_io, first + f, ports.data());
    }
    std::vector<int8_t *> in_ports(kNumInputPorts);
    std::vector<void *> out_ports(kNumOutputPorts);
    for (int p = 0; p < kNumInputPorts; ++p)
      in_ports[p] = in[p].data();
    for (int p = 0; p < kNumOutputPorts; ++p)
      out_ports[p] = out[p].data();
    run_design(in_ports.data(), out_ports.data(), weights,
               static_cast<int>(count), 0);
    for (long long f = 0; f < count; ++f) {
      std::vector<const void *> ports(kNumOutputPorts);
      for (int p = 0; p < kNumOutputPorts; ++p)
        ports[p] = reinterpret_cast<const char *>(out[p].data()) +
                   f * kOutputPortElements[p] * kOutputPortBytes[p];
      read_outputs(ports.data(), integer_io, first + f, outputs.data());
    }
  }
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> input_files;
  std::string output_dir, weights_file;
  bool integer_io = false;
  long long per_call = 16, random_frames = 0;
  Arguments args{argc, argv};
  while (args.next()) {
    const std::string &arg = args.arg;
    if (args.is("--input"))
      input_files.push_back(args.value());
    else if (args.is("--output-dir"))
      output_dir = args.value();
    else if (args.is("--weights"))
      weights_file = args.value();
    else if (args.is("--frames-per-call"))
      per_call = std::atoll(args.value().c_str());
    else if (args.is("--random"))
      random_frames = std::atoll(args.value().c_str());
    else if (arg == "--integer-io")
      integer_io = true;
    else if (arg == "--help" || arg == "-h") {
      std::printf("usage: %s --input a.npy ... --output-dir DIR "
                  "[--integer-io] [--weights FILE] [--frames-per-call N]\n"
                  "       %s --random N\n",
                  argv[0], argv[0]);
      return 0;
    } else
      fail("unknown argument '" + arg + "'");
  }
  if (per_call < 1)
    fail("--frames-per-call must be at least 1");
  if (weights_file.empty())
    weights_file = directory_of(argv[0]) + "/weights.bin";
  std::vector<int8_t> weights = read_weights(weights_file);
  {
    std::vector<int8_t *> no_inputs(kNumInputPorts, nullptr);
    std::vector<void *> no_outputs(kNumOutputPorts, nullptr);
    run_design(no_inputs.data(), no_outputs.data(), weights.data(), 0, 1);
  }

  if (random_frames > 0) {
    // Integer inputs from a fixed linear congruential sequence.
    std::vector<Array> in(kNumModelInputs), out(kNumModelOutputs);
    std::vector<const void *> inputs;
    std::vector<void *> outputs;
    unsigned state = 12345;
    for (int i = 0; i < kNumModelInputs; ++i) {
      long long frame = 1;
      for (int d = 1; d < kModelInputs[i].rank; ++d)
        frame *= kModelInputs[i].shape[d];
      in[i].data.resize(random_frames * frame);
      for (char &byte : in[i].data) {
        state = state * 1103515245u + 12345u;
        byte = static_cast<char>(state >> 24);
      }
      inputs.push_back(in[i].data.data());
    }
    for (int i = 0; i < kNumModelOutputs; ++i) {
      long long frame = 4;
      for (int d = 1; d < kModelIntegerOutputs[i].rank; ++d)
        frame *= kModelIntegerOutputs[i].shape[d];
      out[i].data.assign(random_frames * frame, 0);
      outputs.push_back(out[i].data.data());
    }
    run(inputs, outputs, true, random_frames, per_call, weights.data());
    unsigned long long checksum = 0;
    for (const Array &array : out)
      for (char byte : array.data)
        checksum = checksum * 31 + static_cast<unsigned char>(byte);
    std::printf("%lld random frame(s): output checksum %016llx\n",
                random_frames, checksum);
    return 0;
  }

  if (integer_io && kIntegerIOError)
    fail(kIntegerIOError);
  const TensorSpec *input_specs =
      integer_io ? kModelIntegerInputs : kModelInputs;
  const TensorSpec *output_specs =
      integer_io ? kModelIntegerOutputs : kModelOutputs;
  if (static_cast<int>(input_files.size()) != kNumModelInputs) {
    std::string names;
    for (int i = 0; i < kNumModelInputs; ++i)
      names += (i ? ", " : "") + std::string(input_specs[i].name);
    fail("the model has " + std::to_string(kNumModelInputs) + " input(s) (" +
         names + ") but " + std::to_string(input_files.size()) +
         " --input file(s) were given");
  }
  if (output_dir.empty())
    fail("--output-dir is required");

  std::vector<Array> in(kNumModelInputs), out(kNumModelOutputs);
  std::vector<const void *> inputs;
  std::vector<void *> outputs;
  for (int i = 0; i < kNumModelInputs; ++i) {
    std::string error;
    if (!read_npy(input_files[i], in[i], error))
      fail("input " + std::to_string(i) + ": " + error);
  }
  // Inputs stacking k of the model's batches run as k batches, one frame
  // (element of the leading dimension) after another, as in whittle-run.
  long long batches = count_batches(in, input_specs);
  for (int i = 0; i < kNumModelInputs; ++i) {
    std::string mismatch =
        check_input(in[i], input_specs[i], batches, i, input_files[i]);
    if (!mismatch.empty())
      fail(mismatch);
    inputs.push_back(in[i].data.data());
  }
  for (int i = 0; i < kNumModelOutputs; ++i) {
    out[i].dtype = output_specs[i].dtype;
    out[i].shape = shape_of(output_specs[i]);
    if (!out[i].shape.empty())
      out[i].shape[0] *= batches;
    out[i].data.assign(out[i].elements() * element_size(out[i].dtype), 0);
    outputs.push_back(out[i].data.data());
  }
  run(inputs, outputs, integer_io, kFrames * batches, per_call, weights.data());

  if (!make_directories(output_dir))
    fail("cannot create output directory '" + output_dir + "'");
  for (int i = 0; i < kNumModelOutputs; ++i) {
    std::string error;
    if (!write_npy(output_dir + "/output_" + std::to_string(i) + ".npy", out[i],
                   error))
      fail(error);
  }
  return 0;
}
