// Binding functions of the conv family. Every function takes the same 16 geometry integers first:
//   n, c, h, w, oc, kh, kw, strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, groups
// then its arrays (NCHW, weight [oc, c/groups, kh, kw]). The output size is derived here exactly as in
// lib/backend/js/conv.ts (conv2dGeometry), with the same checks in the same order and the same messages.
#include <string>

#include "../kernels/conv/conv2d.h"
#include "args.h"
#include "families.h"

namespace nodegrad::binding {

namespace {

constexpr int64_t kMaxDim = 2147483647;

struct ConvCall {
  kernels::Conv2dShape s;
  int64_t x_len, w_len, y_len;
};

int64_t out_size(const Args& args, int64_t size, int64_t pad0, int64_t pad1, int64_t k, int64_t dilation,
                 int64_t stride, const char* axis) {
  const int64_t padded = size + pad0 + pad1, span = dilation * (k - 1) + 1;
  if (span > padded) {
    args.range_error(std::string("expected the dilated kernel ") + axis + " " + std::to_string(span) +
                     " to fit the padded input " + axis + " " + std::to_string(padded));
  }
  return (padded - span) / stride + 1;
}

ConvCall conv_geometry(const Args& args) {
  ConvCall call;
  kernels::Conv2dShape& s = call.s;
  s.n = args.size(0, "n", 0, kMaxDim);
  s.c = args.size(1, "c", 1, kMaxDim);
  s.h = args.size(2, "h", 1, kMaxDim);
  s.w = args.size(3, "w", 1, kMaxDim);
  s.oc = args.size(4, "oc", 1, kMaxDim);
  s.kh = args.size(5, "kh", 1, kMaxDim);
  s.kw = args.size(6, "kw", 1, kMaxDim);
  s.stride_h = args.size(7, "strideH", 1, kMaxDim);
  s.stride_w = args.size(8, "strideW", 1, kMaxDim);
  s.pad_top = args.size(9, "padTop", 0, kMaxDim);
  const int64_t pad_bottom = args.size(10, "padBottom", 0, kMaxDim);
  s.pad_left = args.size(11, "padLeft", 0, kMaxDim);
  const int64_t pad_right = args.size(12, "padRight", 0, kMaxDim);
  s.dilation_h = args.size(13, "dilationH", 1, kMaxDim);
  s.dilation_w = args.size(14, "dilationW", 1, kMaxDim);
  s.groups = args.size(15, "groups", 1, kMaxDim);
  if (s.c % s.groups != 0) {
    args.range_error("expected c (" + std::to_string(s.c) + ") to be divisible by groups (" + std::to_string(s.groups) + ")");
  }
  if (s.oc % s.groups != 0) {
    args.range_error("expected oc (" + std::to_string(s.oc) + ") to be divisible by groups (" + std::to_string(s.groups) + ")");
  }
  s.oh = out_size(args, s.h, s.pad_top, pad_bottom, s.kh, s.dilation_h, s.stride_h, "height");
  s.ow = out_size(args, s.w, s.pad_left, pad_right, s.kw, s.dilation_w, s.stride_w, "width");
  call.x_len = args.mul(args.mul(args.mul(s.n, s.c, "x size"), s.h, "x size"), s.w, "x size");
  call.w_len = args.mul(args.mul(s.oc, s.c / s.groups, "weight size"), args.mul(s.kh, s.kw, "weight size"), "weight size");
  call.y_len = args.mul(args.mul(s.n, s.oc, "y size"), args.mul(s.oh, s.ow, "y size"), "y size");
  return call;
}

Napi::Value Conv2dForward(const Napi::CallbackInfo& info) {
  Args args(info, "conv2dForward", 20);
  const ConvCall call = conv_geometry(args);
  const F32Array x = args.f32(16, "x"), weight = args.f32(17, "weight");
  const F32Array bias = args.optional_f32(18, "bias");
  const F32Array y = args.f32(19, "y");
  args.require_length(x, "x", call.x_len);
  args.require_length(weight, "weight", call.w_len);
  if (bias.data != nullptr) args.require_length(bias, "bias", call.s.oc);
  args.require_length(y, "y", call.y_len);
  args.check_status(kernels::conv2d_forward_f32(context(info.Env()), call.s, x.data, weight.data, bias.data, y.data));
  return info.Env().Undefined();
}

Napi::Value Conv2dBackwardData(const Napi::CallbackInfo& info) {
  Args args(info, "conv2dBackwardData", 19);
  const ConvCall call = conv_geometry(args);
  const F32Array dy = args.f32(16, "dy"), weight = args.f32(17, "weight"), dx = args.f32(18, "dx");
  args.require_length(dy, "dy", call.y_len);
  args.require_length(weight, "weight", call.w_len);
  args.require_length(dx, "dx", call.x_len);
  args.check_status(kernels::conv2d_backward_data_f32(context(info.Env()), call.s, dy.data, weight.data, dx.data));
  return info.Env().Undefined();
}

Napi::Value Conv2dBackwardWeight(const Napi::CallbackInfo& info) {
  Args args(info, "conv2dBackwardWeight", 19);
  const ConvCall call = conv_geometry(args);
  const F32Array x = args.f32(16, "x"), dy = args.f32(17, "dy"), dweight = args.f32(18, "dweight");
  args.require_length(x, "x", call.x_len);
  args.require_length(dy, "dy", call.y_len);
  args.require_length(dweight, "dweight", call.w_len);
  args.check_status(kernels::conv2d_backward_weight_f32(context(info.Env()), call.s, x.data, dy.data, dweight.data));
  return info.Env().Undefined();
}

// conv2dBackward(geometry, x, dy, weight, dx, dweight, dbias): any of the three gradients (null to skip).
Napi::Value Conv2dBackward(const Napi::CallbackInfo& info) {
  Args args(info, "conv2dBackward", 22);
  const ConvCall call = conv_geometry(args);
  const F32Array x = args.f32(16, "x"), dy = args.f32(17, "dy"), weight = args.f32(18, "weight");
  const F32Array dx = args.optional_f32(19, "dx"), dweight = args.optional_f32(20, "dweight");
  const F32Array dbias = args.optional_f32(21, "dbias");
  args.require_length(x, "x", call.x_len);
  args.require_length(dy, "dy", call.y_len);
  args.require_length(weight, "weight", call.w_len);
  if (dx.data != nullptr) args.require_length(dx, "dx", call.x_len);
  if (dweight.data != nullptr) args.require_length(dweight, "dweight", call.w_len);
  if (dbias.data != nullptr) args.require_length(dbias, "dbias", call.s.oc);
  args.check_status(kernels::conv2d_backward_f32(context(info.Env()), call.s, x.data, dy.data, weight.data, dx.data,
                                                 dweight.data, dbias.data));
  return info.Env().Undefined();
}

// conv2dBackwardBias(n, oc, spatial, dy, db): db[o] = Σ over batch and spatial of dy [n, oc, spatial].
Napi::Value Conv2dBackwardBias(const Napi::CallbackInfo& info) {
  Args args(info, "conv2dBackwardBias", 5);
  const int64_t n = args.size(0, "n", 0, kMaxDim);
  const int64_t oc = args.size(1, "oc", 1, kMaxDim);
  const int64_t spatial = args.size(2, "spatial", 0);
  const F32Array dy = args.f32(3, "dy"), db = args.f32(4, "db");
  args.require_length(dy, "dy", args.mul(args.mul(n, oc, "dy size"), spatial, "dy size"));
  args.require_length(db, "db", oc);
  kernels::conv2d_backward_bias_f32(context(info.Env()), n, oc, spatial, dy.data, db.data);
  return info.Env().Undefined();
}

}  // namespace

void register_conv(Napi::Env env, Napi::Object exports) {
  exports.Set("conv2dForward", Napi::Function::New(env, Conv2dForward, "conv2dForward"));
  exports.Set("conv2dBackwardData", Napi::Function::New(env, Conv2dBackwardData, "conv2dBackwardData"));
  exports.Set("conv2dBackwardWeight", Napi::Function::New(env, Conv2dBackwardWeight, "conv2dBackwardWeight"));
  exports.Set("conv2dBackward", Napi::Function::New(env, Conv2dBackward, "conv2dBackward"));
  exports.Set("conv2dBackwardBias", Napi::Function::New(env, Conv2dBackwardBias, "conv2dBackwardBias"));
}

}  // namespace nodegrad::binding
