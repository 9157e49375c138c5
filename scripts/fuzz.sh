#!/usr/bin/env bash
# npm run fuzz: time-boxed fuzzing, FUZZ_SECONDS per target (default 60).
#  1. native/fuzz/fuzz_kernels.cc: libFuzzer with ASan + UBSan (clang) over the kernel entry points, with
#     geometry validated as the bindings do and buffers of exactly the validated size, and over the checked
#     size arithmetic. Built into build-fuzz/; the corpus stays there. A crash leaves its input in
#     build-fuzz/crashes/: minimise it (build-fuzz/fuzz_kernels -minimize_crash=1 -runs=10000 <file>) and keep
#     it in native/fuzz/regressions/, which is replayed first on every run.
#  2. scripts/fuzz-parsers.ts: fast-check over the safetensors and IDX parsers (TypeScript, so no libFuzzer).
# The binding-level argument checks (args.cc) need a Node environment; they are fuzzed through the addon by
# test/safety/properties.test.ts (argument mutations on every binding) rather than here.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"

cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER="${FUZZ_CXX:-clang++}" -DNODEGRAD_FUZZ=ON -DNODEGRAD_SANITIZE=ON >/dev/null
cmake --build build-fuzz -j2 --target fuzz_kernels
mkdir -p build-fuzz/corpus build-fuzz/crashes
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
if compgen -G "native/fuzz/regressions/*" >/dev/null; then
  echo "== fuzz: replaying native/fuzz/regressions"
  build-fuzz/fuzz_kernels native/fuzz/regressions/*
fi
echo "== fuzz: fuzz_kernels for ${seconds} s"
# The fuzzer's own status decides (read before anything else runs: `|| true` would reset PIPESTATUS).
status=0
build-fuzz/fuzz_kernels -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix=build-fuzz/crashes/ build-fuzz/corpus 2>&1 |
  grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss|==[0-9]+==|SUMMARY)|ERROR|runtime error" || status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then echo "fuzz: fuzz_kernels failed (status $status); its input is in build-fuzz/crashes/" >&2; exit 1; fi

echo "== fuzz: safetensors and IDX parsers for ${seconds} s each"
FUZZ_SECONDS="$seconds" node --import tsx scripts/fuzz-parsers.ts
