// Binding functions of the pool family. Window geometry comes as plain integers; output sizes are derived
// exactly as in lib/backend/js/pool.ts (pool2dGeometry): same checks, same order, same messages.
//   maxPool2d*: n, c, h, w, kh, kw, strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH,
//               dilationW, ceilMode
//   avgPool2d*: n, c, h, w, kh, kw, strideH, strideW, padTop, padBottom, padLeft, padRight, ceilMode,
//               countIncludePad
#include <algorithm>
#include <string>
#include <vector>

#include "../kernels/pool/pool2d.h"
#include "args.h"
#include "families.h"

namespace nodegrad::binding {

namespace {

constexpr int64_t kMaxDim = 2147483647;

struct PoolCall {
  kernels::Pool2dShape s;
  int64_t x_len, y_len;
};

void check_pad(const Args& args, int64_t pad, int64_t k, const char* name, const char* kname) {
  if (pad > k / 2) {
    args.range_error(std::string("expected ") + name + " <= " + kname + "/2 = " + std::to_string(k / 2) + ", got " +
                     std::to_string(pad));
  }
}

// PyTorch's pooling output size, with the ceil-mode rule that the last window starts inside the input or
// its leading padding.
int64_t out_size(const Args& args, int64_t size, int64_t pad0, int64_t pad1, int64_t k, int64_t dilation,
                 int64_t stride, bool ceil_mode, const char* axis) {
  const int64_t padded = size + pad0 + pad1, span = dilation * (k - 1) + 1;
  if (span > padded) {
    args.range_error(std::string("expected the dilated kernel ") + axis + " " + std::to_string(span) +
                     " to fit the padded input " + axis + " " + std::to_string(padded));
  }
  const int64_t num = padded - span;
  int64_t out = (ceil_mode ? (num + stride - 1) / stride : num / stride) + 1;
  if (ceil_mode && (out - 1) * stride >= size + pad0) --out;
  return out;
}

// Parses arguments [0, 12) (+ dilation at 12, 13 when `dilated`) and the ceil-mode flag after them.
PoolCall pool_geometry(const Args& args, bool dilated) {
  PoolCall call;
  kernels::Pool2dShape& s = call.s;
  const int64_t n = args.size(0, "n", 0, kMaxDim);
  const int64_t c = args.size(1, "c", 1, kMaxDim);
  s.h = args.size(2, "h", 1, kMaxDim);
  s.w = args.size(3, "w", 1, kMaxDim);
  s.kh = args.size(4, "kh", 1, kMaxDim);
  s.kw = args.size(5, "kw", 1, kMaxDim);
  s.stride_h = args.size(6, "strideH", 1, kMaxDim);
  s.stride_w = args.size(7, "strideW", 1, kMaxDim);
  s.pad_top = args.size(8, "padTop", 0, kMaxDim);
  s.pad_bottom = args.size(9, "padBottom", 0, kMaxDim);
  s.pad_left = args.size(10, "padLeft", 0, kMaxDim);
  s.pad_right = args.size(11, "padRight", 0, kMaxDim);
  s.dilation_h = dilated ? args.size(12, "dilationH", 1, kMaxDim) : 1;
  s.dilation_w = dilated ? args.size(13, "dilationW", 1, kMaxDim) : 1;
  const bool ceil_mode = args.boolean(dilated ? 14 : 12, "ceilMode");
  check_pad(args, s.pad_top, s.kh, "padTop", "kh");
  check_pad(args, s.pad_bottom, s.kh, "padBottom", "kh");
  check_pad(args, s.pad_left, s.kw, "padLeft", "kw");
  check_pad(args, s.pad_right, s.kw, "padRight", "kw");
  s.oh = out_size(args, s.h, s.pad_top, s.pad_bottom, s.kh, s.dilation_h, s.stride_h, ceil_mode, "height");
  s.ow = out_size(args, s.w, s.pad_left, s.pad_right, s.kw, s.dilation_w, s.stride_w, ceil_mode, "width");
  s.planes = args.mul(n, c, "planes (n * c)");
  const int64_t plane = args.mul(s.h, s.w, "plane size (h * w)");
  if (dilated && plane > kMaxDim) args.range_error("expected h * w <= 2147483647 (int32 indices), got " + std::to_string(plane));
  call.x_len = args.mul(s.planes, plane, "x size");
  call.y_len = args.mul(s.planes, args.mul(s.oh, s.ow, "y size"), "y size");
  return call;
}

int32_t* indices_arg(const Args& args, size_t i, int64_t needed) {
  int64_t length = 0;
  int32_t* data = args.i32(i, "indices", &length);
  if (length < needed) {
    args.range_error("expected indices to hold at least " + std::to_string(needed) + " elements, got " + std::to_string(length));
  }
  return data;
}

Napi::Value MaxPool2dForward(const Napi::CallbackInfo& info) {
  Args args(info, "maxPool2dForward", 18);
  const PoolCall call = pool_geometry(args, true);
  const F32Array x = args.f32(15, "x"), y = args.f32(16, "y");
  args.require_length(x, "x", call.x_len);
  args.require_length(y, "y", call.y_len);
  int32_t* indices = indices_arg(args, 17, call.y_len);
  kernels::max_pool2d_forward_f32(context(info.Env()), call.s, x.data, y.data, indices);
  return info.Env().Undefined();
}

Napi::Value MaxPool2dBackward(const Napi::CallbackInfo& info) {
  Args args(info, "maxPool2dBackward", 18);
  const PoolCall call = pool_geometry(args, true);
  const F32Array dy = args.f32(15, "dy");
  const int32_t* indices = indices_arg(args, 16, call.y_len);
  const F32Array dx = args.f32(17, "dx");
  args.require_length(dy, "dy", call.y_len);
  args.require_length(dx, "dx", call.x_len);
  // The scatter writes dx[plane, index]: every index must lie in its plane (−1 marks an empty window).
  // Branch-free passes (they vectorise: index + 1 in [0, plane] as unsigned; plane < 2^31), in parallel
  // blocks; the search for the first bad index only when there is one.
  const int64_t plane = call.s.h * call.s.w;
  constexpr int64_t kBlock = 1 << 16;
  std::vector<uint8_t> bad(static_cast<size_t>((call.y_len + kBlock - 1) / kBlock));
  runtime::Context& ctx = context(info.Env());
  ctx.pool.parallel_for(static_cast<int64_t>(bad.size()), [&](int64_t t, int) {
    const int64_t end = std::min(call.y_len, (t + 1) * kBlock);
    uint32_t any = 0;
    for (int64_t i = t * kBlock; i < end; ++i) {
      any |= static_cast<uint32_t>(indices[i]) + 1u > static_cast<uint32_t>(plane);
    }
    bad[t] = any != 0;
  });
  const bool any_bad = std::find(bad.begin(), bad.end(), 1) != bad.end();
  for (int64_t i = 0; any_bad && i < call.y_len; ++i) {
    if (indices[i] < -1 || indices[i] >= plane) {
      args.range_error("expected indices in [-1, " + std::to_string(plane) + "), got " + std::to_string(indices[i]) +
                       " at " + std::to_string(i));
    }
  }
  kernels::max_pool2d_backward_f32(ctx, call.s, dy.data, indices, dx.data);
  return info.Env().Undefined();
}

Napi::Value AvgPool2dForward(const Napi::CallbackInfo& info) {
  Args args(info, "avgPool2dForward", 16);
  const PoolCall call = pool_geometry(args, false);
  const bool include_pad = args.boolean(13, "countIncludePad");
  const F32Array x = args.f32(14, "x"), y = args.f32(15, "y");
  args.require_length(x, "x", call.x_len);
  args.require_length(y, "y", call.y_len);
  kernels::avg_pool2d_forward_f32(context(info.Env()), call.s, include_pad, x.data, y.data);
  return info.Env().Undefined();
}

Napi::Value AvgPool2dBackward(const Napi::CallbackInfo& info) {
  Args args(info, "avgPool2dBackward", 16);
  const PoolCall call = pool_geometry(args, false);
  const bool include_pad = args.boolean(13, "countIncludePad");
  const F32Array dy = args.f32(14, "dy"), dx = args.f32(15, "dx");
  args.require_length(dy, "dy", call.y_len);
  args.require_length(dx, "dx", call.x_len);
  kernels::avg_pool2d_backward_f32(context(info.Env()), call.s, include_pad, dy.data, dx.data);
  return info.Env().Undefined();
}

// adaptiveAvgPool2d{Forward,Backward}(n, c, h, w, oh, ow, in, out).
template <bool kForward>
Napi::Value AdaptiveAvgPool2d(const Napi::CallbackInfo& info) {
  Args args(info, kForward ? "adaptiveAvgPool2dForward" : "adaptiveAvgPool2dBackward", 8);
  const int64_t n = args.size(0, "n", 0, kMaxDim), c = args.size(1, "c", 1, kMaxDim);
  const int64_t h = args.size(2, "h", 1, kMaxDim), w = args.size(3, "w", 1, kMaxDim);
  const int64_t oh = args.size(4, "oh", 1, kMaxDim), ow = args.size(5, "ow", 1, kMaxDim);
  const char* in_name = kForward ? "x" : "dy";
  const char* out_name = kForward ? "y" : "dx";
  const F32Array in = args.f32(6, in_name), out = args.f32(7, out_name);
  const int64_t planes = args.mul(n, c, "planes (n * c)");
  const int64_t x_len = args.mul(planes, args.mul(h, w, "x size"), "x size");
  const int64_t y_len = args.mul(planes, args.mul(oh, ow, "y size"), "y size");
  args.require_length(in, in_name, kForward ? x_len : y_len);
  args.require_length(out, out_name, kForward ? y_len : x_len);
  if (kForward) kernels::adaptive_avg_pool2d_forward_f32(context(info.Env()), planes, h, w, oh, ow, in.data, out.data);
  else kernels::adaptive_avg_pool2d_backward_f32(context(info.Env()), planes, h, w, oh, ow, in.data, out.data);
  return info.Env().Undefined();
}

}  // namespace

void register_pool(Napi::Env env, Napi::Object exports) {
  exports.Set("maxPool2dForward", Napi::Function::New(env, MaxPool2dForward, "maxPool2dForward"));
  exports.Set("maxPool2dBackward", Napi::Function::New(env, MaxPool2dBackward, "maxPool2dBackward"));
  exports.Set("avgPool2dForward", Napi::Function::New(env, AvgPool2dForward, "avgPool2dForward"));
  exports.Set("avgPool2dBackward", Napi::Function::New(env, AvgPool2dBackward, "avgPool2dBackward"));
  exports.Set("adaptiveAvgPool2dForward", Napi::Function::New(env, AdaptiveAvgPool2d<true>, "adaptiveAvgPool2dForward"));
  exports.Set("adaptiveAvgPool2dBackward", Napi::Function::New(env, AdaptiveAvgPool2d<false>, "adaptiveAvgPool2dBackward"));
}

}  // namespace nodegrad::binding
