// The report's per-layer SQNR: the float model and its integer twin run
// side by side through the JIT on the calibration samples.
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.linspace(-1, 3, 64, dtype=np.float32).reshape(8, 8))"
// RUN: whittle-opt %s --whittle-calibrate="data=%t.npy" -mlir-print-debuginfo -o %t.calibrated.mlir
// RUN: whittle-opt %t.calibrated.mlir --whittle-quantize="report=%t.json" | FileCheck %s --check-prefix=TABLE
// RUN: FileCheck %s --check-prefix=JSON < %t.json
// The identity matmul reproduces its input's integers, so its error is
// that of quantizing x at scale 3/127: recompute it here.
// RUN: %python -c "import json, numpy as np; x = np.linspace(-1, 3, 64, dtype=np.float32).astype(np.float64); s = float(np.float32(3 / 127)); e = 10 * np.log10(np.sum(x**2) / np.sum((x - s * np.round(x / s))**2)); r = json.load(open(r'%t.json'))['layers'][0]['sqnr_db']; assert abs(r - e) < 1e-3, (r, e)"
// Explicit samples (a subset), no SQNR, and pow2.
// RUN: %python -c "import numpy as np; np.save('%t.small.npy', np.linspace(-1, 3, 64, dtype=np.float32).reshape(8, 8)[:2])"
// RUN: whittle-opt %t.calibrated.mlir --whittle-quantize="report=- sqnr-data=%t.small.npy sqnr-limit=1" | FileCheck %s --check-prefix=TABLE
// RUN: whittle-opt %t.calibrated.mlir --whittle-quantize="report=- sqnr=false" | FileCheck %s --check-prefix=NOSQNR
// RUN: whittle-opt %t.calibrated.mlir --whittle-quantize="report=- scheme=pow2" | FileCheck %s --check-prefix=TABLE
// RUN: not whittle-opt %t.calibrated.mlir --whittle-quantize="report=- sqnr-data=%t.missing.npy" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: %python -c "import numpy as np; np.save('%t.wrong.npy', np.zeros((8, 5), np.float32))"
// RUN: not whittle-opt %t.calibrated.mlir --whittle-quantize="report=- sqnr-data=%t.wrong.npy" 2>&1 | FileCheck %s --check-prefix=SHAPE

// TABLE: layer {{.*}} SQNR dB
// TABLE-NEXT: identity matmul {{.*}} {{[0-9]+\.[0-9]}}{{$}}
// TABLE-NEXT: scaled matmul {{.*}} {{[0-9]+\.[0-9]}}{{$}}
// TABLE-NEXT: sum add {{.*}} {{[0-9]+\.[0-9]}}{{$}}

// JSON: "name": "identity"
// JSON: "sqnr_db": {{[0-9]+\.[0-9]+}}
// JSON: "name": "scaled"
// JSON: "sqnr_db": {{[0-9]+\.[0-9]+}}

// NOSQNR: identity matmul {{.*}} -{{$}}

// MISSING: error: whittle-quantize: measuring the per-layer SQNR: {{.*}}missing.npy
// SHAPE: error: whittle-quantize: measuring the per-layer SQNR: the samples of '{{.*}}wrong.npy' are float32 8x5 but the model takes float32 4x8
func.func @matmul(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %i = nn.constant dense<"0x0000803F00000000000000000000000000000000000000000000000000000000000000000000803F00000000000000000000000000000000000000000000000000000000000000000000803F00000000000000000000000000000000000000000000000000000000000000000000803F00000000000000000000000000000000000000000000000000000000000000000000803F00000000000000000000000000000000000000000000000000000000000000000000803F00000000000000000000000000000000000000000000000000000000000000000000803F00000000000000000000000000000000000000000000000000000000000000000000803F"> : tensor<8x8xf32>
  %w = nn.constant dense<0.37> : tensor<8x8xf32>
  %0 = nn.matmul %x, %i : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32> loc("identity")
  %1 = nn.matmul %0, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32> loc("scaled")
  %2 = nn.add %0, %1 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32> loc("sum")
  return %2 : tensor<4x8xf32>
}
