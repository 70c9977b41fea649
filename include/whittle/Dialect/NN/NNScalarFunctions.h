//===- NNScalarFunctions.h - the real function of an activation -*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// One definition of what each elementwise activation computes on one real
// number, read by the nn constant folders and by both builders of qnn
// lookup tables (--whittle-quantize in double, --nn-to-qnn in float32 as
// ONNX Runtime evaluates it). Every function is written once as a template
// over the arithmetic type, so the double and float32 evaluations are the
// same expression.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_NNSCALARFUNCTIONS_H
#define WHITTLE_DIALECT_NN_NNSCALARFUNCTIONS_H

#include "mlir/IR/Operation.h"

#include <optional>

namespace whittle::nn {

/// The function of one real number that an elementwise activation computes.
class ScalarFunction {
public:
  enum class Kind {
    Identity,
    Relu,
    Clip,
    LeakyRelu,
    ThresholdedRelu,
    Elu,
    Selu,
    Celu,
    Sigmoid,
    HardSigmoid,
    HardSwish,
    Tanh,
    Softplus,
    Softsign,
    Exp,
    Erf,
    Gelu,
    GeluTanh,
  };

  explicit ScalarFunction(Kind kind, double alpha = 0.0, double beta = 0.0)
      : kind(kind), alpha(alpha), beta(beta) {}

  Kind getKind() const { return kind; }

  /// The function evaluated in double or in float32 (the parameters rounded
  /// to float first).
  double operator()(double x) const;
  float operator()(float x) const;

private:
  template <typename T> T evaluate(T x) const;

  Kind kind;
  /// The op's parameters: alpha and beta (HardSigmoid), alpha and gamma
  /// (Selu), the lower and upper bound (Clip), alpha (the others).
  double alpha, beta;
};

/// The scalar function of `op` if it is an elementwise activation of one
/// float operand (with its parameters constant); nullopt otherwise.
std::optional<ScalarFunction> getScalarFunction(mlir::Operation *op);

} // namespace whittle::nn

#endif // WHITTLE_DIALECT_NN_NNSCALARFUNCTIONS_H
