// RUN: not whittle-opt %s --convert-nn-to-linalg 2>&1 | FileCheck %s

// The lowering needs static shapes and says how to get them.
// CHECK: error: cannot lower 'nn.relu' with the dynamic type 'tensor<?x4xf32>'; give the model's inputs static shapes (--input-shape NAME=D0xD1x... or --batch-size)
func.func @dynamic(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = nn.relu %x : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
