// The samples are -1 .. 3 in 64 steps, 4 of them, run 2 at a time.
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.linspace(-1, 3, 64, dtype=np.float32).reshape(4, 1, 16))"
// RUN: whittle-opt %s --whittle-calibrate="data=%t.npy" | FileCheck %s --check-prefix=MINMAX
// RUN: whittle-opt %s --whittle-calibrate="data=%t.npy limit=2" | FileCheck %s --check-prefix=LIMIT
// RUN: whittle-opt %s --whittle-calibrate="data=%t.npy method=percentile percentile=50" | FileCheck %s --check-prefix=PERCENTILE
// RUN: whittle-opt %s --whittle-calibrate="data=%t.npy method=entropy" | FileCheck %s --check-prefix=ENTROPY
// RUN: whittle-opt %s --whittle-calibrate="data=%t.npy method=mse" | FileCheck %s --check-prefix=MSE
// Re-running quantize needs no data: the ranges are in the IR.
// RUN: whittle-opt %s --whittle-calibrate="data=%t.npy" | whittle-opt --whittle-quantize | FileCheck %s --check-prefix=REUSE

// MINMAX: module attributes {whittle.calibration = {data = "{{.*}}.npy", method = "minmax", samples = 4 : i64}}
// MINMAX: func.func @mul(%arg0: tensor<2x1x16xf32> {whittle.range = array<f64: -1.000000e+00, 3.000000e+00>})
// MINMAX: nn.mul {{.*}}whittle.range = array<f64: -2.000000e+00, 6.000000e+00>
// MINMAX: nn.relu {{.*}}whittle.range = array<f64: 0.000000e+00, 6.000000e+00>
// MINMAX: nn.max_pool {{.*}}whittle.range = array<f64: 0.000000e+00, 6.000000e+00, 0x7FF8000000000000, 0x7FF8000000000000>

// The first two samples hold -1 .. 31 * 4/63 - 1 = 0.968.
// LIMIT: samples = 2
// LIMIT: %arg0: tensor<2x1x16xf32> {whittle.range = array<f64: -1.000000e+00, 0.968253{{[0-9]*}}>}

// Half of the |x| (the 32 samples in [-1, 1]) lie below 1, to a bin.
// PERCENTILE: method = "percentile"
// PERCENTILE: %arg0: tensor<2x1x16xf32> {whittle.range = array<f64: -1.000000e+00, 1.00048828125>}

// ENTROPY: method = "entropy"
// ENTROPY: nn.relu {{.*}}whittle.range = array<f64: 0.000000e+00, {{[0-9.e+]+}}>
// MSE: method = "mse"
// MSE: nn.relu {{.*}}whittle.range = array<f64: 0.000000e+00, {{[0-9.e+]+}}>

// REUSE: qnn.quantize
// REUSE-NOT: qnn.mul
// REUSE: qnn.requantize
// REUSE: qnn.max_pool
// REUSE: qnn.dequantize
func.func @mul(%x: tensor<2x1x16xf32>) -> tensor<2x1x8xf32> {
  %c = nn.constant dense<2.0> : tensor<f32>
  %0 = nn.mul %x, %c : (tensor<2x1x16xf32>, tensor<f32>) -> tensor<2x1x16xf32>
  %1 = nn.relu %0 : (tensor<2x1x16xf32>) -> tensor<2x1x16xf32>
  %y, %i = nn.max_pool %1 {kernel_shape = array<i64: 2>, strides = array<i64: 2>} : (tensor<2x1x16xf32>) -> (tensor<2x1x8xf32>, tensor<2x1x8xi64>)
  return %y : tensor<2x1x8xf32>
}
