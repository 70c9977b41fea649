//===- whittle_hls_stages.h - stages of whittle designs ------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The stage templates a design emitted by whittle (`whittle-translate
// --emit-hls`, `whittlec --target hls`) instantiates, one call per stage in
// the top function's DATAFLOW region, connected by hls::stream FIFOs. Plain
// C++17 for g++ (C simulation) and Vitis HLS; every integer result comes from
// whittle_hls_arith.h, the scalar reference of the qnn ops.
//
// Streams. An activation tensor travels one frame (one element of the
// model's leading dimension) after another, in channels-last order for
// feature maps (N x C x H x W streams H, W, C), `W` elements per beat
// (Vec<T, W>). Each stage reads `simd` channels per beat and writes `pe`
// channels per beat as its hlscpp.stage attribute says (the emitter puts a
// convert_width stage between a producer and a consumer that differ), and
// processes `frames` frames per call.
//
// Parallelism. mvu, the matrix-vector unit of convolutions and matrix
// products, keeps `PE` output channels in flight and reduces `SIMD` products
// per output channel and cycle; the other stages handle one beat per cycle.
//
// C simulation runs each stage to completion in turn, so a stream holds a
// whole call's frames; `frames` bounds that memory.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_HLS_STAGES_H
#define WHITTLE_HLS_STAGES_H

// The code is clang-formatted except for the `#pragma HLS` lines, whose
// `option=value` clang-format would space out: keep it off for them.
// clang-format off

#include "whittle_hls_arith.h"
#include "whittle_hls_stream.h"

#include <cstdint>
#ifndef __SYNTHESIS__
#include <cstdio>
#include <cstdlib>
#endif

namespace whittle_hls {

/// One beat of a stream: `N` consecutive elements (channels) of a frame.
template <typename T, int N> struct Vec {
  T v[N];
};

/// The parameters of a product's accumulator `sum (x - input_zero_point) *
/// (w - weight_zero_point[m]) + bias[m]` (qnn.conv, qnn.matmul).
template <int M> struct Accumulate {
  int32_t input_zero_point;
  int32_t weight_zero_point[M];
  int32_t bias[M];
};

/// A per-channel qnn.requantize (per-tensor ones repeat their values).
template <int M> struct Requantize {
  int32_t multiplier[M];
  int32_t shift[M];
  RoundingMode rounding;
  int32_t zero_point;
  int32_t min;
  int32_t max;
};

/// qnn.add of two elements.
struct AddParams {
  int32_t a_zero_point, b_zero_point, a_multiplier, b_multiplier, shift;
  RoundingMode rounding;
  int32_t zero_point, min, max;
  int8_t operator()(int8_t a, int8_t b) const {
#pragma HLS INLINE
    return add(a, b, a_zero_point, b_zero_point, a_multiplier, b_multiplier,
               shift, rounding, zero_point, min, max);
  }
};

/// qnn.mul of two elements.
struct MulParams {
  int32_t a_zero_point, b_zero_point, multiplier, shift;
  RoundingMode rounding;
  int32_t zero_point, min, max;
  int8_t operator()(int8_t a, int8_t b) const {
#pragma HLS INLINE
    return mul(a, b, a_zero_point, b_zero_point, multiplier, shift, rounding,
               zero_point, min, max);
  }
};

/// The output stage of an average (qnn.avg_pool, qnn.global_avg_pool) or
/// a softmax: `round(value * multiplier / (divisor * 2^shift))` and the
/// output zero point and clamp.
struct DivideParams {
  int32_t input_zero_point, multiplier, shift;
  RoundingMode rounding;
  int32_t zero_point, min, max;
};

/// One input of qnn.concat: `(x - zero_point) * multiplier / 2^shift`.
struct ConcatInput {
  int32_t zero_point, multiplier, shift;
};

/// qnn.concat's output stage.
struct ConcatParams {
  ConcatInput a, b;
  RoundingMode rounding;
  int32_t zero_point, min, max;
};

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

/// Reads `frames` frames of `N` elements each from memory (AXI master)
/// into a stream of `W`-element beats.
template <typename T, int N, int W>
void mem_to_stream(const T *mem, hls::stream<Vec<T, W>> &out, int frames) {
  static_assert(N % W == 0, "a frame is a whole number of beats");
  for (int f = 0; f < frames; ++f)
    for (int i = 0; i < N / W; ++i) {
#pragma HLS PIPELINE II=1
      Vec<T, W> beat;
      for (int k = 0; k < W; ++k) {
#pragma HLS UNROLL
        beat.v[k] = mem[static_cast<long long>(f) * N + i * W + k];
      }
      out.write(beat);
    }
}

/// Writes `frames` frames of `N` elements each from a stream to memory.
template <typename T, int N, int W>
void stream_to_mem(hls::stream<Vec<T, W>> &in, T *mem, int frames) {
  static_assert(N % W == 0, "a frame is a whole number of beats");
  for (int f = 0; f < frames; ++f)
    for (int i = 0; i < N / W; ++i) {
#pragma HLS PIPELINE II=1
      Vec<T, W> beat = in.read();
      for (int k = 0; k < W; ++k) {
#pragma HLS UNROLL
        mem[static_cast<long long>(f) * N + i * W + k] = beat.v[k];
      }
    }
}

/// Reads weights for a stage whose weights stay off chip: `TILES` beats of
/// `PE * SIMD` values from `mem`, once for each of the `REPEAT` input
/// vectors of every frame, in the order mvu consumes them.
template <int TILES, int PE, int SIMD, int REPEAT>
void stream_weights(const int8_t *mem, hls::stream<Vec<int8_t, PE * SIMD>> &out,
                    int frames) {
  for (int f = 0; f < frames; ++f)
    for (int r = 0; r < REPEAT; ++r)
      for (int t = 0; t < TILES; ++t) {
#pragma HLS PIPELINE II=1
        Vec<int8_t, PE * SIMD> beat;
        for (int k = 0; k < PE * SIMD; ++k) {
#pragma HLS UNROLL
          beat.v[k] = mem[static_cast<long long>(t) * PE * SIMD + k];
        }
        out.write(beat);
      }
}

/// Copies `N` weights from memory into an on-chip array, when the design
/// starts (whittle_top with load_weights set).
template <int N> void load_weights(const int8_t *mem, int8_t *onchip) {
  for (int i = 0; i < N; ++i) {
#pragma HLS PIPELINE II=1
    onchip[i] = mem[i];
  }
}

/// Regroups a stream of `IN`-element beats into `OUT`-element beats (FINN's
/// data width converter); `N` elements per frame.
template <typename T, int N, int IN, int OUT>
void convert_width(hls::stream<Vec<T, IN>> &in, hls::stream<Vec<T, OUT>> &out,
                   int frames) {
  static_assert(N % IN == 0 && N % OUT == 0,
                "a frame is a whole number of beats on both sides");
  for (int f = 0; f < frames; ++f) {
    Vec<T, IN> held;
    int used = IN;
    for (int o = 0; o < N / OUT; ++o) {
#pragma HLS PIPELINE II=1
      Vec<T, OUT> beat;
      for (int k = 0; k < OUT; ++k) {
        if (used == IN) {
          held = in.read();
          used = 0;
        }
        beat.v[k] = held.v[used++];
      }
      out.write(beat);
    }
  }
}

/// Copies every beat to two streams: a value that two stages read.
template <typename T, int W, int BEATS>
void fork(hls::stream<Vec<T, W>> &in, hls::stream<Vec<T, W>> &out0,
          hls::stream<Vec<T, W>> &out1, int frames) {
  for (int f = 0; f < frames; ++f)
    for (int i = 0; i < BEATS; ++i) {
#pragma HLS PIPELINE II=1
      Vec<T, W> beat = in.read();
      out0.write(beat);
      out1.write(beat);
    }
}

/// Reads and drops the beats of a stream nothing else reads.
template <typename T, int W, int BEATS>
void discard(hls::stream<Vec<T, W>> &in, int frames) {
  for (int f = 0; f < frames; ++f)
    for (int i = 0; i < BEATS; ++i) {
#pragma HLS PIPELINE II=1
      in.read();
    }
}

/// Reads `N` values, `W` per beat, into `to` (a frame, a vector or a row
/// that a stage holds before it uses it).
template <typename T, int N, int W>
void read_beats(hls::stream<Vec<T, W>> &in, T (&to)[N]) {
#pragma HLS INLINE
  static_assert(N % W == 0, "a whole number of beats");
  for (int i = 0; i < N / W; ++i) {
#pragma HLS PIPELINE II=1
    Vec<T, W> beat = in.read();
    for (int k = 0; k < W; ++k)
      to[i * W + k] = beat.v[k];
  }
}

/// Reorders each frame of `N` elements from one stream order into another
/// (a transpose, or a consumer that needs channels last). Each order is a
/// nest of loops, outermost first, `{size, step in the frame's row-major
/// index, step in the stream}`. Holds one frame.
template <typename T, int N, int IN, int OUT, int DI, int DO>
void reorder(hls::stream<Vec<T, IN>> &in, hls::stream<Vec<T, OUT>> &out,
             const long long (&from)[DI][3], const long long (&to)[DO][3],
             int frames) {
  static T frame[N];
  for (int f = 0; f < frames; ++f) {
    read_beats(in, frame);
    for (int o = 0; o < N / OUT; ++o) {
#pragma HLS PIPELINE II=1
      Vec<T, OUT> beat;
      for (int k = 0; k < OUT; ++k) {
        long long position = o * OUT + k, logical = 0, source = 0;
        for (int d = 0; d < DO; ++d)
          logical += (position / to[d][2]) % to[d][0] * to[d][1];
        for (int d = 0; d < DI; ++d)
          source += (logical / from[d][1]) % from[d][0] * from[d][2];
        beat.v[k] = frame[source];
      }
      out.write(beat);
    }
  }
}

/// Constant padding of a channels-last feature map (nn.pad on i8): `C`
/// channels, `H` x `W` pixels in, `PT`/`PL` rows and columns before,
/// `OH` x `OW` out, new positions holding `value`.
template <int C, int H, int W, int PT, int PL, int OH, int OW, int SIMD>
void pad(hls::stream<Vec<int8_t, SIMD>> &in,
         hls::stream<Vec<int8_t, SIMD>> &out, int8_t value, int frames) {
  Vec<int8_t, SIMD> fill;
  for (int k = 0; k < SIMD; ++k)
    fill.v[k] = value;
  for (int f = 0; f < frames; ++f)
    for (int y = 0; y < OH; ++y)
      for (int x = 0; x < OW; ++x)
        for (int c = 0; c < C / SIMD; ++c) {
#pragma HLS PIPELINE II=1
          int iy = y - PT, ix = x - PL;
          bool inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
          out.write(inside ? in.read() : fill);
        }
}

//===----------------------------------------------------------------------===//
// Windows
//===----------------------------------------------------------------------===//

/// The sliding-window generator of convolutions and pools (FINN's
/// ConvolutionInputGenerator): reads a channels-last `H` x `W` x `C` frame
/// and writes, for every output pixel of an `OH` x `OW` grid, its
/// `KH` x `KW` window in kernel-row, kernel-column, channel order, with
/// strides `SH`/`SW`, dilations `DH`/`DW` and `PT`/`PL` leading pads.
/// Positions outside the frame hold `pad`. A line buffer keeps the rows one
/// window spans, (KH - 1) * DH + 1 of them; rows no window reads (strides
/// larger than the window) are read and dropped.
template <int C, int H, int W, int KH, int KW, int SH, int SW, int DH, int DW,
          int PT, int PL, int OH, int OW, int SIMD>
void sliding_window(hls::stream<Vec<int8_t, SIMD>> &in,
                    hls::stream<Vec<int8_t, SIMD>> &out, int8_t pad,
                    int frames) {
  static_assert(C % SIMD == 0, "the channels are a whole number of beats");
  constexpr int CF = C / SIMD;
  constexpr int ROWS = (KH - 1) * DH + 1;
  Vec<int8_t, SIMD> lines[ROWS][W][CF];
#pragma HLS ARRAY_PARTITION variable=lines complete dim=1
  Vec<int8_t, SIMD> fill;
  for (int k = 0; k < SIMD; ++k)
    fill.v[k] = pad;
  for (int f = 0; f < frames; ++f) {
    int next = 0; // the next input row to read
    for (int oy = 0; oy < OH; ++oy) {
      int top = oy * SH - PT;
      int last = top + (KH - 1) * DH;
      if (last > H - 1)
        last = H - 1;
      for (; next <= last; ++next)
        for (int x = 0; x < W; ++x)
          for (int c = 0; c < CF; ++c) {
#pragma HLS PIPELINE II=1
            lines[next % ROWS][x][c] = in.read();
          }
      for (int ox = 0; ox < OW; ++ox)
        for (int ky = 0; ky < KH; ++ky)
          for (int kx = 0; kx < KW; ++kx)
            for (int c = 0; c < CF; ++c) {
#pragma HLS PIPELINE II=1
              int iy = top + ky * DH, ix = ox * SW - PL + kx * DW;
              bool inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
              out.write(inside ? lines[iy % ROWS][ix][c] : fill);
            }
    }
    for (; next < H; ++next)
      for (int i = 0; i < W * CF; ++i) {
#pragma HLS PIPELINE II=1
        in.read();
      }
  }
}

//===----------------------------------------------------------------------===//
// Products
//===----------------------------------------------------------------------===//

/// Weights kept on chip: `PE` banks of `TILES` tiles of `SIMD` values,
/// bank `pe` holding output channels `nf * PE + pe`.
template <int PE, int TILES, int SIMD> struct OnChipWeights {
  const int8_t (&w)[PE][TILES][SIMD];
  Vec<int8_t, PE * SIMD> tile(int t) const {
#pragma HLS INLINE
    Vec<int8_t, PE * SIMD> beat;
    for (int pe = 0; pe < PE; ++pe)
      for (int s = 0; s < SIMD; ++s)
        beat.v[pe * SIMD + s] = w[pe][t][s];
    return beat;
  }
};

/// Weights streamed from off chip by stream_weights, tile after tile.
template <int PE, int SIMD> struct StreamedWeights {
  hls::stream<Vec<int8_t, PE * SIMD>> &s;
  Vec<int8_t, PE * SIMD> tile(int) const {
#pragma HLS INLINE
    return s.read();
  }
};

/// The output of one PE lane: the accumulator through the fused
/// qnn.requantize to i8 (`REQUANT`, `TO` = int8_t), or the i32 accumulator.
template <typename TO, bool REQUANT, int M>
inline TO finish(int32_t sum, int m, const Requantize<M> &rq) {
#pragma HLS INLINE
  if (REQUANT)
    return static_cast<TO>(requantize(sum, rq.multiplier[m], rq.shift[m],
                                      rq.rounding, rq.zero_point, rq.min,
                                      rq.max));
  return static_cast<TO>(sum);
}

/// Writes PE block `nf`'s accumulators, through the output stage, as one
/// beat (mvu, mvu_rows).
template <typename TO, bool REQUANT, int PE, int M>
void write_block(hls::stream<Vec<TO, PE>> &out, const int32_t (&sums)[PE],
                 int nf, const Requantize<M> &rq) {
#pragma HLS INLINE
  Vec<TO, PE> beat;
  for (int pe = 0; pe < PE; ++pe) {
#pragma HLS UNROLL
    beat.v[pe] = finish<TO, REQUANT>(sums[pe], nf * PE + pe, rq);
  }
  out.write(beat);
}

/// The matrix-vector unit of pointwise qnn.conv (a 1x1 window of stride 1
/// without pads: the stream is its own window; any group count) and
/// qnn.matmul (FINN's MVAU). For each of the `PIXELS` input vectors of a
/// frame it reads `KK * C` values, `IW` per beat, and computes `M` output
/// channels in `G` groups: channel `m` of group `g = m / (M / G)` reduces
/// over the window positions and the group's `C / G` channels. `PE` output
/// channels at a time (one output beat), `SIMD` products of the reduction
/// per cycle. The vector is kept for the later PE blocks; without groups
/// (and one beat per fold) the first block computes while it arrives.
template <typename TO, int PIXELS, int KK, int C, int M, int G, int IW,
          int SIMD, int PE, bool REQUANT, typename Weights>
void mvu(hls::stream<Vec<int8_t, IW>> &in, hls::stream<Vec<TO, PE>> &out,
         const Weights &weights, const Accumulate<M> &acc,
         const Requantize<M> &rq, int frames) {
  constexpr int CG = C / G;  // input channels per group
  constexpr int MG = M / G;  // output channels per group
  constexpr int R = KK * CG; // reduction length
  constexpr int SF = R / SIMD;
  constexpr int NF = M / PE;
  constexpr bool OVERLAP = G == 1 && IW == SIMD;
  static_assert(C % G == 0 && M % G == 0, "groups divide the channels");
  static_assert((KK * C) % IW == 0, "the input is a whole number of beats");
  static_assert(R % SIMD == 0 && M % PE == 0, "SIMD and PE fold evenly");
  // The vector as it came (8 bits a value, as the cost model counts it);
  // the zero point comes off at the multiplier.
  int8_t vector[KK * C];
#pragma HLS ARRAY_PARTITION variable=vector cyclic factor=SIMD
  for (int f = 0; f < frames; ++f)
    for (int p = 0; p < PIXELS; ++p) {
      if (!OVERLAP)
        read_beats(in, vector);
      for (int nf = 0; nf < NF; ++nf) {
        // Registers; the first fold overwrites them with the bias (the
        // zeros only keep g++ from warning that they may be read first).
        int32_t sums[PE] = {};
#pragma HLS ARRAY_PARTITION variable=sums complete
        for (int sf = 0; sf < SF; ++sf) {
#pragma HLS PIPELINE II=1
          if (OVERLAP && nf == 0) {
            Vec<int8_t, IW> beat = in.read();
            for (int k = 0; k < IW; ++k)
              vector[sf * SIMD + k] = beat.v[k];
          }
          Vec<int8_t, PE * SIMD> w = weights.tile(nf * SF + sf);
          for (int pe = 0; pe < PE; ++pe) {
#pragma HLS UNROLL
            int m = nf * PE + pe;
            int32_t wzp = acc.weight_zero_point[m];
            int32_t sum = 0;
            for (int s = 0; s < SIMD; ++s) {
#pragma HLS UNROLL
              int r = sf * SIMD + s;
              int index;
              if (G == 1)
                index = r;
              else
                index = (r / CG) * C + (m / MG) * CG + r % CG;
              sum += (vector[index] - acc.input_zero_point) *
                     (w.v[pe * SIMD + s] - wzp);
            }
            sums[pe] = (sf == 0 ? acc.bias[m] : sums[pe]) + sum;
          }
        }
        write_block<TO, REQUANT>(out, sums, nf, rq);
      }
    }
}

/// Reads the input rows `next` to `last` of a channels-last frame, `W`
/// pixels of `C` channels in `IW`-wide beats, into a ring of `ROWS` rows
/// (row `y` at `y % ROWS`), and advances `next`.
template <int C, int W, int IW, int ROWS>
void read_rows(hls::stream<Vec<int8_t, IW>> &in, int8_t (&lines)[ROWS][W][C],
               int &next, int last) {
  static_assert(C % IW == 0, "the input is a whole number of beats");
  for (; next <= last; ++next)
    for (int x = 0; x < W; ++x)
      for (int i = 0; i < C / IW; ++i) {
#pragma HLS PIPELINE II=1
        Vec<int8_t, IW> beat = in.read();
        for (int k = 0; k < IW; ++k)
          lines[next % ROWS][x][i * IW + k] = beat.v[k];
      }
}

/// Reads and drops the rows from `next` to the frame's last, `H` rows of
/// `W * C` values: rows below the last window.
template <int C, int H, int W, int IW>
void skip_rows(hls::stream<Vec<int8_t, IW>> &in, int next) {
  for (; next < H; ++next)
    for (int i = 0; i < W * (C / IW); ++i) {
#pragma HLS PIPELINE II=1
      in.read();
    }
}

/// The window of a qnn.conv read from the rows a unit keeps: output channel
/// `m` (of group `m / MG`), reduction fold `sf` (SIMD values of the order
/// window position, then the group's `CG` channels) at output pixel
/// (`oy`, `ox`), against the SIMD weights of PE lane `lane` in `w`; strides,
/// dilations and leading pads as ONNX's, and a position outside the frame
/// contributes nothing (as the input zero point would).
template <int C, int H, int W, int KW, int SH, int SW, int DH, int DW, int PT,
          int PL, int CG, int MG, int SIMD, int PE, int ROWS>
inline int32_t window_products(const int8_t (&lines)[ROWS][W][C], int oy,
                               int ox, int m, int sf,
                               const Vec<int8_t, PE * SIMD> &w, int lane,
                               int32_t inputZeroPoint, int32_t weightZeroPoint) {
#pragma HLS INLINE
  int32_t sum = 0;
  if (CG % SIMD == 0) {
    // The fold's SIMD values are consecutive channels at one window
    // position: one address for all of them.
    int k = (sf * SIMD) / CG;
    int c = (m / MG) * CG + (sf * SIMD) % CG;
    int iy = oy * SH - PT + (k / KW) * DH;
    int ix = ox * SW - PL + (k % KW) * DW;
    if (iy < 0 || iy >= H || ix < 0 || ix >= W)
      return 0;
    const int8_t *x = &lines[iy % ROWS][ix][c];
    for (int s = 0; s < SIMD; ++s) {
#pragma HLS UNROLL
      sum += (x[s] - inputZeroPoint) *
             (w.v[lane * SIMD + s] - weightZeroPoint);
    }
    return sum;
  }
  for (int s = 0; s < SIMD; ++s) {
#pragma HLS UNROLL
    int r = sf * SIMD + s;
    int k = r / CG;
    int c = (m / MG) * CG + r % CG;
    int iy = oy * SH - PT + (k / KW) * DH;
    int ix = ox * SW - PL + (k % KW) * DW;
    bool inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
    int32_t x = inside ? lines[iy % ROWS][ix][c] - inputZeroPoint : 0;
    sum += x * (w.v[lane * SIMD + s] - weightZeroPoint);
  }
  return sum;
}

/// The matrix-vector unit of a qnn.conv with a window (not pointwise) and
/// weights on chip: it reads the channels-last `H` x `W` x `C` input itself
/// (no sliding_window in front), keeping the (KH - 1) DH + 1 rows a window
/// spans in `lines` (the design's array, in the memory the planner chose),
/// and for each output pixel computes `M` channels in `G` groups,
/// `PE` at a time, `SIMD` products of the reduction per cycle, reading the
/// window straight from its rows (so no copy of it is kept). Rows are read
/// between output rows, not while computing. Window, groups and reduction
/// order as mvu's over sliding_window; every integer result is the same.
template <typename TO, int C, int H, int W, int KH, int KW, int SH, int SW,
          int DH, int DW, int PT, int PL, int OH, int OW, int M, int G, int IW,
          int SIMD, int PE, bool REQUANT, typename Weights>
void mvu_rows(hls::stream<Vec<int8_t, IW>> &in, hls::stream<Vec<TO, PE>> &out,
              int8_t (&lines)[(KH - 1) * DH + 1][W][C],
              const Weights &weights, const Accumulate<M> &acc,
              const Requantize<M> &rq, int frames) {
  constexpr int CG = C / G, MG = M / G;
  constexpr int SF = KH * KW * CG / SIMD;
  constexpr int NF = M / PE;
  constexpr int ROWS = (KH - 1) * DH + 1; // rows a window spans
  static_assert(C % G == 0 && M % G == 0, "groups divide the channels");
  static_assert((KH * KW * CG) % SIMD == 0 && M % PE == 0,
                "SIMD and PE fold evenly");
  for (int f = 0; f < frames; ++f) {
    int next = 0; // the next input row to read
    for (int oy = 0; oy < OH; ++oy) {
      int last = oy * SH - PT + (KH - 1) * DH;
      read_rows<C, W, IW, ROWS>(in, lines, next, last < H - 1 ? last : H - 1);
      for (int ox = 0; ox < OW; ++ox)
        for (int nf = 0; nf < NF; ++nf) {
          int32_t sums[PE] = {}; // registers, as in mvu
#pragma HLS ARRAY_PARTITION variable=sums complete
          for (int sf = 0; sf < SF; ++sf) {
#pragma HLS PIPELINE II=1
            Vec<int8_t, PE * SIMD> w = weights.tile(nf * SF + sf);
            for (int pe = 0; pe < PE; ++pe) {
#pragma HLS UNROLL
              int m = nf * PE + pe;
              int32_t sum =
                  window_products<C, H, W, KW, SH, SW, DH, DW, PT, PL, CG, MG,
                                  SIMD, PE, ROWS>(
                      lines, oy, ox, m, sf, w, pe, acc.input_zero_point,
                      acc.weight_zero_point[m]);
              sums[pe] = (sf == 0 ? acc.bias[m] : sums[pe]) + sum;
            }
          }
          write_block<TO, REQUANT>(out, sums, nf, rq);
        }
    }
    skip_rows<C, H, W, IW>(in, next);
  }
}

/// The matrix-vector unit of a qnn.conv whose weights stream from off chip
/// (hlscpp.stage `weights = streamed`), `RT` output rows per pass over the
/// weights (`row_tile`) rather than one pass per pixel: it reads the
/// channels-last `H` x `W` x `C` input itself (no sliding_window in front),
/// keeping the input rows a tile of rows spans in `lines` (the design's
/// array, in the memory the planner chose), then for each block of `PE`
/// output channels takes each weight beat once (stream_weights with
/// `REPEAT` = ceil(OH / RT)) and applies it to every pixel of the tile, and
/// writes the tile's outputs pixel by pixel, `PE` channels per beat. Window,
/// groups and reduction order as mvu_rows'; every integer result the same.
template <typename TO, int C, int H, int W, int KH, int KW, int SH, int SW,
          int DH, int DW, int PT, int PL, int OH, int OW, int M, int G, int IW,
          int SIMD, int PE, int RT, bool REQUANT>
void mvu_row_tiles(hls::stream<Vec<int8_t, IW>> &in,
                   hls::stream<Vec<TO, PE>> &out,
                   int8_t (&lines)[(RT - 1) * SH + (KH - 1) * DH + 1][W][C],
                   hls::stream<Vec<int8_t, PE * SIMD>> &weights,
                   const Accumulate<M> &acc, const Requantize<M> &rq,
                   int frames) {
  constexpr int CG = C / G, MG = M / G;
  constexpr int SF = KH * KW * CG / SIMD;
  constexpr int NF = M / PE;
  constexpr int ROWS = (RT - 1) * SH + (KH - 1) * DH + 1; // rows a tile spans
  constexpr int PIXELS = RT * OW;
  static_assert(C % G == 0 && M % G == 0, "groups divide the channels");
  static_assert((KH * KW * CG) % SIMD == 0 && M % PE == 0,
                "SIMD and PE fold evenly");
  int32_t sums[PIXELS][PE];
#pragma HLS ARRAY_PARTITION variable=sums complete dim=2
  TO tile[PIXELS][M];
#pragma HLS ARRAY_PARTITION variable=tile cyclic factor=PE dim=2
  for (int f = 0; f < frames; ++f) {
    int next = 0; // the next input row to read
    for (int oy0 = 0; oy0 < OH; oy0 += RT) {
      int rows = OH - oy0 < RT ? OH - oy0 : RT;
      int last = (oy0 + rows - 1) * SH - PT + (KH - 1) * DH;
      read_rows<C, W, IW, ROWS>(in, lines, next, last < H - 1 ? last : H - 1);
      for (int nf = 0; nf < NF; ++nf)
        for (int sf = 0; sf < SF; ++sf) {
          Vec<int8_t, PE * SIMD> w = weights.read();
          for (int p = 0; p < rows * OW; ++p) {
#pragma HLS PIPELINE II=1
            int oy = oy0 + p / OW, ox = p % OW;
            for (int pe = 0; pe < PE; ++pe) {
#pragma HLS UNROLL
              int m = nf * PE + pe;
              int32_t sum =
                  window_products<C, H, W, KW, SH, SW, DH, DW, PT, PL, CG, MG,
                                  SIMD, PE, ROWS>(
                      lines, oy, ox, m, sf, w, pe, acc.input_zero_point,
                      acc.weight_zero_point[m]);
              sums[p][pe] = (sf == 0 ? acc.bias[m] : sums[p][pe]) + sum;
              if (sf == SF - 1)
                tile[p][m] = finish<TO, REQUANT>(sums[p][pe], m, rq);
            }
          }
        }
      for (int p = 0; p < rows * OW; ++p)
        for (int nf = 0; nf < NF; ++nf) {
#pragma HLS PIPELINE II=1
          Vec<TO, PE> beat;
          for (int pe = 0; pe < PE; ++pe)
            beat.v[pe] = tile[p][nf * PE + pe];
          out.write(beat);
        }
    }
    skip_rows<C, H, W, IW>(in, next);
  }
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

/// Applies `fn(x, i)` to every element `x` of every frame, `i` its position
/// in the frame's stream order: the elementwise stages of one input.
template <typename TI, typename TO, int N, int W, typename Fn>
void map_elements(hls::stream<Vec<TI, W>> &in, hls::stream<Vec<TO, W>> &out,
                  const Fn &fn, int frames) {
  static_assert(N % W == 0, "a frame is a whole number of beats");
  for (int f = 0; f < frames; ++f)
    for (int i = 0; i < N / W; ++i) {
#pragma HLS PIPELINE II=1
      Vec<TI, W> x = in.read();
      Vec<TO, W> y;
      for (int k = 0; k < W; ++k) {
#pragma HLS UNROLL
        y.v[k] = fn(x.v[k], i * W + k);
      }
      out.write(y);
    }
}

/// qnn.requantize on its own (not fused into a product): `N` elements per
/// frame whose channel (the index into `rq`) is `(i / INNER) % C` for the
/// `i`-th element in stream order.
template <typename TI, int N, int W, int C, int INNER>
void requantize_stage(hls::stream<Vec<TI, W>> &in,
                      hls::stream<Vec<int8_t, W>> &out, const Requantize<C> &rq,
                      int frames) {
  auto fn = [&](TI x, int i) {
    int c = (i / INNER) % C;
    return static_cast<int8_t>(requantize(x, rq.multiplier[c], rq.shift[c],
                                          rq.rounding, rq.zero_point, rq.min,
                                          rq.max));
  };
  map_elements<TI, int8_t, N, W>(in, out, fn, frames);
}

/// qnn.add or qnn.mul (`op`) of two streams of the same shape and order.
template <typename Op, int N, int W>
void binary(hls::stream<Vec<int8_t, W>> &a, hls::stream<Vec<int8_t, W>> &b,
            hls::stream<Vec<int8_t, W>> &out, const Op &op, int frames) {
  for (int f = 0; f < frames; ++f)
    for (int i = 0; i < N / W; ++i) {
#pragma HLS PIPELINE II=1
      Vec<int8_t, W> x = a.read(), y = b.read(), z;
      for (int k = 0; k < W; ++k) {
#pragma HLS UNROLL
        z.v[k] = op(x.v[k], y.v[k]);
      }
      out.write(z);
    }
}

/// qnn.add or qnn.mul of a stream and a constant broadcast to it: element
/// `i` (in stream order) meets `constant[(i / INNER) % CB]` (CB = 1: a
/// scalar). `CONSTANT_FIRST`: the constant is the op's first operand.
template <typename Op, int N, int W, int CB, int INNER, bool CONSTANT_FIRST>
void binary_constant(hls::stream<Vec<int8_t, W>> &in,
                     hls::stream<Vec<int8_t, W>> &out,
                     const int8_t (&constant)[CB], const Op &op, int frames) {
  auto fn = [&](int8_t x, int i) {
    int8_t c = constant[(i / INNER) % CB];
    return CONSTANT_FIRST ? op(c, x) : op(x, c);
  };
  map_elements<int8_t, int8_t, N, W>(in, out, fn, frames);
}

/// qnn.lut: every element through a 256-entry table.
template <int N, int W>
void lookup(hls::stream<Vec<int8_t, W>> &in, hls::stream<Vec<int8_t, W>> &out,
            const int8_t (&table)[256], int frames) {
  auto fn = [&](int8_t x, int) { return lut(table, x); };
  map_elements<int8_t, int8_t, N, W>(in, out, fn, frames);
}

/// qnn.concat of two inputs along a stream dimension: for each of `OUTER`
/// positions, `CA` elements of `a` then `CB` of `b`, each rescaled.
/// Concatenations of more inputs chain this (the earlier inputs' part
/// passing through with multiplier 1, shift 0).
template <int OUTER, int CA, int CB, int W>
void concat(hls::stream<Vec<int8_t, W>> &a, hls::stream<Vec<int8_t, W>> &b,
            hls::stream<Vec<int8_t, W>> &out, const ConcatParams &p,
            int frames) {
  static_assert(CA % W == 0 && CB % W == 0, "inputs are whole beats");
  for (int f = 0; f < frames; ++f)
    for (int o = 0; o < OUTER; ++o)
      for (int i = 0; i < (CA + CB) / W; ++i) {
#pragma HLS PIPELINE II=1
        bool first = i < CA / W;
        Vec<int8_t, W> x = first ? a.read() : b.read(), y;
        const ConcatInput &in = first ? p.a : p.b;
        for (int k = 0; k < W; ++k) {
#pragma HLS UNROLL
          y.v[k] = whittle_hls::concat(x.v[k], in.zero_point, in.multiplier,
                                       in.shift, p.rounding, p.zero_point,
                                       p.min, p.max);
        }
        out.write(y);
      }
}

//===----------------------------------------------------------------------===//
// Pools and reductions
//===----------------------------------------------------------------------===//

/// Folds the next `KK` positions of `in` (a window, or a whole frame) into
/// one value per channel: `acc = combine(acc, x, k == 0)` for the element
/// `x` of each channel at position `k`.
template <int CF, int KK, int SIMD, typename T, typename Combine>
void reduce_window(hls::stream<Vec<int8_t, SIMD>> &in, T (&acc)[CF][SIMD],
                   const Combine &combine) {
#pragma HLS INLINE
  for (int k = 0; k < KK; ++k)
    for (int c = 0; c < CF; ++c) {
#pragma HLS PIPELINE II=1
      Vec<int8_t, SIMD> x = in.read();
      for (int s = 0; s < SIMD; ++s) {
#pragma HLS UNROLL
        acc[c][s] = combine(acc[c][s], x.v[s], k == 0);
      }
    }
}

/// qnn.max_pool after sliding_window (padded with -128, which never wins):
/// the maximum of each channel over the `KK` positions of every window.
template <int C, int PIXELS, int KK, int SIMD>
void max_pool(hls::stream<Vec<int8_t, SIMD>> &in,
              hls::stream<Vec<int8_t, SIMD>> &out, int frames) {
  constexpr int CF = C / SIMD;
  auto larger = [](int8_t acc, int8_t x, bool first) {
    return first || x > acc ? x : acc;
  };
  for (int f = 0; f < frames; ++f)
    for (int p = 0; p < PIXELS; ++p) {
      int8_t maxima[CF][SIMD] = {};
      reduce_window<CF, KK, SIMD>(in, maxima, larger);
      for (int c = 0; c < CF; ++c) {
#pragma HLS PIPELINE II=1
        Vec<int8_t, SIMD> y;
        for (int s = 0; s < SIMD; ++s)
          y.v[s] = maxima[c][s];
        out.write(y);
      }
    }
}

/// The average of each of `C` channels over the next `KK` positions of
/// `in` (one window of sliding_window, or a whole frame), counted as
/// `count` positions: `sum (x - zero point)` through avgPool's output stage.
template <int C, int KK, int SIMD>
void average(hls::stream<Vec<int8_t, SIMD>> &in,
             hls::stream<Vec<int8_t, SIMD>> &out, const DivideParams &p,
             int count) {
#pragma HLS INLINE
  constexpr int CF = C / SIMD;
  int32_t sums[CF][SIMD] = {};
  auto sum = [&](int32_t acc, int8_t x, bool first) {
    int32_t centered = x - p.input_zero_point;
    return first ? centered : acc + centered;
  };
  reduce_window<CF, KK, SIMD>(in, sums, sum);
  for (int c = 0; c < CF; ++c) {
#pragma HLS PIPELINE II=1
    Vec<int8_t, SIMD> y;
    for (int s = 0; s < SIMD; ++s) {
#pragma HLS UNROLL
      y.v[s] = avgPool(sums[c][s], count, p.multiplier, p.shift, p.rounding,
                       p.zero_point, p.min, p.max);
    }
    out.write(y);
  }
}

/// qnn.avg_pool after sliding_window (padded with the input zero point, so
/// that padding adds 0 to the sum of `x - zero point`): `H` x `W` input,
/// `KH` x `KW` windows with strides `SH`/`SW` and pads `PT`, `PL`, `PB`,
/// `PR`; the count of each window as the op defines it.
template <int C, int H, int W, int KH, int KW, int SH, int SW, int PT, int PL,
          int PB, int PR, int OH, int OW, bool COUNT_PAD, int SIMD>
void avg_pool(hls::stream<Vec<int8_t, SIMD>> &in,
              hls::stream<Vec<int8_t, SIMD>> &out, const DivideParams &p,
              int frames) {
  for (int f = 0; f < frames; ++f)
    for (int oy = 0; oy < OH; ++oy)
      for (int ox = 0; ox < OW; ++ox) {
        int count = static_cast<int>(
            whittle_hls::avgPoolCount(oy, SH, PT, PB, KH, H, COUNT_PAD) *
            whittle_hls::avgPoolCount(ox, SW, PL, PR, KW, W, COUNT_PAD));
        average<C, KH * KW, SIMD>(in, out, p, count);
      }
}

/// qnn.global_avg_pool: each channel's average over the `PIXELS` positions
/// of a channels-last frame (globalAvgPool is avgPool with that count).
template <int C, int PIXELS, int SIMD>
void global_avg_pool(hls::stream<Vec<int8_t, SIMD>> &in,
                     hls::stream<Vec<int8_t, SIMD>> &out, const DivideParams &p,
                     int frames) {
  for (int f = 0; f < frames; ++f)
    average<C, PIXELS, SIMD>(in, out, p, PIXELS);
}

/// qnn.softmax along the innermost stream dimension (`L` elements, `OUTER`
/// rows per frame): each row is held, its maximum and sum of exponentials
/// found, then every element divided.
template <int OUTER, int L, int W>
void softmax(hls::stream<Vec<int8_t, W>> &in, hls::stream<Vec<int8_t, W>> &out,
             const int32_t (&exp_table)[256], const DivideParams &p,
             int frames) {
  static_assert(L % W == 0, "a row is a whole number of beats");
  int8_t row[L];
  for (int f = 0; f < frames; ++f)
    for (int o = 0; o < OUTER; ++o) {
      int8_t maximum = -128;
      for (int i = 0; i < L / W; ++i) {
#pragma HLS PIPELINE II=1
        Vec<int8_t, W> x = in.read();
        for (int k = 0; k < W; ++k) {
          row[i * W + k] = x.v[k];
          if (x.v[k] > maximum)
            maximum = x.v[k];
        }
      }
      int64_t sum = 0;
      for (int i = 0; i < L; ++i) {
#pragma HLS PIPELINE II=1
        sum += softmaxExp(exp_table, maximum, row[i]);
      }
      for (int i = 0; i < L / W; ++i) {
#pragma HLS PIPELINE II=1
        Vec<int8_t, W> y;
        for (int k = 0; k < W; ++k)
          y.v[k] = whittle_hls::softmax(
              softmaxExp(exp_table, maximum, row[i * W + k]), sum, p.multiplier,
              p.shift, p.rounding, p.zero_point, p.min, p.max);
        out.write(y);
      }
    }
}

//===----------------------------------------------------------------------===//
// Resampling, slicing and stream broadcasts
//===----------------------------------------------------------------------===//

/// qnn.resize of a channels-last `H` x `W` x `C` frame to `OH` x `OW` (a
/// 1-D resize is one of height 1). Output pixel (oy, ox) sums, over `TH`
/// row taps and `TW` column taps, the input at (rows[th][oy], cols[tw][ox])
/// times row_weights[th][oy] * col_weights[tw][ox], exactly, and rounds
/// once by 2^SHIFT (whittle_hls::resize): the tables are the op's integer
/// sampling, as the CPU lowering reads it. A line buffer holds the last
/// `ROWS` input rows read, which the emitter sizes to hold every output
/// row's taps; rows no output reads are read and dropped.
template <int C, int H, int W, int OH, int OW, int TH, int TW, int ROWS,
          int SHIFT, int SIMD>
void resize_stage(hls::stream<Vec<int8_t, SIMD>> &in,
                  hls::stream<Vec<int8_t, SIMD>> &out,
                  const int32_t (&rows)[TH][OH],
                  const int32_t (&row_weights)[TH][OH],
                  const int32_t (&cols)[TW][OW],
                  const int32_t (&col_weights)[TW][OW], RoundingMode rounding,
                  int frames) {
  static_assert(C % SIMD == 0, "the channels are a whole number of beats");
  constexpr int CF = C / SIMD;
  Vec<int8_t, SIMD> lines[ROWS][W][CF];
#pragma HLS ARRAY_PARTITION variable=lines complete dim=1
  for (int f = 0; f < frames; ++f) {
    int next = 0; // the next input row to read
    for (int oy = 0; oy < OH; ++oy) {
      int last = 0;
      for (int th = 0; th < TH; ++th)
        last = rows[th][oy] > last ? rows[th][oy] : last;
      for (; next <= last; ++next)
        for (int x = 0; x < W; ++x)
          for (int c = 0; c < CF; ++c) {
#pragma HLS PIPELINE II=1
            lines[next % ROWS][x][c] = in.read();
          }
      for (int ox = 0; ox < OW; ++ox)
        for (int c = 0; c < CF; ++c) {
#pragma HLS PIPELINE II=1
          Vec<int8_t, SIMD> y;
          for (int s = 0; s < SIMD; ++s) {
#pragma HLS UNROLL
            int64_t sum = 0;
            for (int th = 0; th < TH; ++th)
              for (int tw = 0; tw < TW; ++tw)
                sum += int64_t(lines[rows[th][oy] % ROWS][cols[tw][ox]][c]
                                   .v[s]) *
                       row_weights[th][oy] * col_weights[tw][ox];
            y.v[s] = whittle_hls::resize(sum, SHIFT, rounding);
          }
          out.write(y);
        }
    }
    for (; next < H; ++next)
      for (int i = 0; i < W * CF; ++i) {
#pragma HLS PIPELINE II=1
        in.read();
      }
  }
}

/// nn.slice with positive steps: of a frame of `N` elements streamed as a
/// nest of `D` loops over its dimensions (outermost first), keeps the
/// elements whose coordinate along every loop `d` is `dims[d][1] + k *
/// dims[d][2]` below `dims[d][3]` (`{size, start, step, end}`), in stream
/// order: `M` elements, so the result streams in the same nest. Beats of
/// `IW` elements in, `OW` out.
template <int N, int M, int IW, int OW, int D>
void slice(hls::stream<Vec<int8_t, IW>> &in, hls::stream<Vec<int8_t, OW>> &out,
           const int (&dims)[D][4], int frames) {
  static_assert(N % IW == 0 && M % OW == 0, "frames are whole beats");
  for (int f = 0; f < frames; ++f) {
    int coord[D];
    int skip[D]; // steps left before the next kept coordinate along d
    for (int d = 0; d < D; ++d) {
      coord[d] = 0;
      skip[d] = dims[d][1];
    }
    Vec<int8_t, OW> beat;
    int filled = 0;
    for (int i = 0; i < N / IW; ++i) {
#pragma HLS PIPELINE II=1
      Vec<int8_t, IW> x = in.read();
      for (int k = 0; k < IW; ++k) {
        bool keep = true;
        for (int d = 0; d < D; ++d)
          keep = keep && skip[d] == 0 && coord[d] < dims[d][3];
        if (keep) {
          beat.v[filled++] = x.v[k];
          if (filled == OW) {
            out.write(beat);
            filled = 0;
          }
        }
        // The innermost loop advances; a loop that wraps advances the next.
        for (int d = D - 1; d >= 0; --d) {
          if (++coord[d] < dims[d][0]) {
            skip[d] = skip[d] == 0 ? dims[d][2] - 1 : skip[d] - 1;
            break;
          }
          coord[d] = 0;
          skip[d] = dims[d][1];
        }
      }
    }
  }
}

/// nn.split into two along a stream dimension: for each of `OUTER`
/// positions, `CA` elements go to `a` and the next `CB` to `b`. Splits into
/// more parts chain this (the second part splitting again).
template <int OUTER, int CA, int CB, int W>
void split(hls::stream<Vec<int8_t, W>> &in, hls::stream<Vec<int8_t, W>> &a,
           hls::stream<Vec<int8_t, W>> &b, int frames) {
  static_assert(CA % W == 0 && CB % W == 0, "parts are whole beats");
  for (int f = 0; f < frames; ++f)
    for (int o = 0; o < OUTER; ++o)
      for (int i = 0; i < (CA + CB) / W; ++i) {
#pragma HLS PIPELINE II=1
        Vec<int8_t, W> x = in.read();
        if (i < CA / W)
          a.write(x);
        else
          b.write(x);
      }
}

/// qnn.mul (`op`) of a stream of `N` elements per frame and a stream that
/// broadcasts over it (squeeze-and-excitation's per-channel scale): the
/// `CB` elements of each of the small stream's frames (`SW` per beat) are
/// held, then element `i` of the large frame (in stream order) meets
/// small[(i / INNER) % CB]. `SMALL_FIRST`: the small stream is the op's
/// first operand.
template <typename Op, int N, int W, int CB, int SW, int INNER,
          bool SMALL_FIRST>
void binary_broadcast(hls::stream<Vec<int8_t, W>> &large,
                      hls::stream<Vec<int8_t, SW>> &small,
                      hls::stream<Vec<int8_t, W>> &out, const Op &op,
                      int frames) {
  static_assert(N % W == 0 && CB % SW == 0, "frames are whole beats");
  int8_t held[CB];
  for (int f = 0; f < frames; ++f) {
    read_beats(small, held);
    for (int i = 0; i < N / W; ++i) {
#pragma HLS PIPELINE II=1
      Vec<int8_t, W> x = large.read(), y;
      for (int k = 0; k < W; ++k) {
#pragma HLS UNROLL
        int8_t c = held[((i * W + k) / INNER) % CB];
        y.v[k] = SMALL_FIRST ? op(c, x.v[k]) : op(x.v[k], c);
      }
      out.write(y);
    }
  }
}

#ifndef __SYNTHESIS__
/// C simulation: fails when a stream still holds beats after the dataflow
/// region ran (a stage read less than its producer wrote).
template <typename T> void check_drained(hls::stream<T> &s) {
  if (!s.empty()) {
    std::fprintf(stderr,
                 "error: stream '%s' holds %zu beat(s) that no stage read\n",
                 s.name(), s.size());
    std::abort();
  }
}
#endif

} // namespace whittle_hls

// clang-format on

#endif // WHITTLE_HLS_STAGES_H
