// Binding functions of the optim kernel family (native/kernels/elementwise/optim.h): sgdUpdate,
// adamUpdate, rmspropUpdate, adagradUpdate, with the signatures and checks of lib/backend/kernels/optim.ts.
#include <cstdint>
#include <initializer_list>
#include <string>

#include "../kernels/elementwise/optim.h"
#include "args.h"
#include "families.h"

namespace nodegrad::binding {

namespace {

struct Named {
  const char* name;
  F32Array array;  // data == nullptr for an absent optional array
};

// Every array holds p's length and no two share memory (the kernels read and write them in one pass).
int64_t check_layout(const Args& args, std::initializer_list<Named> arrays) {
  const int64_t n = arrays.begin()->array.length;
  for (const Named& a : arrays) {
    if (a.array.data != nullptr && a.array.length != n) {
      args.range_error("expected " + std::string(a.name) + " to hold " + std::to_string(n) +
                       " elements (the length of p), got " + std::to_string(a.array.length));
    }
  }
  for (auto i = arrays.begin(); i != arrays.end(); ++i) {
    for (auto j = i + 1; j != arrays.end(); ++j) {
      const F32Array& a = i->array;
      const F32Array& b = j->array;
      if (a.data == nullptr || b.data == nullptr || a.length == 0 || b.length == 0) continue;
      const auto a0 = reinterpret_cast<uintptr_t>(a.data), b0 = reinterpret_cast<uintptr_t>(b.data);
      if (a0 < b0 + sizeof(float) * b.length && b0 < a0 + sizeof(float) * a.length) {
        args.range_error("expected " + std::string(i->name) + " and " + j->name + " not to overlap");
      }
    }
  }
  return n;
}

Napi::Value SgdUpdate(const Napi::CallbackInfo& info) {
  Args args(info, "sgdUpdate", 10);
  const F32Array p = args.f32(0, "p"), g = args.f32(1, "grad"), buf = args.optional_f32(2, "buf");
  kernels::SgdOptions o;
  o.first = args.boolean(3, "first");
  o.lr = args.number(4, "lr", true);
  o.momentum = args.number(5, "momentum", true);
  o.dampening = args.number(6, "dampening", true);
  o.weight_decay = args.number(7, "weightDecay", true);
  o.nesterov = args.boolean(8, "nesterov");
  o.maximize = args.boolean(9, "maximize");
  const int64_t n = check_layout(args, {{"p", p}, {"grad", g}, {"buf", buf}});
  kernels::sgd_update_f32(context(info.Env()), n, p.data, g.data, buf.data, o);
  return info.Env().Undefined();
}

Napi::Value AdamUpdate(const Napi::CallbackInfo& info) {
  Args args(info, "adamUpdate", 13);
  const F32Array p = args.f32(0, "p"), g = args.f32(1, "grad"), m = args.f32(2, "m"), v = args.f32(3, "v");
  const F32Array vmax = args.optional_f32(4, "vmax");
  kernels::AdamOptions o;
  o.step = args.size(5, "step", 1);
  o.lr = args.number(6, "lr", true);
  o.beta1 = args.number(7, "beta1", true);
  o.beta2 = args.number(8, "beta2", true);
  o.eps = args.number(9, "eps", true);
  o.weight_decay = args.number(10, "weightDecay", true);
  o.decoupled = args.boolean(11, "decoupled");
  o.maximize = args.boolean(12, "maximize");
  const int64_t n = check_layout(args, {{"p", p}, {"grad", g}, {"m", m}, {"v", v}, {"vmax", vmax}});
  kernels::adam_update_f32(context(info.Env()), n, p.data, g.data, m.data, v.data, vmax.data, o);
  return info.Env().Undefined();
}

Napi::Value RmspropUpdate(const Napi::CallbackInfo& info) {
  Args args(info, "rmspropUpdate", 11);
  const F32Array p = args.f32(0, "p"), g = args.f32(1, "grad"), v = args.f32(2, "v");
  const F32Array g_avg = args.optional_f32(3, "gAvg"), buf = args.optional_f32(4, "buf");
  kernels::RmspropOptions o;
  o.lr = args.number(5, "lr", true);
  o.alpha = args.number(6, "alpha", true);
  o.eps = args.number(7, "eps", true);
  o.weight_decay = args.number(8, "weightDecay", true);
  o.momentum = args.number(9, "momentum", true);
  o.maximize = args.boolean(10, "maximize");
  const int64_t n = check_layout(args, {{"p", p}, {"grad", g}, {"v", v}, {"gAvg", g_avg}, {"buf", buf}});
  kernels::rmsprop_update_f32(context(info.Env()), n, p.data, g.data, v.data, g_avg.data, buf.data, o);
  return info.Env().Undefined();
}

Napi::Value AdagradUpdate(const Napi::CallbackInfo& info) {
  Args args(info, "adagradUpdate", 9);
  const F32Array p = args.f32(0, "p"), g = args.f32(1, "grad"), sum = args.f32(2, "sum");
  kernels::AdagradOptions o;
  o.step = args.size(3, "step", 1);
  o.lr = args.number(4, "lr", true);
  o.lr_decay = args.number(5, "lrDecay", true);
  o.eps = args.number(6, "eps", true);
  o.weight_decay = args.number(7, "weightDecay", true);
  o.maximize = args.boolean(8, "maximize");
  const int64_t n = check_layout(args, {{"p", p}, {"grad", g}, {"sum", sum}});
  kernels::adagrad_update_f32(context(info.Env()), n, p.data, g.data, sum.data, o);
  return info.Env().Undefined();
}

}  // namespace

void register_optim(Napi::Env env, Napi::Object exports) {
  exports.Set("sgdUpdate", Napi::Function::New(env, SgdUpdate, "sgdUpdate"));
  exports.Set("adamUpdate", Napi::Function::New(env, AdamUpdate, "adamUpdate"));
  exports.Set("rmspropUpdate", Napi::Function::New(env, RmspropUpdate, "rmspropUpdate"));
  exports.Set("adagradUpdate", Napi::Function::New(env, AdagradUpdate, "adagradUpdate"));
}

}  // namespace nodegrad::binding
