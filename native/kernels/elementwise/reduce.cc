// Reduction drivers: ISA selection and the split over the pool; plus the scalar micro-kernels.
#include "reduce.h"

#include "../simd/simd_scalar.h"
#include "parallel.h"

namespace nodegrad::kernels {

using namespace simd::scalar;
#define NODEGRAD_UKERNEL(name) name##__scalar
#include "reduce_impl.h"
#undef NODEGRAD_UKERNEL

namespace {

using runtime::Isa;

// Lanes of the inner axis per task: whole cache lines, many vectors.
constexpr int64_t kInnerBlock = 512;
// Indices ride in float lanes in arg_reduce_cols, exact up to 2^24.
constexpr int64_t kMaxFloatIndex = int64_t{1} << 24;

void rows_isa(Isa isa, int op, int64_t rows, int64_t dim, const float* x, float* out) {
  switch (isa) {
#if defined(NODEGRAD_HAVE_AVX2)
    case Isa::avx512: return reduce_rows_ukernel_f32__avx512(op, rows, dim, x, out);
    case Isa::avx2: return reduce_rows_ukernel_f32__avx2(op, rows, dim, x, out);
#endif
#if defined(NODEGRAD_HAVE_NEON)
    case Isa::neon: return reduce_rows_ukernel_f32__neon(op, rows, dim, x, out);
#endif
    default: return reduce_rows_ukernel_f32__scalar(op, rows, dim, x, out);
  }
}

void cols_isa(Isa isa, int op, int64_t dim, int64_t n, int64_t stride, const float* x, float* out) {
  switch (isa) {
#if defined(NODEGRAD_HAVE_AVX2)
    case Isa::avx512: return reduce_cols_ukernel_f32__avx512(op, dim, n, stride, x, out);
    case Isa::avx2: return reduce_cols_ukernel_f32__avx2(op, dim, n, stride, x, out);
#endif
#if defined(NODEGRAD_HAVE_NEON)
    case Isa::neon: return reduce_cols_ukernel_f32__neon(op, dim, n, stride, x, out);
#endif
    default: return reduce_cols_ukernel_f32__scalar(op, dim, n, stride, x, out);
  }
}

void arg_cols_isa(Isa isa, bool max, int64_t dim, int64_t n, int64_t stride, const float* x, float* values,
                  int32_t* indices) {
  switch (isa) {
#if defined(NODEGRAD_HAVE_AVX2)
    case Isa::avx512: return arg_reduce_cols_ukernel_f32__avx512(max, dim, n, stride, x, values, indices);
    case Isa::avx2: return arg_reduce_cols_ukernel_f32__avx2(max, dim, n, stride, x, values, indices);
#endif
#if defined(NODEGRAD_HAVE_NEON)
    case Isa::neon: return arg_reduce_cols_ukernel_f32__neon(max, dim, n, stride, x, values, indices);
#endif
    default: return arg_reduce_cols_ukernel_f32__scalar(max, dim, n, stride, x, values, indices);
  }
}

// The twin's arg max/min walk over one slice (d < dim at stride `stride`), for dims beyond float indices.
void arg_slice(bool max, int64_t dim, int64_t stride, const float* p, float* value, int32_t* index) {
  float best = p[0];
  int64_t at = 0;
  for (int64_t d = 1; d < dim && best == best; ++d) {
    const float v = p[d * stride];
    if (v != v || (max ? v > best : v < best)) {
      best = v;
      at = d;
    }
  }
  *value = best;
  *index = static_cast<int32_t>(at);
}

// fn(o, i0, i1) for every output block: rows [o, o + rows) when inner == 1 (i0 = i1 = 0), else the inner
// lanes [i0, i1) of slab o. Blocks hold about kChunk inputs; each output element belongs to one block.
template <typename F>
void for_blocks(runtime::Context& ctx, int64_t outer, int64_t dim, int64_t inner, F&& fn) {
  if (outer == 0 || inner == 0) return;
  const int64_t work = dim > 0 ? dim : 1;
  const bool serial = outer * work * inner < kParallelMin || ctx.pool.num_threads() <= 1 ||
                      runtime::ThreadPool::in_parallel_region();
  if (inner == 1) {
    const int64_t per = serial ? outer : work >= kChunk ? 1 : kChunk / work;
    const int64_t tasks = (outer + per - 1) / per;
    auto run = [&](int64_t t) { fn(t * per, (t + 1) * per < outer ? per : outer - t * per, int64_t{0}, int64_t{1}); };
    if (tasks == 1) return run(0);
    return ctx.pool.parallel_for(tasks, [&](int64_t t, int) { run(t); });
  }
  const int64_t block = serial ? inner : kInnerBlock;
  const int64_t per_slab = (inner + block - 1) / block;
  auto run = [&](int64_t t) {
    const int64_t o = t / per_slab, i0 = (t % per_slab) * block;
    fn(o, int64_t{1}, i0, i0 + block < inner ? i0 + block : inner);
  };
  if (outer * per_slab == 1) return run(0);
  if (serial) {
    for (int64_t t = 0; t < outer * per_slab; ++t) run(t);
    return;
  }
  ctx.pool.parallel_for(outer * per_slab, [&](int64_t t, int) { run(t); });
}

}  // namespace

void reduce_f32(runtime::Context& ctx, int op, int64_t outer, int64_t dim, int64_t inner, const float* x,
                float* out) noexcept {
  const Isa isa = ctx.isa;
  for_blocks(ctx, outer, dim, inner, [&](int64_t o, int64_t rows, int64_t i0, int64_t i1) {
    if (inner == 1) return rows_isa(isa, op, rows, dim, x + o * dim, out + o);
    cols_isa(isa, op, dim, i1 - i0, inner, x + o * dim * inner + i0, out + o * inner + i0);
  });
}

void arg_reduce_f32(runtime::Context& ctx, int op, int64_t outer, int64_t dim, int64_t inner, const float* x,
                    float* values, int32_t* indices) noexcept {
  const Isa isa = ctx.isa;
  const bool max = op == kReduceMax;
  for_blocks(ctx, outer, dim, inner, [&](int64_t o, int64_t rows, int64_t i0, int64_t i1) {
    if (inner == 1) {
      // The exact extreme by SIMD (first NaN, signed zero of the first zero), then its first position.
      rows_isa(isa, op, rows, dim, x + o * dim, values + o);
      for (int64_t r = o; r < o + rows; ++r) {
        const float* p = x + r * dim;
        const float v = values[r];
        int64_t d = 0;
        while (d < dim - 1 && !(v == v ? p[d] == v : p[d] != p[d])) ++d;
        indices[r] = static_cast<int32_t>(d);
      }
      return;
    }
    const float* p = x + o * dim * inner;
    if (dim <= kMaxFloatIndex) {
      return arg_cols_isa(isa, max, dim, i1 - i0, inner, p + i0, values + o * inner + i0, indices + o * inner + i0);
    }
    for (int64_t i = i0; i < i1; ++i) arg_slice(max, dim, inner, p + i, values + o * inner + i, indices + o * inner + i);
  });
}

}  // namespace nodegrad::kernels
