//===- AttachDevice.cpp - attach the FPGA part to the module --------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/HLSCpp/DeviceModel.h"
#include "whittle/Target/HLSCpp/Passes.h"

namespace whittle::hlscpp {
#define GEN_PASS_DEF_HLSCPPATTACHDEVICE
#include "whittle/Target/HLSCpp/Passes.h.inc"
} // namespace whittle::hlscpp

using namespace mlir;
using namespace whittle::hlscpp;

namespace {
struct AttachDevicePass
    : whittle::hlscpp::impl::HLSCppAttachDeviceBase<AttachDevicePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::Expected<DeviceModel> model = resolveDevice(device);
    if (!model) {
      module.emitError() << llvm::toString(model.takeError());
      return signalPassFailure();
    }
    // An option left at 0 keeps the part's value.
    std::pair<int64_t, int64_t *> overrides[] = {
        {clockMhz, &model->clockMhz}, {capDsp, &model->capDsp},
        {capBram, &model->capBram},   {capUram, &model->capUram},
        {capLut, &model->capLut},     {capFf, &model->capFf}};
    for (auto [option, field] : overrides)
      if (option != 0)
        *field = option;
    // The attribute's verifier checks the values (caps in 1..100, a positive
    // clock, no negative budget), whether they came from a file or a flag.
    auto emitError = [&] { return module.emitError(); };
    const DeviceModel &m = *model;
    DeviceAttr attr = DeviceAttr::getChecked(
        emitError, module.getContext(), StringRef(m.name), StringRef(m.part),
        m.clockMhz, m.dsp, m.bram18, m.uram, m.lut, m.ff, m.ddrMbps, m.capDsp,
        m.capBram, m.capUram, m.capLut, m.capFf);
    if (!attr)
      return signalPassFailure();
    module->setAttr(HLSCppDialect::kDeviceAttrName, attr);
  }
};
} // namespace
