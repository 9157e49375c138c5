// The FP32 FMA peak of one core, measured: independent FMA chains (no loads, no dependencies between
// chains), enough of them to fill every FMA pipe for its whole latency. The GEMM bench divides by this.
#pragma once

#include <cstdint>

#include "../../runtime/cpu_features.h"

namespace nodegrad::kernels {

// Runs `iterations` rounds of the chains for `isa` on the calling thread; returns the flops executed (an
// FMA counts 2). The chains' final values are summed into *sink so the work cannot be optimised away.
double gemm_peak_f32(runtime::Isa isa, int64_t iterations, float* sink) noexcept;

// Per-ISA loops (one file each); each returns the sum of its chains and sets *flops_per_iteration.
float gemm_peak_f32__scalar(int64_t iterations, double* flops_per_iteration) noexcept;
float gemm_peak_f32__avx2(int64_t iterations, double* flops_per_iteration) noexcept;
float gemm_peak_f32__avx512(int64_t iterations, double* flops_per_iteration) noexcept;
float gemm_peak_f32__neon(int64_t iterations, double* flops_per_iteration) noexcept;

}  // namespace nodegrad::kernels
