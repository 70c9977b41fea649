//===- DesignReport.cpp - what a planned HLS design costs -----------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/HLSCpp/DesignReport.h"

#include "whittle/Dialect/HLSCpp/HLSCppAttrs.h"
#include "whittle/Dialect/HLSCpp/HLSCppDialect.h"
#include "whittle/Dialect/NN/LayerName.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

using namespace mlir;
using namespace whittle;
using namespace whittle::hlscpp;

namespace {
/// The resources a stage (or the whole design) takes.
struct Resources {
  int64_t dsp = 0, bram18 = 0, uram = 0, lut = 0, ff = 0, ddrBytes = 0;

  void add(StageAttr stage) {
    dsp += stage.getDsp();
    bram18 += stage.getBram18();
    uram += stage.getUram();
    lut += stage.getLut();
    ff += stage.getFf();
    ddrBytes += stage.getDdrBytes();
  }
};

struct Layer {
  std::string name;
  std::string op;
  StageAttr stage;
};

/// One resource against the device: how much the design takes, the cap
/// it must stay under and what the part has.
struct Budget {
  const char *name;
  int64_t used;
  int64_t available;
  int64_t capPercent;

  int64_t cap() const { return available * capPercent / 100; }
};
} // namespace

static std::string getConfiguration(StageAttr stage) {
  std::string text =
      llvm::formatv("simd={0} pe={1} multiplier={2}", stage.getSimd(),
                    stage.getPe(), stringifyMultiplier(stage.getMultiplier()));
  if (stage.getWeights() != WeightPlacement::none)
    text += llvm::formatv(" weights={0}",
                          stage.getWeights() == WeightPlacement::streamed
                              ? StringRef("streamed")
                              : stringifyWeightMemory(stage.getMemory()));
  if (stage.getRowTile() > 0)
    text += llvm::formatv(" row_tile={0}", stage.getRowTile());
  if (stage.getRows() == WeightMemory::lutram)
    text += " rows=lutram";
  return text;
}

LogicalResult whittle::hlscpp::writeDesignReport(ModuleOp module,
                                                 raw_ostream &json,
                                                 raw_ostream &text) {
  auto device =
      module->getAttrOfType<DeviceAttr>(HLSCppDialect::kDeviceAttrName);
  auto plan = module->getAttrOfType<PlanAttr>(HLSCppDialect::kPlanAttrName);
  if (!device || !plan)
    return module.emitError()
           << "the design report needs a planned module (attributes '"
           << HLSCppDialect::kDeviceAttrName << "' and '"
           << HLSCppDialect::kPlanAttrName
           << "'); run --hlscpp-attach-device and --hlscpp-plan-dataflow";

  std::vector<Layer> layers;
  Resources total;
  module.walk([&](Operation *op) {
    auto stage = op->getAttrOfType<StageAttr>(HLSCppDialect::kStageAttrName);
    if (!stage)
      return;
    layers.push_back(
        {nn::describeLayer(op), op->getName().getStringRef().str(), stage});
    total.add(stage);
  });

  double clockHz = device.getClockMhz() * 1e6;
  int64_t cyclesPerFrame = plan.getCyclesPerFrame();
  double fps = cyclesPerFrame > 0 ? clockHz / cyclesPerFrame : 0.0;
  double latencyMs = plan.getLatencyCycles() / clockHz * 1e3;
  Budget budgets[] = {
      {"dsp", total.dsp, device.getDsp(), device.getCapDsp()},
      {"bram18", total.bram18, device.getBram18(), device.getCapBram()},
      {"uram", total.uram, device.getUram(), device.getCapUram()},
      {"lut", total.lut, device.getLut(), device.getCapLut()},
      {"ff", total.ff, device.getFf(), device.getCapFf()},
  };

  llvm::json::OStream out(json, /*IndentSize=*/2);
  out.object([&] {
    out.attributeObject("device", [&] {
      out.attribute("name", device.getName());
      out.attribute("part", device.getPart());
      out.attribute("clock_mhz", device.getClockMhz());
      out.attribute("ddr_mbps", device.getDdrMbps());
      out.attributeObject("budgets", [&] {
        for (const Budget &budget : budgets)
          out.attributeObject(budget.name, [&] {
            out.attribute("available", budget.available);
            out.attribute("cap_percent", budget.capPercent);
            out.attribute("cap", budget.cap());
          });
      });
    });
    out.attributeObject("solver", [&] {
      out.attribute("objective", stringifyObjective(plan.getObjective()));
      out.attribute("status", stringifyPlanStatus(plan.getStatus()));
      out.attribute("gap", plan.getGap().convertToDouble());
      out.attribute("seconds", plan.getSeconds().convertToDouble());
      out.attribute("variables", plan.getVariables());
      out.attribute("constraints", plan.getConstraints());
    });
    out.attributeObject("totals", [&] {
      for (const Budget &budget : budgets)
        out.attribute(budget.name, budget.used);
      out.attribute("cycles_per_frame", cyclesPerFrame);
      out.attribute("latency_cycles", plan.getLatencyCycles());
      out.attribute("fps", fps);
      out.attribute("latency_ms", latencyMs);
      out.attribute("ddr_bytes_per_frame", total.ddrBytes);
    });
    out.attributeArray("layers", [&] {
      for (const Layer &layer : layers) {
        StageAttr stage = layer.stage;
        out.object([&] {
          out.attribute("name", layer.name);
          out.attribute("op", layer.op);
          out.attributeObject("configuration", [&] {
            out.attribute("simd", stage.getSimd());
            out.attribute("pe", stage.getPe());
            out.attribute("multiplier",
                          stringifyMultiplier(stage.getMultiplier()));
            out.attribute("weights",
                          stringifyWeightPlacement(stage.getWeights()));
            out.attribute("memory", stringifyWeightMemory(stage.getMemory()));
            if (stage.getRowTile() > 0)
              out.attribute("row_tile", stage.getRowTile());
            out.attribute("rows", stringifyWeightMemory(stage.getRows()));
            out.attributeArray("fifo_depths", [&] {
              for (int64_t depth : stage.getFifoDepths())
                out.value(depth);
            });
          });
          out.attribute("cycles", stage.getCycles());
          out.attribute("dsp", stage.getDsp());
          out.attribute("bram18", stage.getBram18());
          out.attribute("uram", stage.getUram());
          out.attribute("lut", stage.getLut());
          out.attribute("ff", stage.getFf());
          out.attribute("ddr_bytes", stage.getDdrBytes());
        });
      }
    });
  });
  json << "\n";

  text << llvm::formatv("device   {0} ({1}) at {2} MHz, {3} MB/s off chip\n",
                        device.getName(), device.getPart(),
                        device.getClockMhz(), device.getDdrMbps());
  text << llvm::formatv(
      "solver   {0} ({1}), gap {2:P}, {3:F3} s, {4} variables, "
      "{5} constraints\n",
      stringifyPlanStatus(plan.getStatus()),
      stringifyObjective(plan.getObjective()), plan.getGap().convertToDouble(),
      plan.getSeconds().convertToDouble(), plan.getVariables(),
      plan.getConstraints());
  text << llvm::formatv("design   {0} cycles per frame = {1:F1} fps; latency "
                        "{2} cycles = {3:F3} ms; {4} off-chip bytes per "
                        "frame\n\n",
                        cyclesPerFrame, fps, plan.getLatencyCycles(), latencyMs,
                        total.ddrBytes);
  text << llvm::formatv("{0,-8} {1,10} {2,10} {3,10} {4,7}\n", "resource",
                        "used", "cap", "available", "of cap");
  for (const Budget &budget : budgets)
    text << llvm::formatv(
        "{0,-8} {1,10} {2,10} {3,10} {4,6:F1}%\n", budget.name, budget.used,
        budget.cap(), budget.available,
        budget.cap() > 0 ? 100.0 * budget.used / budget.cap() : 0.0);
  text << "\n"
       << llvm::formatv("{0,-32} {1,-18} {2,10} {3,5} {4,6} {5,5} {6,8} "
                        "{7,10}  {8}\n",
                        "layer", "op", "cycles", "dsp", "bram18", "uram", "lut",
                        "ddr bytes", "configuration");
  for (const Layer &layer : layers) {
    StageAttr stage = layer.stage;
    text << llvm::formatv(
        "{0,-32} {1,-18} {2,10} {3,5} {4,6} {5,5} {6,8} {7,10}  {8}\n",
        layer.name, layer.op, stage.getCycles(), stage.getDsp(),
        stage.getBram18(), stage.getUram(), stage.getLut(), stage.getDdrBytes(),
        getConfiguration(stage));
  }
  return success();
}
