#!/usr/bin/env bash
# npm run test:asan [-- vitest args]: builds the addon with AddressSanitizer + UndefinedBehaviorSanitizer into
# build-asan/ (the regular build/ is left alone) and runs the test suite against it. node itself is not
# instrumented, so the ASan runtime must be preloaded; leak detection is off because V8 keeps memory for
# the process lifetime by design. test/safety/workers.test.ts caps ASan's quarantine for its worker-reload
# memory check, which would otherwise measure the quarantine filling. NODEGRAD_PREBUILD points
# node-gyp-build (and so every test and child process) at build-asan/build/Release/nodegrad.node.
set -euo pipefail
cd "$(dirname "$0")/.."

npx cmake-js compile --out build-asan/build --CDNODEGRAD_SANITIZE=ON
libasan="$(${CXX:-g++} -print-file-name=libasan.so)"
if [ ! -e "$libasan" ]; then
  echo "test:asan: libasan.so not found (${libasan}); install the compiler's sanitizer runtime" >&2
  exit 1
fi

export NODEGRAD_PREBUILD="$PWD/build-asan"
export LD_PRELOAD="$libasan"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
npx vitest run "$@"
