// Helpers shared by the SIMD and element-wise C++ tests: the ISA variants this CPU runs, guarded buffers
// whose end sits on a PROT_NONE page (a tail over-read faults at once), a seeded RNG and float32 ulps.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "runtime/cpu_features.h"

namespace test_util {

using nodegrad::runtime::Isa;

// Every ISA level this CPU supports, scalar first.
inline std::vector<Isa> available_isas() {
  const auto f = nodegrad::runtime::detect_cpu_features();
  std::vector<Isa> out;
  for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512, Isa::neon}) {
    if (nodegrad::runtime::isa_supported(f, isa)) out.push_back(isa);
  }
  return out;
}

inline int64_t isa_width(Isa isa) {
  switch (isa) {
    case Isa::avx2: return 8;
    case Isa::avx512: return 16;
    case Isa::neon: return 4;
    case Isa::scalar: break;
  }
  return 1;
}

// n floats ending exactly at a PROT_NONE page (where the OS allows it), with one sentinel float before.
class Guarded {
 public:
  explicit Guarded(int64_t n) : n_(n) {
#if defined(__unix__) || defined(__APPLE__)
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const size_t bytes = (static_cast<size_t>(n) + 1) * sizeof(float);
    const size_t data_pages = (bytes + page - 1) / page;
    map_bytes_ = (data_pages + 1) * page;
    void* m = mmap(nullptr, map_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) std::abort();
    base_ = static_cast<char*>(m);
    mprotect(base_ + data_pages * page, page, PROT_NONE);
    data_ = reinterpret_cast<float*>(base_ + data_pages * page) - n;
#else
    storage_.assign(static_cast<size_t>(n) + 1, 0.0f);
    data_ = storage_.data() + 1;
#endif
    data_[-1] = kSentinel;
  }
  ~Guarded() {
#if defined(__unix__) || defined(__APPLE__)
    munmap(base_, map_bytes_);
#endif
  }
  Guarded(const Guarded&) = delete;
  Guarded& operator=(const Guarded&) = delete;

  float* data() { return data_; }
  float& operator[](int64_t i) { return data_[i]; }
  int64_t size() const { return n_; }
  bool sentinel_intact() const { return std::memcmp(&data_[-1], &kSentinel, sizeof(float)) == 0; }

 private:
  static constexpr float kSentinel = -1234.5f;
  int64_t n_;
  float* data_ = nullptr;
  char* base_ = nullptr;
  size_t map_bytes_ = 0;
  std::vector<float> storage_;
};

// splitmix64; NODEGRAD_SEED replays a run.
class Rng {
 public:
  explicit Rng(uint64_t salt) {
    const char* env = std::getenv("NODEGRAD_SEED");
    seed_ = (env && *env ? std::strtoull(env, nullptr, 10) : 0x5eedull) + salt;
    state_ = seed_;
  }
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double uniform(double lo, double hi) { return lo + (hi - lo) * (static_cast<double>(next() >> 11) * 0x1p-53); }
  uint64_t seed() const { return seed_; }

 private:
  uint64_t seed_, state_;
};

// The spacing of float32 values at |r| (subnormal spacing below FLT_MIN), r given in double.
inline double ulp32(double r) {
  const double a = std::fabs(r);
  if (!(a >= 0x1p-126)) return 0x1p-149;
  int e = 0;
  std::frexp(a, &e);  // a = f * 2^e, f in [0.5, 1)
  return std::ldexp(1.0, e - 1 - 23);
}

inline bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

inline std::string hexf(float v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g (%a)", static_cast<double>(v), static_cast<double>(v));
  return buf;
}

inline float next_up(float v, int k) {
  for (int i = 0; i < k; ++i) v = std::nextafter(v, std::numeric_limits<float>::infinity());
  return v;
}
inline float next_down(float v, int k) {
  for (int i = 0; i < k; ++i) v = std::nextafter(v, -std::numeric_limits<float>::infinity());
  return v;
}

}  // namespace test_util
