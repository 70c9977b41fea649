// --hlscpp-attach-device writes the part's budgets, clock, bandwidth and caps
// on the module: a built-in part, overridden options, and a JSON file.
// RUN: whittle-opt %s --hlscpp-attach-device | FileCheck %s --check-prefix=ZU3EG
// RUN: whittle-opt %s "--hlscpp-attach-device=device=zu9eg clock-mhz=250 cap-dsp=60 cap-lut=90" | FileCheck %s --check-prefix=ZU9EG
// RUN: whittle-opt %s --hlscpp-attach-device=device=u250 | FileCheck %s --check-prefix=U250
// RUN: echo '{"name": "zu5ev", "part": "xczu5ev-sfvc784-1-e", "clock_mhz": 200, "dsp": 1248, "bram18": 288, "uram": 64, "lut": 117120, "ff": 234240, "ddr_mbps": 19200, "cap_ff": 60}' > %t.json
// RUN: whittle-opt %s --hlscpp-attach-device=device=%t.json | FileCheck %s --check-prefix=JSON
// RUN: not whittle-opt %s --hlscpp-attach-device=device=zu1cg 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not whittle-opt %s "--hlscpp-attach-device=cap-bram=101" 2>&1 | FileCheck %s --check-prefix=CAP
// RUN: echo '{"name": "x", "part": "y", "clock_mhz": 200}' > %t.bad.json
// RUN: not whittle-opt %s --hlscpp-attach-device=device=%t.bad.json 2>&1 | FileCheck %s --check-prefix=LACKS
// RUN: not whittle-opt %s --hlscpp-attach-device=device=%t.missing.json 2>&1 | FileCheck %s --check-prefix=MISSING

// ZU3EG: hlscpp.device = #hlscpp.device<name = "zu3eg", part = "xczu3eg-sbva484-1-e", clock_mhz = 300, dsp = 360, bram18 = 432, uram = 0, lut = 70560, ff = 141120, ddr_mbps = 8532, cap_dsp = 80, cap_bram = 80, cap_uram = 80, cap_lut = 70, cap_ff = 50>
// ZU9EG: hlscpp.device = #hlscpp.device<name = "zu9eg", part = "xczu9eg-ffvb1156-2-e", clock_mhz = 250, dsp = 2520, bram18 = 1824, uram = 0, lut = 274080, ff = 548160, ddr_mbps = 19200, cap_dsp = 60, cap_bram = 80, cap_uram = 80, cap_lut = 90, cap_ff = 50>
// U250: hlscpp.device = #hlscpp.device<name = "u250", part = "xcu250-figd2104-2L-e", clock_mhz = 300, dsp = 12288, bram18 = 5376, uram = 1280, lut = 1728000, ff = 3456000, ddr_mbps = 76800,
// JSON: hlscpp.device = #hlscpp.device<name = "zu5ev", part = "xczu5ev-sfvc784-1-e", clock_mhz = 200, dsp = 1248, bram18 = 288, uram = 64, lut = 117120, ff = 234240, ddr_mbps = 19200, cap_dsp = 80, cap_bram = 80, cap_uram = 80, cap_lut = 70, cap_ff = 60>
// UNKNOWN: error: unknown device 'zu1cg' (known: zu3eg, zu7ev, zu9eg, vu9p, u250, or a .json file describing the part)
// CAP: error: cap_bram is a percentage in 1..100, got 101
// LACKS: error: {{.*}}.bad.json: device description lacks "dsp"
// MISSING: error: cannot read device file '{{.*}}.missing.json'
module {
}
