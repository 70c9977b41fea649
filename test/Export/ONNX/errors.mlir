// Ops without an ONNX form, and modules that are not one graph, are errors
// naming the op; no output file is written.
// RUN: whittle-translate --export-onnx %s --split-input-file --verify-diagnostics
// RUN: rm -f %t.onnx
// RUN: not whittle-translate --export-onnx %s --split-input-file -o %t.onnx 2>&1 | FileCheck %s
// RUN: test ! -e %t.onnx

// CHECK: error: 'arith.addf' has no ONNX form
// CHECK: error: 'tensor.empty' has no ONNX form
func.func @main(%arg0: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'arith.addf' has no ONNX form; the ONNX exporter writes nn ops only}}
  %0 = arith.addf %arg0, %arg0 : tensor<2xf32>
  // expected-error @+1 {{'tensor.empty' has no ONNX form}}
  %1 = tensor.empty() : tensor<2xf32>
  %2 = nn.add %0, %1 : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %2 : tensor<2xf32>
}

// -----

// CHECK: error: expected one func.func to export as the ONNX graph, found 2
// expected-error @+1 {{expected one func.func to export as the ONNX graph, found 2}}
module {
  func.func @a(%arg0: tensor<2xf32>) -> tensor<2xf32> {
    return %arg0 : tensor<2xf32>
  }
  func.func @b(%arg0: tensor<2xf32>) -> tensor<2xf32> {
    return %arg0 : tensor<2xf32>
  }
}

// -----

// CHECK: error: graph input 'input_0' has type 'tensor<*xf32>'; ONNX graphs take ranked tensors only
// expected-error @+1 {{graph input 'input_0' has type 'tensor<*xf32>'; ONNX graphs take ranked tensors only}}
func.func @main(%arg0: tensor<*xf32>) -> tensor<*xf32> {
  return %arg0 : tensor<*xf32>
}

// -----

// CHECK: error: graph input 'x' has element type 'complex<f32>', which has no ONNX form
// expected-error @+1 {{graph input 'x' has element type 'complex<f32>', which has no ONNX form}}
func.func @main(%arg0: tensor<2xcomplex<f32>> {nn.name = "x"}) -> tensor<2xcomplex<f32>> {
  return %arg0 : tensor<2xcomplex<f32>>
}
