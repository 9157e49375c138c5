// Binding functions of the elementwise kernel family (native/kernels/elementwise/), with the signatures,
// checks and messages of lib/backend/kernels/elementwise.ts and its JS twin. Kernels not bound here run on
// the JS twin (the native backend falls back per method).
#include <string>

#include "../kernels/elementwise/softmax.h"
#include "../kernels/elementwise/unary.h"
#include "args.h"
#include "families.h"

namespace nodegrad::binding {

namespace {

// An op code in [0, count): TypeError unless a number, RangeError unless an integer in range.
int op_code(const Args& args, const Napi::CallbackInfo& info, size_t i, int count) {
  if (!info[i].IsNumber()) args.type_error("op to be an integer op code", info[i]);
  return static_cast<int>(args.size(i, "op", 0, count - 1));
}

// unary(op, n, x, out, alpha, beta)
Napi::Value Unary(const Napi::CallbackInfo& info) {
  Args args(info, "unary", 6);
  const int op = op_code(args, info, 0, kernels::kUnaryOpCount);
  const int64_t n = args.size(1, "n");
  const F32Array x = args.f32(2, "x", n), out = args.f32(3, "out", n);
  const double alpha = args.number(4, "alpha"), beta = args.number(5, "beta");
  kernels::unary_f32(context(info.Env()), op, n, x.data, out.data, alpha, beta);
  return info.Env().Undefined();
}

// unaryBackward(op, n, x, y, gy, gx, alpha, beta)
Napi::Value UnaryBackward(const Napi::CallbackInfo& info) {
  Args args(info, "unaryBackward", 8);
  const int op = op_code(args, info, 0, kernels::kUnaryOpCount);
  const int64_t n = args.size(1, "n");
  F32Array arrays[4];
  const char* names[4] = {"x", "y", "gy", "gx"};
  for (int j = 0; j < 4; ++j) arrays[j] = args.f32(2 + j, names[j], n);
  const double alpha = args.number(6, "alpha"), beta = args.number(7, "beta");
  kernels::unary_backward_f32(context(info.Env()), op, n, arrays[0].data, arrays[1].data, arrays[2].data,
                              arrays[3].data, alpha, beta);
  return info.Env().Undefined();
}

// outer, dim, inner as sizes and their overflow-checked product, as the twin's checkOdi.
int64_t odi(const Args& args, int64_t* outer, int64_t* dim, int64_t* inner) {
  *outer = args.size(0, "outer");
  *dim = args.size(1, "dim");
  *inner = args.size(2, "inner");
  return args.mul(args.mul(*outer, *dim, "outer * dim"), *inner, "outer * dim * inner");
}

// softmax / logSoftmax(outer, dim, inner, x, out)
template <bool kLog>
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  Args args(info, kLog ? "logSoftmax" : "softmax", 5);
  int64_t outer, dim, inner;
  const int64_t n = odi(args, &outer, &dim, &inner);
  const F32Array x = args.f32(3, "x", n);
  const F32Array out = args.f32(4, "out", n);
  kernels::softmax_f32(context(info.Env()), kLog, outer, dim, inner, x.data, out.data);
  return info.Env().Undefined();
}

// softmaxBackward / logSoftmaxBackward(outer, dim, inner, y, gy, gx)
template <bool kLog>
Napi::Value SoftmaxBackward(const Napi::CallbackInfo& info) {
  Args args(info, kLog ? "logSoftmaxBackward" : "softmaxBackward", 6);
  int64_t outer, dim, inner;
  const int64_t n = odi(args, &outer, &dim, &inner);
  F32Array arrays[3];
  const char* names[3] = {"y", "gy", "gx"};
  for (int j = 0; j < 3; ++j) arrays[j] = args.f32(3 + j, names[j], n);
  kernels::softmax_backward_f32(context(info.Env()), kLog, outer, dim, inner, arrays[0].data, arrays[1].data,
                                arrays[2].data);
  return info.Env().Undefined();
}

}  // namespace

void register_elementwise(Napi::Env env, Napi::Object exports) {
  exports.Set("unary", Napi::Function::New(env, Unary, "unary"));
  exports.Set("unaryBackward", Napi::Function::New(env, UnaryBackward, "unaryBackward"));
  exports.Set("softmax", Napi::Function::New(env, Softmax<false>, "softmax"));
  exports.Set("logSoftmax", Napi::Function::New(env, Softmax<true>, "logSoftmax"));
  exports.Set("softmaxBackward", Napi::Function::New(env, SoftmaxBackward<false>, "softmaxBackward"));
  exports.Set("logSoftmaxBackward", Napi::Function::New(env, SoftmaxBackward<true>, "logSoftmaxBackward"));
}

}  // namespace nodegrad::binding
