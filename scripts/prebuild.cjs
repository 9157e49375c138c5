// npm run prebuild: builds the addon with cmake-js and copies it to prebuilds/<platform>-<arch>/nodegrad.napi.node,
// the prebuildify layout that node-gyp-build loads at runtime. prebuildify 6 can only drive node-gyp; the addon
// is Node-API only (one binary serves every Node and Electron version), so the layout is all we take from it.
// npm also runs this before `npm run build` (the "pre" hook), which keeps prebuilds/ in step with build/.
// --no-build copies the existing build/Release/nodegrad.node without building (the pack test uses it).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const built = path.join(root, 'build', 'Release', 'nodegrad.node');

if (!process.argv.includes('--no-build')) {
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
  const r = spawnSync(process.execPath, [cmakeJs, 'compile'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
if (!fs.existsSync(built)) {
  console.error(`nodegrad prebuild: ${path.relative(root, built)} does not exist; run \`npx cmake-js compile\` first`);
  process.exit(1);
}

const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
const dest = path.join(dir, 'nodegrad.napi.node');
fs.mkdirSync(dir, { recursive: true });
// Copy to a temporary name and rename, so a process loading the old file never sees a half-written one.
fs.copyFileSync(built, dest + '.tmp');
fs.renameSync(dest + '.tmp', dest);

// Refuse to ship a binary that does not load here.
const addon = require(dest);
if (typeof addon.gemm !== 'function' || typeof addon.cpuInfo !== 'function') {
  console.error(`nodegrad prebuild: ${dest} loaded but lacks gemm/cpuInfo`);
  process.exit(1);
}
console.log(`nodegrad prebuild: wrote ${path.relative(root, dest)} (${fs.statSync(dest).size} bytes)`);
