// --hls-project-dir writes the whole project: the design, the runtime
// headers (embedded in whittle), the weights, the testbench's edges, the
// Makefile and the Vitis scripts for the part and clock of hlscpp.device.
// The input here goes through float ops before its qnn.quantize (as ONNX
// Runtime-quantized models do), which the testbench computes in float32
// with the constants' exact values; --integer-io is then refused as
// whittle-run refuses it.
// RUN: rm -rf %t && mkdir -p %t
// RUN: whittle-translate --emit-hls %s --hls-project-dir %t/project -o %t/model.cpp
// RUN: diff %t/model.cpp %t/project/hls/model.cpp
// RUN: FileCheck %s --check-prefix=HEADER < %t/project/hls/model.h
// RUN: FileCheck %s --check-prefix=IO < %t/project/tb/model_io.h
// RUN: FileCheck %s --check-prefix=MAKE < %t/project/Makefile
// RUN: FileCheck %s --check-prefix=TCL < %t/project/vitis_hls.tcl
// RUN: FileCheck %s --check-prefix=CFG < %t/project/hls_config.cfg
// RUN: ls %t/project/hls/whittle_hls_stages.h %t/project/hls/whittle_hls_stream.h %t/project/hls/whittle_hls_arith.h %t/project/tb/csim_main.cpp %t/project/tb/whittle_tb.h
// RUN: %python -c "import os, sys; assert os.path.getsize(sys.argv[1]) == 8" %t/project/weights.bin
// Without the device the Vitis scripts cannot be written.
// RUN: sed -e 's/attributes {hlscpp.device = .*} {/{/' %s > %t/no-device.mlir
// RUN: not whittle-translate --emit-hls %t/no-device.mlir --hls-project-dir %t/none -o /dev/null 2>&1 | FileCheck %s --check-prefix=NODEVICE
// RUN: not ls %t/none

#stage = #hlscpp.stage<simd = 2, pe = 2, multiplier = dsp, weights = onchip, memory = lutram, cycles = 4, dsp = 1, bram18 = 0, uram = 0, lut = 10, ff = 10, ddr_bytes = 0, fifo_depths = [2]>
module attributes {hlscpp.device = #hlscpp.device<name = "zu7ev", part = "xczu7ev-ffvc1156-2-e", clock_mhz = 250, dsp = 1728, bram18 = 624, uram = 96, lut = 230400, ff = 460800, ddr_mbps = 19200, cap_dsp = 80, cap_bram = 80, cap_uram = 80, cap_lut = 70, cap_ff = 50>} {
  func.func @main(%arg0: tensor<5x4xf32> {nn.name = "features"}) -> (tensor<5x2xf32> {nn.name = "scores"}) {
    %mean = nn.constant dense<0.286> : tensor<f32>
    %std = nn.constant dense<[[0.5, 0.25, 2.0, 0.353]]> : tensor<1x4xf32>
    %w = nn.constant dense<[[1, -1], [2, -2], [3, -3], [4, -4]]> : tensor<4x2xi8>
    %bias = nn.constant dense<[10, -10]> : tensor<2xi32>
    %s = nn.sub %arg0, %mean : (tensor<5x4xf32>, tensor<f32>) -> tensor<5x4xf32>
    %d = nn.div %s, %std : (tensor<5x4xf32>, tensor<1x4xf32>) -> tensor<5x4xf32>
    %q = qnn.quantize %d {scale = array<f32: 0.0125>, zero_point = array<i32: 3>} : (tensor<5x4xf32>) -> tensor<5x4xi8>
    %m = qnn.matmul %q, %w, %bias {a_zero_point = 3 : i32, b_zero_point = array<i32: 0>, hlscpp.stage = #stage} : (tensor<5x4xi8>, tensor<4x2xi8>, tensor<2xi32>) -> tensor<5x2xi32>
    %r = qnn.requantize %m {multiplier = array<i32: 1073741824, 2147483647>, shift = array<i32: 34, 36>, axis = 1 : i64, rounding = #qnn.rounding<float32>, output_zero_point = -7 : i32} : (tensor<5x2xi32>) -> tensor<5x2xi8>
    %y = qnn.dequantize %r {scale = array<f32: 0.1>, zero_point = array<i32: -7>} : (tensor<5x2xi8>) -> tensor<5x2xf32>
    return %y : tensor<5x2xf32>
  }
}

// HEADER:      constexpr long long kInputElements0 = 4;
// HEADER-NEXT: /// Elements of one frame of output_0.
// HEADER-NEXT: constexpr long long kOutputElements0 = 2;
// HEADER-NEXT: /// Bytes of weights.bin.
// HEADER-NEXT: constexpr long long kWeightBytes = 8;
// HEADER:      void whittle_top(const int8_t *input_0, int8_t *output_0, const int8_t *weights, int frames, int load_weights);

// IO:      static const whittle_tb::TensorSpec kModelInputs[] = {
// IO-NEXT:     {"features", "<f4", 2, {5, 4}}};
// IO:      static const whittle_tb::TensorSpec kModelIntegerInputs[] = {
// IO-NEXT:     {"features", "|i1", 2, {5, 4}}};
// IO:      static const whittle_tb::TensorSpec kModelOutputs[] = {
// IO-NEXT:     {"scores", "<f4", 2, {5, 2}}};
// IO:      static const whittle_tb::TensorSpec kModelIntegerOutputs[] = {
// IO-NEXT:     {"scores", "|i1", 2, {5, 2}}};
// IO:      static const char *const kIntegerIOError = "--integer-io: input 0 is a float that is not only quantized by qnn.quantize (with one scale and zero point); only qnn models whose float inputs go straight into qnn.quantize can take integer inputs";
// IO:      constexpr long long kFrames = 5;
// IO:      inline void fill_inputs(
// IO:        { // port 0: model input 0 through 2 float op(s) and qnn.quantize
// IO:            float v = static_cast<const float *>(inputs[0])[at];
// IO-NEXT:       static const float c0[] = {0x1.24dd3p-2f};
// IO-NEXT:       v = v - c0[0]; // nn.sub
// IO-NEXT:       static const float c1[] = {0x1p-1f, 0x1p-2f, 0x1p+1f, 0x1.6978d4p-2f};
// IO-NEXT:       v = v / c1[(i / 1) % 4]; // nn.div
// IO-NEXT:       static const float scale[] = {0x1.99999ap-7f};
// IO-NEXT:       static const int32_t zero_point[] = {3};
// IO-NEXT:       ports[0][j] = whittle_hls::quantize(v, scale[0], zero_point[0]);
// IO:      inline void read_outputs(
// IO:            static_cast<float *>(outputs[0])[at] = whittle_hls::dequantize(port[j], scale[0], zero_point[0]);
// IO:      inline void run_design(
// IO:        whittle_top(inputs[0], static_cast<int8_t *>(outputs[0]), weights, frames, load_weights);

// MAKE: WHITTLE_CXXFLAGS = -O2 -std=c++17 -Wall -Werror -Wno-unknown-pragmas -Ihls -Itb
// MAKE: csim: $(SOURCES) $(HEADERS)

// TCL: # csim csynth cosim export, for zu7ev (xczu7ev-ffvc1156-2-e) at 250 MHz.
// TCL: set_top whittle_top
// TCL: add_files hls/model.cpp -cflags "-std=c++17 -Ihls"
// TCL: add_files -tb weights.bin
// TCL: set_part {xczu7ev-ffvc1156-2-e}
// TCL: create_clock -period 4.000 -name default
// TCL: csim_design -argv {--random 2 --weights weights.bin}
// TCL: csynth_design
// TCL: cosim_design -argv {--random 1 --weights weights.bin}
// TCL: export_design -format ip_catalog

// CFG:      part=xczu7ev-ffvc1156-2-e
// CFG:      [hls]
// CFG-NEXT: flow_target=vivado
// CFG-NEXT: clock=250MHz
// CFG-NEXT: syn.top=whittle_top
// CFG-NEXT: syn.file=hls/model.cpp

// NODEVICE: error: the module has no 'hlscpp.device' attribute; the Vitis scripts need the part and clock (attach the device first)
