// Overflow-checked size arithmetic for validating user-supplied shapes before any pointer is touched.
#pragma once

#include <cstdint>

namespace nodegrad::runtime {

// The largest element count or dimension nodegrad accepts: 2^53 - 1, the largest integer a JS number
// holds exactly. Products are checked against it, so they never wrap in int64 either.
constexpr int64_t kMaxSize = (int64_t{1} << 53) - 1;

// out = a * b; false (out untouched) when either is negative or the product exceeds kMaxSize.
inline bool checked_mul(int64_t a, int64_t b, int64_t* out) noexcept {
  if (a < 0 || b < 0) return false;
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r) || r > kMaxSize) return false;
  *out = r;
  return true;
}

inline bool checked_add(int64_t a, int64_t b, int64_t* out) noexcept {
  if (a < 0 || b < 0) return false;
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r) || r > kMaxSize) return false;
  *out = r;
  return true;
}

// Elements spanned by `rows` rows of `cols` elements with leading dimension ld: (rows-1)*ld + cols,
// or 0 when rows or cols is 0. False on overflow.
inline bool checked_span(int64_t rows, int64_t cols, int64_t ld, int64_t* out) noexcept {
  if (rows == 0 || cols == 0) {
    *out = 0;
    return rows >= 0 && cols >= 0;
  }
  int64_t body = 0;
  return checked_mul(rows - 1, ld, &body) && checked_add(body, cols, out);
}

}  // namespace nodegrad::runtime
