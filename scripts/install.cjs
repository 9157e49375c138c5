// npm install hook: use a prebuilt addon when one matches this platform, otherwise build from source
// with cmake-js. NODEGRAD_BUILD_FROM_SOURCE=1 (or `npm install --build-from-source`, which npm 11 still passes
// on with an "unknown config" warning) always builds.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const fromSource =
  process.env.NODEGRAD_BUILD_FROM_SOURCE === '1' || process.env.npm_config_build_from_source === 'true';

function prebuildLoads() {
  try {
    require('node-gyp-build')(root);
    return true;
  } catch {
    return false;
  }
}

if (!fromSource && prebuildLoads()) process.exit(0);

let cmakeJs;
try {
  cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
} catch {
  console.error(
    'nodegrad: no prebuilt addon for ' + process.platform + '-' + process.arch +
      ' and cmake-js is not installed.\n' +
      'Build from source with: npm install cmake-js && npx cmake-js compile  (needs CMake >= 3.15 and a C++17 compiler).\n' +
      'Until then nodegrad runs on its pure-JS backend.',
  );
  process.exit(0);
}
const result = spawnSync(process.execPath, [cmakeJs, 'compile'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.error('nodegrad: building the native addon failed; nodegrad will run on its pure-JS backend.');
  process.exit(fromSource ? 1 : 0);
}
