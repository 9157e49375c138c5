// Shared helpers for the C++ kernel tests (each test_*.cc is its own executable, no framework):
// CHECK macros that count failures, a seeded RNG (NODEGRAD_SEED replays a run), and buffers whose end sits
// on a PROT_NONE page so that any read or write past the last element faults immediately.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/mman.h>
#include <unistd.h>
#define NODEGRAD_TEST_GUARD_PAGES 1
#endif

namespace nodegrad::test {

inline int& failure_count() {
  static int count = 0;
  return count;
}

inline uint64_t seed() {
  static const uint64_t s = [] {
    const char* env = std::getenv("NODEGRAD_SEED");
    return env != nullptr && *env != '\0' ? std::strtoull(env, nullptr, 10) : uint64_t{0x5eed};
  }();
  return s;
}

inline void report_failure(const char* file, int line, const char* what) {
  std::fprintf(stderr, "%s:%d: %s (seed %llu; replay with NODEGRAD_SEED)\n", file, line, what,
               static_cast<unsigned long long>(seed()));
  if (++failure_count() >= 20) {
    std::fprintf(stderr, "too many failures, stopping\n");
    std::exit(1);
  }
}

// Prints a summary and returns main()'s exit code.
inline int finish(const char* name) {
  if (failure_count() == 0) {
    std::printf("%s: ok\n", name);
    return 0;
  }
  std::printf("%s: %d failure(s)\n", name, failure_count());
  return 1;
}

// xoshiro256** seeded through splitmix64.
class Rng {
 public:
  explicit Rng(uint64_t salt = 0) {
    uint64_t x = seed() + salt * 0x9e3779b97f4a7c15ull;
    for (auto& s : s_) {
      x += 0x9e3779b97f4a7c15ull;
      uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      s = z ^ (z >> 31);
    }
  }
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9, t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [lo, hi).
  float uniform(float lo = -1.0f, float hi = 1.0f) {
    return lo + (hi - lo) * static_cast<float>(static_cast<double>(next() >> 11) * 0x1.0p-53);
  }
  // Uniform integer in [lo, hi].
  int64_t integer(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1)); }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// `count` elements of T whose last element ends exactly where a PROT_NONE page begins.
template <typename T>
class GuardedBuffer {
 public:
  explicit GuardedBuffer(size_t count) : count_(count) {
#if NODEGRAD_TEST_GUARD_PAGES
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const size_t bytes = count * sizeof(T);
    map_bytes_ = (bytes + page - 1) / page * page + page;
    void* base = mmap(nullptr, map_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED || mprotect(static_cast<char*>(base) + map_bytes_ - page, page, PROT_NONE) != 0) {
      std::fprintf(stderr, "GuardedBuffer: mmap/mprotect failed\n");
      std::exit(2);
    }
    base_ = base;
    data_ = reinterpret_cast<T*>(static_cast<char*>(base) + map_bytes_ - page - bytes);
#else
    data_ = static_cast<T*>(std::malloc(count * sizeof(T) + 1));
#endif
  }
  ~GuardedBuffer() {
#if NODEGRAD_TEST_GUARD_PAGES
    munmap(base_, map_bytes_);
#else
    std::free(data_);
#endif
  }
  GuardedBuffer(const GuardedBuffer&) = delete;
  GuardedBuffer& operator=(const GuardedBuffer&) = delete;

  // The last n elements (n <= size()): reuse one mapping for many smaller buffers that still end at the guard.
  T* tail(size_t n) { return data_ + (count_ - n); }
  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const { return count_; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }

 private:
  size_t count_;
  T* data_ = nullptr;
  void* base_ = nullptr;
  size_t map_bytes_ = 0;
};

}  // namespace nodegrad::test

#define CHECK(cond)                                                                          \
  do {                                                                                       \
    if (!(cond)) ::nodegrad::test::report_failure(__FILE__, __LINE__, "CHECK(" #cond ") failed"); \
  } while (0)

// CHECK with a printf-style explanation.
#define CHECK_MSG(cond, ...)                                        \
  do {                                                              \
    if (!(cond)) {                                                  \
      char check_msg_[512];                                         \
      std::snprintf(check_msg_, sizeof(check_msg_), __VA_ARGS__);   \
      ::nodegrad::test::report_failure(__FILE__, __LINE__, check_msg_); \
    }                                                               \
  } while (0)
