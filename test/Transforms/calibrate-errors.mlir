// RUN: %python -c "import numpy as np; np.save('%t.npy', np.zeros((4, 1, 5), np.float32))"
// RUN: not whittle-opt %s --whittle-calibrate 2>&1 | FileCheck %s --check-prefix=NODATA
// RUN: not whittle-opt %s --whittle-calibrate="data=%t.npy method=median" 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not whittle-opt %s --whittle-calibrate="data=%t.npy" 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not whittle-opt %s --whittle-calibrate="data=%t.missing.npy" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not whittle-opt %s --whittle-calibrate="data=%t.npy batch=3" 2>&1 | FileCheck %s --check-prefix=BATCH

// NODATA: error: whittle-calibrate needs sample inputs: give data=PATH (IDX, .pb, .npy or a folder)
// METHOD: error: whittle-calibrate: unknown method 'median'; use minmax, percentile, entropy or mse
// SHAPE: error: whittle-calibrate: the samples of '{{.*}}.npy' are float32 4x1x5 but the model takes float32 2x1x16 (samples of shape 1x16)
// MISSING: error: whittle-calibrate: {{.*}}missing.npy
// BATCH: error: whittle-calibrate: batch=3 differs from the model's batch dimension 2; import the model with --batch-size 3 or leave batch at 0
func.func @relu(%x: tensor<2x1x16xf32>) -> tensor<2x1x16xf32> {
  %0 = nn.relu %x : (tensor<2x1x16xf32>) -> tensor<2x1x16xf32>
  return %0 : tensor<2x1x16xf32>
}
