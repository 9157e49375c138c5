// Binding functions of the rnn kernel family (native/kernels/rnn/rnn.h has the layouts):
//   rnnReserveSize(mode, T, B, H) -> floats the reserve needs
//   rnnForward(mode, T, B, I, H, batchFirst, reverse, x, ldx, h0, c0, wIh, wHh, bIh, bHh, y, ldy, hN, cN, reserve)
//   rnnBackward(mode, T, B, I, H, batchFirst, reverse, x, ldx, wIh, wHh, reserve, dy, ldy, dhN, dcN,
//               dx, lddx, dh0, dc0, dwIh, dwHh, dbIh, dbHh)
// mode is 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru'; optional arrays may be null. Gradients accumulate.
#include <string>

#include "../kernels/rnn/rnn.h"
#include "args.h"
#include "families.h"

namespace nodegrad::binding {

namespace {
using kernels::RnnMode;

struct Dims {
  kernels::RnnShape shape;
  int64_t gh, bh, rows, reserve;
};

// Arguments mode, T, B, [I,] H[, batchFirst, reverse] (the bracketed ones when full), products checked.
Dims parse_dims(const Args& args, const Napi::CallbackInfo& info, bool full) {
  const Napi::Value m = info[0];
  if (!m.IsString()) args.type_error("mode to be 'rnn_tanh', 'rnn_relu', 'lstm' or 'gru'", m);
  const std::string name = m.As<Napi::String>().Utf8Value();
  Dims d;
  kernels::RnnShape& s = d.shape;
  if (name == "rnn_tanh") s.mode = RnnMode::rnn_tanh;
  else if (name == "rnn_relu") s.mode = RnnMode::rnn_relu;
  else if (name == "lstm") s.mode = RnnMode::lstm;
  else if (name == "gru") s.mode = RnnMode::gru;
  else args.range_error("expected mode to be 'rnn_tanh', 'rnn_relu', 'lstm' or 'gru', got '" + name + "'");
  s.seq_len = args.size(1, "T");
  s.batch = args.size(2, "B");
  s.input = full ? args.size(3, "I") : 0;
  s.hidden = args.size(full ? 4 : 3, "H");
  if (full) {
    s.batch_first = args.boolean(5, "batchFirst");
    s.reverse = args.boolean(6, "reverse");
  }
  d.gh = args.mul(kernels::rnn_gate_count(s.mode), s.hidden, "gates * H");
  d.bh = args.mul(s.batch, s.hidden, "B * H");
  d.rows = args.mul(s.seq_len, s.batch, "T * B");
  // Bounds the reserve (2 (T+1)·B·H + 4 T·B·H <= 6 (T+1)·B·H) and the scratch (2 T·B·G·H) without overflow.
  args.mul(args.mul(s.seq_len + 1, d.bh, "(T + 1) * B * H"), 6, "reserve size");
  args.mul(args.mul(d.rows, d.gh, "T * B * gates * H"), 2, "scratch size");
  d.reserve = kernels::rnn_reserve_size(s);
  return d;
}

// ld >= max(cols, 1) and the array spans `rows` rows of `cols`.
void require_matrix(const Args& args, const F32Array& a, const char* name, const char* ld_name, int64_t rows,
                    int64_t cols, int64_t ld) {
  if (ld < (cols > 1 ? cols : 1)) {
    args.range_error("expected " + std::string(ld_name) + " >= " + std::to_string(cols > 1 ? cols : 1) + ", got " +
                     std::to_string(ld));
  }
  args.require_length(a, name, args.span(rows, cols, ld, name));
}

// An optional array holding `needed` elements; LSTM-only arrays (allowed = false) must be null otherwise.
float* optional(const Args& args, size_t i, const char* name, int64_t needed, bool allowed = true) {
  const F32Array a = args.optional_f32(i, name);
  if (a.data == nullptr) return nullptr;
  if (!allowed) args.range_error(std::string("expected ") + name + " to be null for this mode (it is LSTM-only)");
  args.require_length(a, name, needed);
  return a.data;
}

Napi::Value RnnReserveSize(const Napi::CallbackInfo& info) {
  Args args(info, "rnnReserveSize", 4);
  const Dims d = parse_dims(args, info, false);
  return Napi::Number::New(info.Env(), static_cast<double>(d.reserve));
}

Napi::Value RnnForward(const Napi::CallbackInfo& info) {
  Args args(info, "rnnForward", 20);
  const Dims d = parse_dims(args, info, true);
  const kernels::RnnShape& s = d.shape;
  const bool lstm = s.mode == RnnMode::lstm;
  kernels::RnnForwardArgs a;
  const F32Array x = args.f32(7, "x");
  a.ldx = args.size(8, "ldx");
  require_matrix(args, x, "x", "ldx", d.rows, s.input, a.ldx);
  a.x = x.data;
  a.h0 = optional(args, 9, "h0", d.bh);
  a.c0 = optional(args, 10, "c0", d.bh, lstm);
  const F32Array w_ih = args.f32(11, "wIh"), w_hh = args.f32(12, "wHh");
  args.require_length(w_ih, "wIh", args.mul(d.gh, s.input, "wIh size"));
  args.require_length(w_hh, "wHh", args.mul(d.gh, s.hidden, "wHh size"));
  a.w_ih = w_ih.data;
  a.w_hh = w_hh.data;
  a.b_ih = optional(args, 13, "bIh", d.gh);
  a.b_hh = optional(args, 14, "bHh", d.gh);
  const F32Array y = args.f32(15, "y");
  a.ldy = args.size(16, "ldy");
  require_matrix(args, y, "y", "ldy", d.rows, s.hidden, a.ldy);
  a.y = y.data;
  a.h_n = (optional(args, 17, "hN", d.bh));
  a.c_n = (optional(args, 18, "cN", d.bh, lstm));
  const F32Array reserve = args.f32(19, "reserve");
  args.require_length(reserve, "reserve", d.reserve);
  a.reserve = reserve.data;
  args.check_status(kernels::rnn_forward_f32(context(info.Env()), s, a));
  return info.Env().Undefined();
}

Napi::Value RnnBackward(const Napi::CallbackInfo& info) {
  Args args(info, "rnnBackward", 24);
  const Dims d = parse_dims(args, info, true);
  const kernels::RnnShape& s = d.shape;
  const bool lstm = s.mode == RnnMode::lstm;
  kernels::RnnBackwardArgs a;
  const F32Array x = args.f32(7, "x");
  a.ldx = args.size(8, "ldx");
  require_matrix(args, x, "x", "ldx", d.rows, s.input, a.ldx);
  a.x = x.data;
  const F32Array w_ih = args.f32(9, "wIh"), w_hh = args.f32(10, "wHh");
  args.require_length(w_ih, "wIh", args.mul(d.gh, s.input, "wIh size"));
  args.require_length(w_hh, "wHh", args.mul(d.gh, s.hidden, "wHh size"));
  a.w_ih = w_ih.data;
  a.w_hh = w_hh.data;
  const F32Array reserve = args.f32(11, "reserve");
  args.require_length(reserve, "reserve", d.reserve);
  a.reserve = reserve.data;
  const F32Array dy = args.optional_f32(12, "dy");
  a.ldy = args.size(13, "ldy");
  if (dy.data != nullptr) require_matrix(args, dy, "dy", "ldy", d.rows, s.hidden, a.ldy);
  a.dy = dy.data;
  a.dh_n = optional(args, 14, "dhN", d.bh);
  a.dc_n = optional(args, 15, "dcN", d.bh, lstm);
  const F32Array dx = args.optional_f32(16, "dx");
  a.lddx = args.size(17, "lddx");
  if (dx.data != nullptr) require_matrix(args, dx, "dx", "lddx", d.rows, s.input, a.lddx);
  a.dx = dx.data;
  a.dh0 = (optional(args, 18, "dh0", d.bh));
  a.dc0 = (optional(args, 19, "dc0", d.bh, lstm));
  a.dw_ih = (optional(args, 20, "dwIh", args.mul(d.gh, s.input, "dwIh size")));
  a.dw_hh = (optional(args, 21, "dwHh", args.mul(d.gh, s.hidden, "dwHh size")));
  a.db_ih = (optional(args, 22, "dbIh", d.gh));
  a.db_hh = (optional(args, 23, "dbHh", d.gh));
  args.check_status(kernels::rnn_backward_f32(context(info.Env()), s, a));
  return info.Env().Undefined();
}
}  // namespace

void register_rnn(Napi::Env env, Napi::Object exports) {
  exports.Set("rnnReserveSize", Napi::Function::New(env, RnnReserveSize, "rnnReserveSize"));
  exports.Set("rnnForward", Napi::Function::New(env, RnnForward, "rnnForward"));
  exports.Set("rnnBackward", Napi::Function::New(env, RnnBackward, "rnnBackward"));
}

}  // namespace nodegrad::binding
