//===- whittle_hls_stream.h - hls::stream for C simulation ------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Under Vitis HLS (__VITIS_HLS__ defined) this includes Vitis' own
// <hls_stream.h>. Elsewhere it provides the part of hls::stream that the
// designs whittle emits use, for C simulation with any C++17 compiler: a
// FIFO without a depth limit (C simulation runs the dataflow stages one
// after the other, so a stream holds everything its producer writes), and a
// read from an empty stream prints the stream's name and aborts. In the
// hardware that read would block forever: a deadlock, or a stage that reads
// more than its producer writes, is caught here instead of hidden.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_HLS_STREAM_H
#define WHITTLE_HLS_STREAM_H

#ifdef __VITIS_HLS__
#include <hls_stream.h>
#else

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <utility>

namespace hls {

template <typename T> class stream {
public:
  stream() : name_("unnamed") {}
  explicit stream(const char *name) : name_(name) {}
  stream(const stream &) = delete;
  stream &operator=(const stream &) = delete;

  /// Aborts, naming the stream, when nothing was written: the hardware
  /// would wait forever.
  T read() {
    if (fifo_.empty()) {
      std::fprintf(stderr,
                   "error: read from the empty stream '%s' (a deadlock or a "
                   "stage reading more than its producer writes)\n",
                   name_.c_str());
      std::abort();
    }
    T value = std::move(fifo_.front());
    fifo_.pop_front();
    return value;
  }
  void read(T &value) { value = read(); }
  void write(const T &value) { fifo_.push_back(value); }
  bool read_nb(T &value) {
    if (fifo_.empty())
      return false;
    value = read();
    return true;
  }
  bool write_nb(const T &value) {
    write(value);
    return true;
  }
  bool empty() const { return fifo_.empty(); }
  /// C simulation holds whatever is written.
  bool full() const { return false; }
  std::size_t size() const { return fifo_.size(); }
  const char *name() const { return name_.c_str(); }

private:
  std::string name_;
  std::deque<T> fifo_;
};

} // namespace hls

#endif // __VITIS_HLS__
#endif // WHITTLE_HLS_STREAM_H
