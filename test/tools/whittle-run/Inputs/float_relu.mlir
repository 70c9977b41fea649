// A float model: nothing for --integer-io to strip.
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %y = nn.relu %x : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
