// Argument checking shared by every binding function. Each check throws a JS TypeError (wrong kind) or
// RangeError (wrong value) with one message format: "nodegrad.<op>: expected <what>, got <value>".
// Nothing here coerces (no ToNumber / valueOf), so user code never runs during validation.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

#include "../runtime/checked.h"
#include "../runtime/context.h"

namespace nodegrad::binding {

struct F32Array {
  float* data;
  int64_t length;
};

class Args {
 public:
  // Checks the argument count exactly.
  Args(const Napi::CallbackInfo& info, const char* op, size_t count);

  // A non-negative integer (a JS number with no fraction) in [min, max]; TypeError if not a number.
  int64_t size(size_t i, const char* name, int64_t min = 0, int64_t max = runtime::kMaxSize) const;
  // A JS number (any value, NaN included, unless finite is true).
  double number(size_t i, const char* name, bool finite = false) const;
  bool boolean(size_t i, const char* name) const;
  // Exactly a Float32Array whose buffer is not detached.
  F32Array f32(size_t i, const char* name) const;
  // f32, then a RangeError unless it holds at least `needed` elements.
  F32Array f32(size_t i, const char* name, int64_t needed) const;
  // Like f32, but also accepts null/undefined (returns {nullptr, 0}).
  F32Array optional_f32(size_t i, const char* name) const;
  // Exactly an Int32Array whose buffer is not detached.
  int32_t* i32(size_t i, const char* name, int64_t* length) const;

  // RangeError unless `array` holds at least `needed` elements.
  void require_length(const F32Array& array, const char* name, int64_t needed) const;
  // checked product/span helpers that throw a RangeError naming `what` on overflow.
  int64_t mul(int64_t a, int64_t b, const char* what) const;
  int64_t span(int64_t rows, int64_t cols, int64_t ld, const char* what) const;

  [[noreturn]] void type_error(const std::string& expected, const Napi::Value& got) const;
  [[noreturn]] void range_error(const std::string& message) const;
  [[noreturn]] void detached_error(const char* name, const char* kind) const;
  // Turns a kernel Status into an exception (no-op for ok).
  void check_status(runtime::Status status) const;

  Napi::Env env() const { return info_.Env(); }
  const char* op() const { return op_; }

 private:
  const Napi::CallbackInfo& info_;
  const char* op_;
};

// A short description of a JS value for error messages: "undefined", "a string", "Float64Array(3)", "2.5".
std::string describe(const Napi::Value& value);

// The per-environment runtime context (thread pool, workspaces, ISA).
runtime::Context& context(Napi::Env env);

}  // namespace nodegrad::binding
