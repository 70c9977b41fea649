// The rank rules on the test model (Inputs/make_factorize_model.py), whose
// weights have known ranks plus noise: conv1 R3 = 4 and R4 = 6, pw 5, fc 3,
// proj 2. The depthwise conv is left alone with a remark.
// RUN: whittle-opt %S/Inputs/factorize_model.mlir --whittle-factorize="ranks=evbmf" --mlir-elide-resource-strings-if-larger=1 2>&1 | FileCheck %s --check-prefix=TRUE
// RUN: whittle-opt %S/Inputs/factorize_model.mlir --whittle-factorize="ranks=energy=0.999" --mlir-elide-resource-strings-if-larger=1 2>&1 | FileCheck %s --check-prefix=TRUE
// TRUE: remark: {{.*}}whittle-factorize: layer 'dw' left alone: it is a depthwise convolution
// TRUE: layer = "conv1", form = "{{[a-z0-9-]+}}", ranks = [4, 6]
// TRUE: layer = "pw", form = "{{[a-z0-9-]+}}", ranks = [5]
// TRUE: layer = "fc", form = "{{[a-z0-9-]+}}", ranks = [3]
// TRUE: layer = "proj", form = "{{[a-z0-9-]+}}", ranks = [2]

// A lower energy fraction cuts into the signal, per mode.
// RUN: whittle-opt %S/Inputs/factorize_model.mlir --whittle-factorize="ranks=energy=0.8" --mlir-elide-resource-strings-if-larger=1 2>/dev/null | FileCheck %s --check-prefix=ENERGY
// ENERGY: layer = "conv1", form = "{{[a-z0-9-]+}}", ranks = [3, 4]
// ENERGY: layer = "pw", form = "{{[a-z0-9-]+}}", ranks = [4]
// ENERGY: layer = "fc", form = "{{[a-z0-9-]+}}", ranks = [2]
// ENERGY: layer = "proj", form = "{{[a-z0-9-]+}}", ranks = [2]

// Explicit ranks override the rule for their layer.
// RUN: whittle-opt %S/Inputs/factorize_model.mlir --whittle-factorize="ranks=evbmf layer-ranks=pw:2" --mlir-elide-resource-strings-if-larger=1 2>/dev/null | FileCheck %s --check-prefix=OVERRIDE
// OVERRIDE: layer = "conv1", form = "{{[a-z0-9-]+}}", ranks = [4, 6]
// OVERRIDE: layer = "pw", form = "{{[a-z0-9-]+}}", ranks = [2]
// OVERRIDE: layer = "fc", form = "{{[a-z0-9-]+}}", ranks = [3]

// Budgets: the original model has 98176 MACs and 9456 parameters; the
// totals after the pass are at most the budget (0.2 * 98176 = 19635,
// 0.12 * 98176 = 11781, 0.3 * 9456 = 2836).
// RUN: whittle-opt %S/Inputs/factorize_model.mlir --whittle-factorize="ranks=budget=0.2" --nn-print-model-summary -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=BUDGET20
// BUDGET20: total MACs {{ *}}19592
// RUN: whittle-opt %S/Inputs/factorize_model.mlir --whittle-factorize="ranks=budget=0.12" --mlir-elide-resource-strings-if-larger=1 --nn-print-model-summary 2>/dev/null | FileCheck %s --check-prefix=BUDGET12
// BUDGET12: total MACs {{ *}}11744
// BUDGET12: layer = "conv1", form = "{{[a-z0-9-]+}}", ranks = [1, 4]
// BUDGET12: layer = "pw", form = "{{[a-z0-9-]+}}", ranks = [3]
// BUDGET12: layer = "fc", form = "{{[a-z0-9-]+}}", ranks = [3]
// BUDGET12: layer = "proj", form = "{{[a-z0-9-]+}}", ranks = [2]
// RUN: whittle-opt %S/Inputs/factorize_model.mlir --whittle-factorize="ranks=budget=0.3 budget-metric=params" --nn-print-model-summary -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=PARAMS
// PARAMS: parameters {{ *}}2824
// A budget the original model meets keeps every layer that loses no
// energy by being left alone.
// RUN: whittle-opt %S/Inputs/factorize_model.mlir --whittle-factorize="ranks=budget=1" --mlir-elide-resource-strings-if-larger=1 2>/dev/null | FileCheck %s --check-prefix=LOOSE
// LOOSE-NOT: whittle.compression
// Explicit ranks are fixed costs under a budget.
// RUN: whittle-opt %S/Inputs/factorize_model.mlir --whittle-factorize="ranks=budget=0.2 layer-ranks=pw:8" --mlir-elide-resource-strings-if-larger=1 --nn-print-model-summary 2>/dev/null | FileCheck %s --check-prefix=FIXED
// FIXED: total MACs {{ *}}{{1[0-9]{4}$}}
// FIXED: layer = "pw", form = "{{[a-z0-9-]+}}", ranks = [8]
