// A join's FIFOs cover what the stage itself needs before its first output:
// qnn.mul by a broadcast operand holds that operand's whole frame first. For
// the map times one column of itself (a slice: 4 channels x 3 rows x 5
// columns, the column at x = 4), the column's last element comes with the
// map's 60th, so the map's FIFO must hold the 59 elements before it
// (planner depths are in beats plus 2: 61), not the 2 it had when only
// each input's first element was counted. Times its per-channel average
// (global_avg_pool, which needs the whole map), the same 61.
// RUN: whittle-opt %s -split-input-file --hlscpp-attach-device=device=zu3eg --hlscpp-plan-dataflow | FileCheck %s

// CHECK-LABEL: func.func @column
// CHECK: qnn.mul {{.*}}simd = 4, pe = 4,{{.*}}fifo_depths = [16, 2]
func.func @column(%x: tensor<1x4x3x5xi8>) -> tensor<1x4x3x5xi8> {
  %starts = nn.constant dense<[0, 4]> : tensor<2xi64>
  %ends = nn.constant dense<[1, 5]> : tensor<2xi64>
  %axes = nn.constant dense<[1, 3]> : tensor<2xi64>
  %none = nn.none
  %column = nn.slice %x, %starts, %ends, %axes, %none : (tensor<1x4x3x5xi8>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, none) -> tensor<1x1x3x1xi8>
  %y = qnn.mul %x, %column {multiplier = 1 : i32, shift = 7 : i32} : (tensor<1x4x3x5xi8>, tensor<1x1x3x1xi8>) -> tensor<1x4x3x5xi8>
  return %y : tensor<1x4x3x5xi8>
}

// -----

// CHECK-LABEL: func.func @average
// CHECK: qnn.mul {{.*}}simd = 4, pe = 4,{{.*}}fifo_depths = [17, 2]
func.func @average(%x: tensor<1x4x3x5xi8>) -> tensor<1x4x3x5xi8> {
  %gap = qnn.global_avg_pool %x {multiplier = 1 : i32, shift = 0 : i32} : (tensor<1x4x3x5xi8>) -> tensor<1x4x1x1xi8>
  %y = qnn.mul %x, %gap {multiplier = 1 : i32, shift = 7 : i32} : (tensor<1x4x3x5xi8>, tensor<1x4x1x1xi8>) -> tensor<1x4x3x5xi8>
  return %y : tensor<1x4x3x5xi8>
}
