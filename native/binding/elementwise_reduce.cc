// Binding functions of the reductions and the NLL loss core: reduce, argReduce, nllLoss, nllLossBackward
// (native/kernels/elementwise/reduce.h, loss.h), with the checks, check order and messages of the JS twin
// (lib/backend/js/elementwise_reduce.ts).
#include <cmath>
#include <string>

#include "../kernels/elementwise/loss.h"
#include "../kernels/elementwise/reduce.h"
#include "args.h"
#include "families.h"

namespace nodegrad::binding {

namespace {

// An op code in [0, count): TypeError unless a number, RangeError unless an integer in range.
int op_code(const Args& args, const Napi::CallbackInfo& info, size_t i, int count) {
  if (!info[i].IsNumber()) args.type_error("op to be an integer op code", info[i]);
  return static_cast<int>(args.size(i, "op", 0, count - 1));
}

// outer, dim, inner at `first` and their overflow-checked product, as the twin's checkOdi.
int64_t odi(const Args& args, size_t first, int64_t* outer, int64_t* dim, int64_t* inner) {
  *outer = args.size(first, "outer");
  *dim = args.size(first + 1, "dim");
  *inner = args.size(first + 2, "inner");
  return args.mul(args.mul(*outer, *dim, "outer * dim"), *inner, "outer * dim * inner");
}

int32_t* int32_array(const Args& args, size_t i, const char* name, int64_t needed) {
  int64_t length = 0;
  int32_t* data = args.i32(i, name, &length);
  if (length < needed) {
    args.range_error("expected " + std::string(name) + " to hold at least " + std::to_string(needed) +
                     " elements, got " + std::to_string(length));
  }
  return data;
}

// reduce(op, outer, dim, inner, x, out)
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Args args(info, "reduce", 6);
  const int op = op_code(args, info, 0, kernels::kReduceOpCount);
  int64_t outer, dim, inner;
  const int64_t n = odi(args, 1, &outer, &dim, &inner);
  const F32Array x = args.f32(4, "x", n);
  const F32Array out = args.f32(5, "out", args.mul(outer, inner, "outer * inner"));
  if (dim == 0 && (op == kernels::kReduceMax || op == kernels::kReduceMin)) {
    args.range_error("expected dim >= 1 for max/min (a reduction over an empty axis has no identity)");
  }
  kernels::reduce_f32(context(info.Env()), op, outer, dim, inner, x.data, out.data);
  return info.Env().Undefined();
}

// argReduce(op, outer, dim, inner, x, values, indices)
Napi::Value ArgReduce(const Napi::CallbackInfo& info) {
  Args args(info, "argReduce", 7);
  const int op = op_code(args, info, 0, 4);
  if (op != kernels::kReduceMax && op != kernels::kReduceMin) {
    args.range_error("expected op to be MAX (2) or MIN (3), got " + std::to_string(op));
  }
  int64_t outer, dim, inner;
  const int64_t n = odi(args, 1, &outer, &dim, &inner);
  if (dim < 1) args.range_error("expected dim >= 1, got 0");
  if (dim > INT32_MAX) args.range_error("expected dim <= 2147483647 (indices are int32), got " + std::to_string(dim));
  const F32Array x = args.f32(4, "x", n);
  const F32Array values = args.f32(5, "values", outer * inner);
  int32_t* indices = int32_array(args, 6, "indices", outer * inner);
  kernels::arg_reduce_f32(context(info.Env()), op, outer, dim, inner, x.data, values.data, indices);
  return info.Env().Undefined();
}

struct Nll {
  int64_t outer, classes, inner, n;
  const int32_t* target;
  const float* weight;
  double ignore_index, smoothing;
};

// The twin's checkNll: outer, classes, inner (arguments 0-2), then target, weight, ignoreIndex, smoothing from
// `target_index` on, then every target against [0, classes) and ignoreIndex.
Nll check_nll(const Args& args, const Napi::CallbackInfo& info, size_t target_index) {
  Nll r{};
  r.n = odi(args, 0, &r.outer, &r.classes, &r.inner);
  if (r.classes < 1) args.range_error("expected classes >= 1, got 0");
  const int64_t samples = r.outer * r.inner;
  const int32_t* target = int32_array(args, target_index, "target", samples);
  r.target = target;
  r.weight = info[target_index + 1].IsNull() ? nullptr : args.f32(target_index + 1, "weight", r.classes).data;
  const Napi::Value ignore = info[target_index + 2];
  if (!ignore.IsNumber()) args.type_error("ignoreIndex to be an integer", ignore);
  r.ignore_index = ignore.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(r.ignore_index) || std::floor(r.ignore_index) != r.ignore_index) {
    args.type_error("ignoreIndex to be an integer", ignore);  // a TypeError, as Number.isInteger in the twin
  }
  r.smoothing = args.number(target_index + 3, "smoothing");
  if (!(r.smoothing >= 0 && r.smoothing <= 1)) {
    args.range_error("expected smoothing in [0, 1], got " + describe(info[target_index + 3]));
  }
  for (int64_t s = 0; s < samples; ++s) {
    const int32_t t = target[s];
    if (static_cast<double>(t) != r.ignore_index && (t < 0 || t >= r.classes)) {
      args.range_error("expected target[" + std::to_string(s) + "] in [0, " + std::to_string(r.classes - 1) +
                       "] or ignoreIndex " + describe(ignore) + ", got " + std::to_string(t));
    }
  }
  return r;
}

// nllLoss(outer, classes, inner, logp, target, weight, ignoreIndex, smoothing, loss, wsum)
Napi::Value NllLoss(const Napi::CallbackInfo& info) {
  Args args(info, "nllLoss", 10);
  const Nll p = check_nll(args, info, 4);
  const F32Array logp = args.f32(3, "logp", p.n);
  const F32Array loss = args.f32(8, "loss", p.outer * p.inner);
  const F32Array wsum = args.f32(9, "wsum", p.outer * p.inner);
  kernels::nll_loss_f32(context(info.Env()), p.outer, p.classes, p.inner, logp.data, p.target, p.weight, p.ignore_index,
                        p.smoothing, loss.data, wsum.data);
  return info.Env().Undefined();
}

// nllLossBackward(outer, classes, inner, target, weight, ignoreIndex, smoothing, gloss, glogp)
Napi::Value NllLossBackward(const Napi::CallbackInfo& info) {
  Args args(info, "nllLossBackward", 9);
  const Nll p = check_nll(args, info, 3);
  const F32Array gloss = args.f32(7, "gloss", p.outer * p.inner);
  const F32Array glogp = args.f32(8, "glogp", p.n);
  kernels::nll_loss_backward_f32(context(info.Env()), p.outer, p.classes, p.inner, p.target, p.weight, p.ignore_index,
                                 p.smoothing, gloss.data, glogp.data);
  return info.Env().Undefined();
}

}  // namespace

void register_elementwise_reduce(Napi::Env env, Napi::Object exports) {
  exports.Set("reduce", Napi::Function::New(env, Reduce, "reduce"));
  exports.Set("argReduce", Napi::Function::New(env, ArgReduce, "argReduce"));
  exports.Set("nllLoss", Napi::Function::New(env, NllLoss, "nllLoss"));
  exports.Set("nllLossBackward", Napi::Function::New(env, NllLossBackward, "nllLossBackward"));
}

}  // namespace nodegrad::binding
