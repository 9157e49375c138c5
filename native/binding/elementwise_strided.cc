// Binding functions of the strided element-wise kernels: binary, binaryBackward, where, stridedCopy
// (native/kernels/elementwise/binary.h, strided_copy.h), with the checks and messages of the JS twin
// (lib/backend/js/elementwise.ts, checkStrided in elementwise_reduce.ts).
//
// Shapes and strides arrive as plain JS Arrays. Their elements are read once, up front, before any typed
// array is looked at: reading an element can run user code (a getter), which must not get a chance to
// detach a buffer after it has been checked. The checks then run on the copies, in the twin's order.
#include <cmath>
#include <string>

#include "../kernels/elementwise/binary.h"
#include "../kernels/elementwise/strided.h"
#include "../kernels/elementwise/strided_copy.h"
#include "args.h"
#include "families.h"

namespace nodegrad::binding {

namespace {

using kernels::kMaxRank;

// A JS Array of at most kMaxRank elements, read into handles (a longer one keeps only its length).
struct RawDims {
  bool is_array = false;
  uint32_t length = 0;
  Napi::Value items[kMaxRank];
};

RawDims read_dims(const Napi::Value& v) {
  RawDims r;
  if (!v.IsArray()) return r;
  const Napi::Array array = v.As<Napi::Array>();
  r.is_array = true;
  r.length = array.Length();
  for (uint32_t i = 0; i < r.length && i < static_cast<uint32_t>(kMaxRank); ++i) r.items[i] = array.Get(i);
  return r;
}

// An integer in [0, kMaxSize], with Args::size's messages for an array element named `name`.
int64_t dim_size(const Args& args, const Napi::Value& v, const std::string& name) {
  if (!v.IsNumber()) args.type_error(name + " to be an integer", v);
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d == std::floor(d)) || !(d >= 0) || !(d <= static_cast<double>(runtime::kMaxSize))) {
    args.range_error("expected " + name + " to be an integer in [0, " + std::to_string(runtime::kMaxSize) + "], got " +
                     describe(v));
  }
  return static_cast<int64_t>(d);
}

// checkDims: an Array of exactly `rank` sizes.
void check_dims(const Args& args, const RawDims& raw, const Napi::Value& v, const char* name, int rank, int64_t* out) {
  if (!raw.is_array) args.type_error(std::string(name) + " to be an Array of integers", v);
  if (raw.length != static_cast<uint32_t>(rank)) {
    args.range_error("expected " + std::string(name) + " to have " + std::to_string(rank) + " entries, got " +
                     std::to_string(raw.length));
  }
  for (int d = 0; d < rank; ++d) out[d] = dim_size(args, raw.items[d], std::string(name) + "[" + std::to_string(d) + "]");
}

struct Operand {
  const char* name;
  size_t index;  // of the array; the offset and strides follow it
  F32Array array;
  int64_t strides[kMaxRank];
};

// The twin's checkStrided: shape at `shape_index`, then each operand (array, offset, strides) in order.
// Returns the element count; each operand's data pointer is moved to its offset.
int64_t check_strided(const Args& args, const Napi::CallbackInfo& info, size_t shape_index, int* rank, int64_t* shape,
                      Operand* ops, int count) {
  const RawDims raw_shape = read_dims(info[shape_index]);
  RawDims raw_strides[3];
  for (int j = 0; j < count; ++j) raw_strides[j] = read_dims(info[ops[j].index + 2]);
  if (!raw_shape.is_array) args.type_error("shape to be an Array of integers", info[shape_index]);
  if (raw_shape.length > static_cast<uint32_t>(kMaxRank)) {
    args.range_error("expected shape to have at most " + std::to_string(kMaxRank) + " dims, got " +
                     std::to_string(raw_shape.length));
  }
  *rank = static_cast<int>(raw_shape.length);
  check_dims(args, raw_shape, info[shape_index], "shape", *rank, shape);
  int64_t total = 1;
  for (int d = 0; d < *rank; ++d) total = args.mul(total, shape[d], "product(shape)");
  for (int j = 0; j < count; ++j) {
    Operand& op = ops[j];
    const std::string name = op.name;
    op.array = args.f32(op.index, op.name);
    const int64_t offset = args.size(op.index + 1, (name + "Offset").c_str());
    check_dims(args, raw_strides[j], info[op.index + 2], (name + "Strides").c_str(), *rank, op.strides);
    if (total == 0) continue;
    int64_t extent = offset + 1;  // offset <= kMaxSize, so this cannot overflow int64
    for (int d = 0; d < *rank; ++d) {
      const int64_t step = args.mul(shape[d] - 1, op.strides[d], (name + " extent").c_str());
      if (!runtime::checked_add(extent, step, &extent)) args.range_error(name + " extent overflows");
    }
    if (extent > runtime::kMaxSize) args.range_error(name + " extent overflows");
    args.require_length(op.array, op.name, extent);
    op.array.data += offset;
  }
  return total;
}

// An op code in [0, count): TypeError unless a number, RangeError unless an integer in range.
int op_code(const Args& args, const Napi::CallbackInfo& info, size_t i, int count) {
  if (!info[i].IsNumber()) args.type_error("op to be an integer op code", info[i]);
  return static_cast<int>(args.size(i, "op", 0, count - 1));
}

// binary(op, shape, a, aOffset, aStrides, b, bOffset, bStrides, out, alpha)
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Args args(info, "binary", 10);
  const int op = op_code(args, info, 0, kernels::kBinaryOpCount);
  int rank = 0;
  int64_t shape[kMaxRank];
  Operand ops[2] = {{"a", 2, {}, {}}, {"b", 5, {}, {}}};
  const int64_t total = check_strided(args, info, 1, &rank, shape, ops, 2);
  const F32Array out = args.f32(8, "out", total);
  const double alpha = args.number(9, "alpha");
  kernels::binary_f32(context(info.Env()), op, rank, shape, ops[0].array.data, ops[0].strides, ops[1].array.data,
                      ops[1].strides, out.data, alpha);
  return info.Env().Undefined();
}

// binaryBackward(op, n, a, b, out, gy, ga, gb, alpha); ga / gb may be null.
Napi::Value BinaryBackward(const Napi::CallbackInfo& info) {
  Args args(info, "binaryBackward", 9);
  const int op = op_code(args, info, 0, kernels::kBinaryOpCount);
  const int64_t n = args.size(1, "n");
  F32Array arrays[4];
  const char* names[4] = {"a", "b", "out", "gy"};
  for (int j = 0; j < 4; ++j) arrays[j] = args.f32(2 + j, names[j], n);
  F32Array grads[2] = {{nullptr, 0}, {nullptr, 0}};
  const char* gnames[2] = {"ga", "gb"};
  for (int j = 0; j < 2; ++j) {
    if (info[6 + j].IsNull()) continue;  // undefined is refused, as by the twin
    grads[j] = args.f32(6 + j, gnames[j], n);
  }
  const double alpha = args.number(8, "alpha");
  kernels::binary_backward_f32(context(info.Env()), op, n, arrays[0].data, arrays[1].data, arrays[2].data,
                               arrays[3].data, grads[0].data, grads[1].data, alpha);
  return info.Env().Undefined();
}

// where(shape, cond, condOffset, condStrides, a, aOffset, aStrides, b, bOffset, bStrides, out)
Napi::Value Where(const Napi::CallbackInfo& info) {
  Args args(info, "where", 11);
  int rank = 0;
  int64_t shape[kMaxRank];
  Operand ops[3] = {{"cond", 1, {}, {}}, {"a", 4, {}, {}}, {"b", 7, {}, {}}};
  const int64_t total = check_strided(args, info, 0, &rank, shape, ops, 3);
  const F32Array out = args.f32(10, "out", total);
  kernels::where_f32(context(info.Env()), rank, shape, ops[0].array.data, ops[0].strides, ops[1].array.data,
                     ops[1].strides, ops[2].array.data, ops[2].strides, out.data);
  return info.Env().Undefined();
}

// stridedCopy(shape, x, xOffset, xStrides, out, outOffset, outStrides)
Napi::Value StridedCopy(const Napi::CallbackInfo& info) {
  Args args(info, "stridedCopy", 7);
  int rank = 0;
  int64_t shape[kMaxRank];
  Operand ops[2] = {{"x", 1, {}, {}}, {"out", 4, {}, {}}};
  check_strided(args, info, 0, &rank, shape, ops, 2);
  kernels::strided_copy_f32(context(info.Env()), rank, shape, ops[0].array.data, ops[0].strides, ops[1].array.data,
                            ops[1].strides);
  return info.Env().Undefined();
}

}  // namespace

void register_elementwise_strided(Napi::Env env, Napi::Object exports) {
  exports.Set("binary", Napi::Function::New(env, Binary, "binary"));
  exports.Set("binaryBackward", Napi::Function::New(env, BinaryBackward, "binaryBackward"));
  exports.Set("where", Napi::Function::New(env, Where, "where"));
  exports.Set("stridedCopy", Napi::Function::New(env, StridedCopy, "stridedCopy"));
}

}  // namespace nodegrad::binding
