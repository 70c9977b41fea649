//===- DeviceModel.cpp - FPGA parts the planner knows ---------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/HLSCpp/DeviceModel.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace whittle::hlscpp;
using llvm::StringRef;

DeviceAttr DeviceModel::toAttr(mlir::MLIRContext *context) const {
  return DeviceAttr::get(context, StringRef(name), StringRef(part), clockMhz,
                         dsp, bram18, uram, lut, ff, ddrMbps, capDsp, capBram,
                         capUram, capLut, capFf);
}

DeviceModel DeviceModel::fromAttr(DeviceAttr attr) {
  DeviceModel device;
  device.name = attr.getName().str();
  device.part = attr.getPart().str();
  device.clockMhz = attr.getClockMhz();
  device.dsp = attr.getDsp();
  device.bram18 = attr.getBram18();
  device.uram = attr.getUram();
  device.lut = attr.getLut();
  device.ff = attr.getFf();
  device.ddrMbps = attr.getDdrMbps();
  device.capDsp = attr.getCapDsp();
  device.capBram = attr.getCapBram();
  device.capUram = attr.getCapUram();
  device.capLut = attr.getCapLut();
  device.capFf = attr.getCapFf();
  return device;
}

/// A part with FINN's default caps (finn `build_dataflow_config`: 0.8 of DSP,
/// BRAM and URAM, 0.7 of LUTs, 0.5 of FFs, for timing closure;
/// algorithms.md section 4).
static DeviceModel makeDevice(StringRef name, StringRef part, int64_t clockMhz,
                              int64_t dsp, int64_t bram18, int64_t uram,
                              int64_t lut, int64_t ff, int64_t ddrMbps) {
  DeviceModel device;
  device.name = name.str();
  device.part = part.str();
  device.clockMhz = clockMhz;
  device.dsp = dsp;
  device.bram18 = bram18;
  device.uram = uram;
  device.lut = lut;
  device.ff = ff;
  device.ddrMbps = ddrMbps;
  return device;
}

// Resources are Vivado's "Available" counts for each part (the Zynq
// UltraScale+ and Virtex UltraScale+ product tables, DS891 / DS890; the
// figures in algorithms.md section 4); BRAM18 = 2 x BRAM36. Bandwidths are the
// peak of the board's memory: data width x transfer rate.
const std::vector<DeviceModel> &whittle::hlscpp::builtinDevices() {
  static const std::vector<DeviceModel> devices = {
      // Ultra96 (v1): 2 GB LPDDR4, 32-bit, 2133 MT/s -> 4 B x 2133 MT/s =
      // 8532 MB/s peak (Ultra96 hardware user guide). 300 MHz: the clock
      // algorithms.md's ResNet-50 limit (56 fps) assumes.
      makeDevice("zu3eg", "xczu3eg-sbva484-1-e", 300, 360, 432, 0, 70560,
                 141120, 8532),
      // ZCU104: PS DDR4, 64-bit, 2666 MT/s -> 8 B x 2666 = 21328 MB/s peak
      // (UG1267). The DPU runs its ZCU104 figures at 300 MHz (algorithms.md).
      makeDevice("zu7ev", "xczu7ev-ffvc1156-2-e", 300, 1728, 624, 96, 230400,
                 460800, 21328),
      // ZCU102: PS DDR4 SODIMM, 64-bit, 2400 MT/s -> 8 B x 2400 = 19200 MB/s
      // peak (UG1182; the PS DDR controller's DDR4-2400 speed bin).
      makeDevice("zu9eg", "xczu9eg-ffvb1156-2-e", 300, 2520, 1824, 0, 274080,
                 548160, 19200),
      // VCU118: two PL DDR4 banks, 64 data bits each, 2400 MT/s -> 2 x 8 B x
      // 2400 = 38400 MB/s peak (UG1224). FF = 2 per LUT on UltraScale+.
      makeDevice("vu9p", "xcvu9p-flga2104-2L-e", 300, 6840, 4320, 960, 1182240,
                 2364480, 38400),
      // Alveo U250: four DDR4-2400 channels, 64 data bits each -> 4 x 8 B x
      // 2400 = 76800 MB/s (DS962 gives 77 GB/s). 300 MHz: the Vitis default
      // kernel clock on Alveo. Resources in all four SLRs (algorithms.md).
      makeDevice("u250", "xcu250-figd2104-2L-e", 300, 12288, 5376, 1280,
                 1728000, 3456000, 76800),
  };
  return devices;
}

/// Reads one integer field of a device description; `required` fields that
/// are absent are an error, optional ones keep `value`.
static llvm::Error readField(const llvm::json::Object &object, StringRef key,
                             bool required, int64_t &value) {
  const llvm::json::Value *field = object.get(key);
  if (!field) {
    if (!required)
      return llvm::Error::success();
    return llvm::createStringError("device description lacks \"" + key + "\"");
  }
  std::optional<int64_t> number = field->getAsInteger();
  if (!number)
    return llvm::createStringError("device description: \"" + key +
                                   "\" must be an integer");
  value = *number;
  return llvm::Error::success();
}

llvm::Expected<DeviceModel> whittle::hlscpp::parseDeviceJSON(StringRef text) {
  llvm::Expected<llvm::json::Value> json = llvm::json::parse(text);
  if (!json)
    return json.takeError();
  const llvm::json::Object *object = json->getAsObject();
  if (!object)
    return llvm::createStringError("device description must be a JSON object");
  DeviceModel device;
  for (StringRef key : {"name", "part"}) {
    std::optional<StringRef> value = object->getString(key);
    if (!value)
      return llvm::createStringError("device description lacks the string \"" +
                                     key + "\"");
    (key == "name" ? device.name : device.part) = value->str();
  }
  std::pair<StringRef, int64_t *> required[] = {{"clock_mhz", &device.clockMhz},
                                                {"dsp", &device.dsp},
                                                {"bram18", &device.bram18},
                                                {"uram", &device.uram},
                                                {"lut", &device.lut},
                                                {"ff", &device.ff},
                                                {"ddr_mbps", &device.ddrMbps}};
  std::pair<StringRef, int64_t *> optional[] = {{"cap_dsp", &device.capDsp},
                                                {"cap_bram", &device.capBram},
                                                {"cap_uram", &device.capUram},
                                                {"cap_lut", &device.capLut},
                                                {"cap_ff", &device.capFf}};
  for (auto [key, field] : required)
    if (llvm::Error error = readField(*object, key, true, *field))
      return error;
  for (auto [key, field] : optional)
    if (llvm::Error error = readField(*object, key, false, *field))
      return error;
  return device;
}

llvm::Expected<DeviceModel> whittle::hlscpp::resolveDevice(StringRef device) {
  if (device.ends_with(".json")) {
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
        llvm::MemoryBuffer::getFile(device);
    if (!file)
      return llvm::createStringError("cannot read device file '" + device +
                                     "': " + file.getError().message());
    llvm::Expected<DeviceModel> model = parseDeviceJSON((*file)->getBuffer());
    if (!model)
      return llvm::createStringError(device + ": " +
                                     llvm::toString(model.takeError()));
    return model;
  }
  for (const DeviceModel &model : builtinDevices())
    if (model.name == device)
      return model;
  std::string known = llvm::join(
      llvm::map_range(builtinDevices(),
                      [](const DeviceModel &model) { return model.name; }),
      ", ");
  return llvm::createStringError("unknown device '" + device +
                                 "' (known: " + known +
                                 ", or a .json file describing the part)");
}
