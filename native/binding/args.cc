#include "args.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace nodegrad::binding {

namespace {
const char* typed_array_name(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array: return "Int8Array";
    case napi_uint8_array: return "Uint8Array";
    case napi_uint8_clamped_array: return "Uint8ClampedArray";
    case napi_int16_array: return "Int16Array";
    case napi_uint16_array: return "Uint16Array";
    case napi_int32_array: return "Int32Array";
    case napi_uint32_array: return "Uint32Array";
    case napi_float32_array: return "Float32Array";
    case napi_float64_array: return "Float64Array";
    case napi_bigint64_array: return "BigInt64Array";
    case napi_biguint64_array: return "BigUint64Array";
    default: return "TypedArray";
  }
}

// As JS's String(v) for the values messages show (NaN, ±Infinity, integers, short decimals), so both
// backends word an error the same way.
std::string format_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return "0";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e21) {
    // JS prints the shortest round-trip digits padded with zeros: 2^60 is "1152921504606847000".
    const std::string sci(buf, std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific).ptr);
    const size_t e = sci.find('e');
    std::string digits;
    for (size_t i = 0; i < e; ++i) {
      if (sci[i] >= '0' && sci[i] <= '9') digits += sci[i];
    }
    digits.resize(static_cast<size_t>(std::atoi(sci.c_str() + e + 1)) + 1, '0');
    return (v < 0 ? "-" : "") + digits;
  }
  return std::string(buf, std::to_chars(buf, buf + sizeof(buf), v).ptr);
}

// An empty typed array may have no backing store, so its data pointer can be null; callers read null as
// "argument absent" (optional arrays), which would let an empty array stand in for null and reach a kernel
// that then writes through the null pointer. Empty arrays get this non-null address instead; it is never
// dereferenced, since every access is bounded by the array's length 0.
alignas(64) float empty_storage[16];

bool is_detached(const Napi::TypedArray& array) {
  bool detached = false;
  napi_value buffer = array.ArrayBuffer();
  if (napi_is_detached_arraybuffer(array.Env(), buffer, &detached) != napi_ok) return false;
  return detached;
}
}  // namespace

std::string describe(const Napi::Value& v) {
  switch (v.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return v.As<Napi::Boolean>().Value() ? "true" : "false";
    case napi_number: return format_number(v.As<Napi::Number>().DoubleValue());
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_bigint: return "a bigint";
    case napi_function: return "a function";
    case napi_external: return "an external";
    case napi_object:
      if (v.IsTypedArray()) {
        auto t = v.As<Napi::TypedArray>();
        return std::string(typed_array_name(t.TypedArrayType())) + "(" + std::to_string(t.ElementLength()) + ")";
      }
      if (v.IsArray()) return "an Array";
      if (v.IsDataView()) return "a DataView";
      if (v.IsArrayBuffer()) return "an ArrayBuffer";
      return "an object";
  }
  return "a value";
}

Args::Args(const Napi::CallbackInfo& info, const char* op, size_t count) : info_(info), op_(op) {
  if (info.Length() != count) {
    throw Napi::TypeError::New(info.Env(), std::string("nodegrad.") + op + ": expected " + std::to_string(count) +
                                               " arguments, got " + std::to_string(info.Length()));
  }
}

void Args::type_error(const std::string& expected, const Napi::Value& got) const {
  throw Napi::TypeError::New(env(), std::string("nodegrad.") + op_ + ": expected " + expected + ", got " + describe(got));
}

void Args::detached_error(const char* name, const char* kind) const {
  throw Napi::TypeError::New(env(), std::string("nodegrad.") + op_ + ": expected " + name + " to be a " + kind +
                                        ", got one whose buffer is detached");
}

void Args::range_error(const std::string& message) const {
  throw Napi::RangeError::New(env(), std::string("nodegrad.") + op_ + ": " + message);
}

int64_t Args::size(size_t i, const char* name, int64_t min, int64_t max) const {
  const Napi::Value v = info_[i];
  double d = 0;  // one N-API call, which fails for anything but a number (this runs on every kernel call)
  if (napi_get_value_double(env(), v, &d) != napi_ok) type_error(std::string(name) + " to be an integer", v);
  if (!(d == std::floor(d)) || !(d >= static_cast<double>(min)) || !(d <= static_cast<double>(max))) {
    range_error("expected " + std::string(name) + " to be an integer in [" + std::to_string(min) + ", " +
                std::to_string(max) + "], got " + format_number(d));
  }
  return static_cast<int64_t>(d);
}

double Args::number(size_t i, const char* name, bool finite) const {
  const Napi::Value v = info_[i];
  double d = 0;
  if (napi_get_value_double(env(), v, &d) != napi_ok) type_error(std::string(name) + " to be a number", v);
  if (finite && !std::isfinite(d)) range_error("expected " + std::string(name) + " to be finite, got " + format_number(d));
  return d;
}

bool Args::boolean(size_t i, const char* name) const {
  const Napi::Value v = info_[i];
  bool b = false;
  if (napi_get_value_bool(env(), v, &b) != napi_ok) type_error(std::string(name) + " to be a boolean", v);
  return b;
}

F32Array Args::f32(size_t i, const char* name) const {
  const Napi::Value v = info_[i];
  // One query for kind, length and data (it fails for anything but a typed array): each call runs V8's
  // chain of kind tests, and this is on the path of every kernel call.
  napi_typedarray_type type = napi_int8_array;
  size_t length = 0;
  void* data = nullptr;
  napi_value buffer = nullptr;
  if (napi_get_typedarray_info(env(), v, &type, &length, &data, &buffer, nullptr) != napi_ok || type != napi_float32_array) {
    type_error(std::string(name) + " to be a Float32Array", v);
  }
  // A detached buffer reads as length 0, so only then is the detached test needed.
  bool detached = false;
  if (length == 0 && napi_is_detached_arraybuffer(env(), buffer, &detached) == napi_ok && detached) {
    detached_error(name, "Float32Array");
  }
  return F32Array{length == 0 ? empty_storage : static_cast<float*>(data), static_cast<int64_t>(length)};
}

F32Array Args::f32(size_t i, const char* name, int64_t needed) const {
  const F32Array array = f32(i, name);
  require_length(array, name, needed);
  return array;
}

F32Array Args::optional_f32(size_t i, const char* name) const {
  const Napi::Value v = info_[i];
  if (v.IsNull() || v.IsUndefined()) return F32Array{nullptr, 0};
  return f32(i, name);
}

int32_t* Args::i32(size_t i, const char* name, int64_t* length) const {
  const Napi::Value v = info_[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    type_error(std::string(name) + " to be an Int32Array", v);
  }
  auto array = v.As<Napi::Int32Array>();
  if (is_detached(array)) detached_error(name, "Int32Array");
  *length = static_cast<int64_t>(array.ElementLength());
  return *length == 0 ? reinterpret_cast<int32_t*>(empty_storage) : array.Data();
}

void Args::require_length(const F32Array& array, const char* name, int64_t needed) const {
  if (array.length < needed) {
    range_error("expected " + std::string(name) + " to hold at least " + std::to_string(needed) + " elements, got " +
                std::to_string(array.length));
  }
}

int64_t Args::mul(int64_t a, int64_t b, const char* what) const {
  int64_t r = 0;
  if (!runtime::checked_mul(a, b, &r)) range_error(std::string(what) + " overflows (" + std::to_string(a) + " * " + std::to_string(b) + ")");
  return r;
}

int64_t Args::span(int64_t rows, int64_t cols, int64_t ld, const char* what) const {
  int64_t r = 0;
  if (!runtime::checked_span(rows, cols, ld, &r)) range_error(std::string(what) + " overflows");
  return r;
}

void Args::check_status(runtime::Status status) const {
  if (status == runtime::Status::out_of_memory) {
    throw Napi::Error::New(env(), std::string("nodegrad.") + op_ + ": out of memory for scratch space");
  }
}

}  // namespace nodegrad::binding
