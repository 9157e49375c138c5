// CPU feature detection and the instruction-set levels nodegrad dispatches on.
//
// Detection reads CPUID and, on x86-64, XGETBV: a CPU may support AVX-512 while the OS does not save the
// ZMM/opmask state, in which case using it would corrupt registers across context switches.
#pragma once

namespace nodegrad::runtime {

// Ordered levels: a higher level on x86-64 implies every lower one is usable too.
enum class Isa : int { scalar = 0, avx2 = 1, avx512 = 2, neon = 3 };

struct CpuFeatures {
  bool avx2_fma = false;  // AVX2 + FMA3 + OS-enabled YMM state
  bool avx512 = false;    // AVX-512 F/BW/DQ/VL + OS-enabled ZMM and opmask state
  bool neon = false;      // AArch64 Advanced SIMD (baseline there)
};

// Detects once per call; cheap, pure (no caching, no globals).
CpuFeatures detect_cpu_features() noexcept;

const char* arch_name() noexcept;  // "x64", "arm64" or "unknown"
const char* isa_name(Isa isa) noexcept;
// Parses "scalar" | "avx2" | "avx512" | "neon"; returns false for anything else.
bool parse_isa(const char* name, Isa* out) noexcept;
bool isa_supported(const CpuFeatures& features, Isa isa) noexcept;
Isa best_isa(const CpuFeatures& features) noexcept;

}  // namespace nodegrad::runtime
