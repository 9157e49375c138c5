// One registration function per kernel family; addon.cc calls each of them, in this order.
#pragma once

#include <napi.h>

namespace nodegrad::binding {

void register_runtime(Napi::Env env, Napi::Object exports);
void register_gemm(Napi::Env env, Napi::Object exports);
void register_elementwise(Napi::Env env, Napi::Object exports);
void register_elementwise_strided(Napi::Env env, Napi::Object exports);
void register_elementwise_reduce(Napi::Env env, Napi::Object exports);
void register_conv(Napi::Env env, Napi::Object exports);
void register_pool(Napi::Env env, Napi::Object exports);
void register_rnn(Napi::Env env, Napi::Object exports);
void register_optim(Napi::Env env, Napi::Object exports);

}  // namespace nodegrad::binding
