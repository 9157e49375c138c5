#!/usr/bin/env bash
# npm run test:full: every tier (TESTING.md: fast, asan, soak, fuzz): the fast tier (npm test), the C++
# kernel tests plain and under ASan + UBSan, the addon's sanitizer tier (npm run test:asan), the leak soak
# (npm run test:soak) and a short fuzz (npm run fuzz, FUZZ_SECONDS per target, default 60). Every tier runs
# even when an earlier one fails (a run takes 30-40 minutes on 2 cores, so one failure should not hide the
# rest); the failed tiers are listed at the end and the exit status is non-zero if there are any. CI runs
# only the fast tier.
set -uo pipefail
cd "$(dirname "$0")/.."
failed=()
tier() {
  local name=$1; shift
  echo "== test:full: ${name} (${SECONDS}s)"
  "$@" || { echo "== test:full: FAILED: ${name}"; failed+=("$name"); }
}

cpp_tests() {
  cmake -S . -B build-tests -G Ninja -DNODEGRAD_TESTS=ON >/dev/null &&
    cmake --build build-tests -j2 && ctest --test-dir build-tests --output-on-failure
}
cpp_tests_sanitized() {
  cmake -S . -B build-tests-asan -G Ninja -DNODEGRAD_TESTS=ON -DNODEGRAD_SANITIZE=ON >/dev/null &&
    cmake --build build-tests-asan -j2 &&
    UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" ctest --test-dir build-tests-asan --output-on-failure
}

tier "fast tier" npx vitest run
tier "C++ kernel tests" cpp_tests
tier "C++ kernel tests under ASan + UBSan" cpp_tests_sanitized
tier "addon under ASan + UBSan, fast tier" bash scripts/test-asan.sh
tier "leak soak" npm run test:soak
tier "fuzz" bash scripts/fuzz.sh
if [ ${#failed[@]} -gt 0 ]; then
  echo "== test:full: failed tiers (${SECONDS}s):"; printf '   %s\n' "${failed[@]}"
  exit 1
fi
echo "== test:full: all tiers passed (${SECONDS}s)"
