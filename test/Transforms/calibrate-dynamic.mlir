// RUN: not whittle-opt %s --whittle-calibrate="data=unused.npy" 2>&1 | FileCheck %s
// CHECK: error: whittle-calibrate needs one float32 input of static shape [batch, ...] (import with --batch-size N); @relu takes 'tensor<?x16xf32>'
func.func @relu(%x: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %0 = nn.relu %x : (tensor<?x16xf32>) -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}
