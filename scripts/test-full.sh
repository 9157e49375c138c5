#!/usr/bin/env bash
# npm run test:full: every tier, stopping at the first failure (TESTING.md: fast, asan, soak, fuzz):
#   the fast tier (npm test), the C++ kernel tests plain and under ASan + UBSan, the addon's sanitizer tier
#   (npm run test:asan), the leak soak (npm run test:soak) and a short fuzz (npm run fuzz, FUZZ_SECONDS
#   per target, default 60). Takes roughly 30-40 minutes on 2 cores, so CI runs only the fast tier.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { echo "== test:full: $1 (${SECONDS}s)"; }

step "fast tier"
npx vitest run
step "C++ kernel tests"
cmake -S . -B build-tests -G Ninja -DNODEGRAD_TESTS=ON >/dev/null
cmake --build build-tests -j2
ctest --test-dir build-tests --output-on-failure
step "C++ kernel tests under ASan + UBSan"
cmake -S . -B build-tests-asan -G Ninja -DNODEGRAD_TESTS=ON -DNODEGRAD_SANITIZE=ON >/dev/null
cmake --build build-tests-asan -j2
UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" ctest --test-dir build-tests-asan --output-on-failure
step "addon under ASan + UBSan, fast tier"
bash scripts/test-asan.sh
step "leak soak"
node --expose-gc --import tsx scripts/soak.ts
step "fuzz"
bash scripts/fuzz.sh
step "done"
