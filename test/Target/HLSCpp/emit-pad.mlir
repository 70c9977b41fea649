// nn.pad on i8 (constant mode, spatial pads) is a stage that inserts the
// constant around each channels-last frame; the pool after it slides its
// window over the padded frame. csim.test runs it.
// RUN: whittle-translate --emit-hls %s | FileCheck %s

#pad = #hlscpp.stage<simd = 2, pe = 2, multiplier = dsp, weights = none, memory = none, cycles = 1, dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, fifo_depths = [2]>
module {
  func.func @main(%x: tensor<2x2x3x3xi8>) -> tensor<2x2x5x5xi8> {
    %pads = nn.constant dense<[0, 0, 1, 2, 0, 0, 2, 1]> : tensor<8xi64>
    %value = nn.constant dense<-3> : tensor<i8>
    %none = nn.none
    %p = nn.pad %x, %pads, %value, %none {mode = "constant", hlscpp.stage = #pad} : (tensor<2x2x3x3xi8>, tensor<8xi64>, tensor<i8>, none) -> tensor<2x2x6x6xi8>
    %y = qnn.max_pool %p {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, hlscpp.stage = #pad} : (tensor<2x2x6x6xi8>) -> tensor<2x2x5x5xi8>
    return %y : tensor<2x2x5x5xi8>
  }
}

// CHECK:      // pad_0: nn.pad
// CHECK-NEXT:   pad<2, 3, 3, 1, 2, 6, 6, 2>(in0, pad_0_out, -3, frames);
// CHECK:      // max_pool_1: qnn.max_pool
// CHECK-NEXT:   sliding_window<2, 6, 6, 2, 2, 1, 1, 1, 1, 0, 0, 5, 5, 2>(pad_0_out, max_pool_1_window, -128, frames);
