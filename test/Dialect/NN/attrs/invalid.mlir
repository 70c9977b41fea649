// The verifiers of #nn.sparsity and #nn.compression reject records that
// cannot describe a weight or a layer, when the IR is parsed.
// RUN: whittle-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{3:2 is not a valid N:M pattern (need 1 <= N <= M)}}
func.func @nm_more_than_m() attributes {whittle.sparsity = #nn.sparsity<"n:m", n = 3, m = 2, sparsity = 0.5, weight_operand = 1, out_axis = 0, in_axis = 1>} { return }

// -----

// expected-error @+1 {{0:0 is not a valid N:M pattern (need 1 <= N <= M)}}
func.func @nm_missing() attributes {whittle.sparsity = #nn.sparsity<"n:m", sparsity = 0.5, weight_operand = 1, out_axis = 0, in_axis = 1>} { return }

// -----

// expected-error @+1 {{n and m belong to "n:m" patterns only, not 'unstructured'}}
func.func @nm_on_unstructured() attributes {whittle.sparsity = #nn.sparsity<unstructured, n = 2, m = 4, sparsity = 0.5, weight_operand = 1, out_axis = 0, in_axis = 1>} { return }

// -----

// expected-error @+1 {{block must be two positive sizes}}
func.func @block_rank() attributes {whittle.sparsity = #nn.sparsity<block, block = [2, 2, 2], sparsity = 0.5, weight_operand = 1, out_axis = 0, in_axis = 1>} { return }

// -----

// expected-error @+1 {{block must be two positive sizes}}
func.func @block_missing() attributes {whittle.sparsity = #nn.sparsity<block, sparsity = 0.5, weight_operand = 1, out_axis = 0, in_axis = 1>} { return }

// -----

// expected-error @+1 {{block belongs to block patterns only, not 'channel'}}
func.func @block_on_channel() attributes {whittle.sparsity = #nn.sparsity<channel, block = [2, 2], sparsity = 0.5, weight_operand = 1, out_axis = 0, in_axis = 1>} { return }

// -----

// expected-error @+1 {{sparsity 1.5 is not in [0, 1]}}
func.func @sparsity_range() attributes {whittle.sparsity = #nn.sparsity<unstructured, sparsity = 1.5, weight_operand = 1, out_axis = 0, in_axis = 1>} { return }

// -----

// expected-error @+1 {{weight_operand -1 is negative}}
func.func @operand() attributes {whittle.sparsity = #nn.sparsity<unstructured, sparsity = 0.5, weight_operand = -1, out_axis = 0, in_axis = 1>} { return }

// -----

// expected-error @+1 {{out_axis 1 and in_axis 1 are not two distinct axes}}
func.func @axes() attributes {whittle.sparsity = #nn.sparsity<unstructured, sparsity = 0.5, weight_operand = 1, out_axis = 1, in_axis = 1>} { return }

// -----

// expected-error @+2 {{for structure of the zeros of a sparse weight, got: diagonal}}
// expected-error @+1 {{failed to parse NN_SparsityPatternAttr parameter 'granularity'}}
func.func @granularity() attributes {whittle.sparsity = #nn.sparsity<diagonal, sparsity = 0.5, weight_operand = 1, out_axis = 0, in_axis = 1>} { return }

// -----

// expected-error @+1 {{layer must name the original layer}}
func.func @no_layer() attributes {whittle.compression = #nn.compression<layer = "", form = "svd", ranks = [2], sparsity = 0.0, params_before = 16, params_after = 12, macs_before = 16, macs_after = 12, relative_error = 0.1>} { return }

// -----

// expected-error @+1 {{unknown form 'cp' in 'svd+cp'; expected tucker2, channel-svd, svd, mask-unstructured, mask-n:m, mask-block or mask-channel, joined by '+'}}
func.func @form() attributes {whittle.compression = #nn.compression<layer = "fc", form = "svd+cp", ranks = [2], sparsity = 0.0, params_before = 16, params_after = 12, macs_before = 16, macs_after = 12, relative_error = 0.1>} { return }

// -----

// expected-error @+1 {{ranks must be positive}}
func.func @ranks() attributes {whittle.compression = #nn.compression<layer = "fc", form = "svd", ranks = [0], sparsity = 0.0, params_before = 16, params_after = 12, macs_before = 16, macs_after = 12, relative_error = 0.1>} { return }

// -----

// expected-error @+1 {{sparsity -0.25 is not in [0, 1]}}
func.func @record_sparsity() attributes {whittle.compression = #nn.compression<layer = "fc", form = "mask-unstructured", sparsity = -0.25, params_before = 16, params_after = 12, macs_before = 16, macs_after = 12, relative_error = 0.1>} { return }

// -----

// expected-error @+1 {{parameter and MAC counts must not be negative}}
func.func @counts() attributes {whittle.compression = #nn.compression<layer = "fc", form = "svd", ranks = [2], sparsity = 0.0, params_before = 16, params_after = -1, macs_before = 16, macs_after = 12, relative_error = 0.1>} { return }

// -----

// expected-error @+1 {{relative_error -0.1 is negative}}
func.func @error() attributes {whittle.compression = #nn.compression<layer = "fc", form = "svd", ranks = [2], sparsity = 0.0, params_before = 16, params_after = 12, macs_before = 16, macs_after = 12, relative_error = -0.1>} { return }
