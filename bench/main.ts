/**
 * npm run bench -- [suite ...] [--json] [--threads N[,M]] [--budget MS]
 * With no suite named, runs them all. Each suite measures the native backend and the JS twin on the same
 * cases in one process run and prints the ratio.
 */
import { allThreads, Reporter, type BenchOptions, type Suite } from './harness.js';
import { cpuInfo, getBackend, nativeUnavailableReason } from '../lib/index.js';
import { convSuite } from './suites/conv.js';
import { elementwiseSuite } from './suites/elementwise.js';
import { gemmSuite } from './suites/gemm.js';
import { opsSuite } from './suites/ops.js';
import { peakSuite } from './suites/peak.js';
import { poolSuite } from './suites/pool.js';
import { rnnSuite } from './suites/rnn.js';
import { trainSuite } from './suites/train.js';
import { tfjsSuite } from './suites/tfjs.js';
import { vsPytorchSuite } from './suites/vs_pytorch.js';
import { writeReport } from './report.js';

const suites: Suite[] = [peakSuite, gemmSuite, opsSuite, elementwiseSuite, convSuite, poolSuite, rnnSuite, trainSuite, tfjsSuite, vsPytorchSuite];

function parseArgs(argv: string[]): { names: string[]; options: BenchOptions } {
  const names: string[] = [];
  const options: BenchOptions = { json: false, threads: [], budgetMs: 1000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') options.json = true;
    else if (a === '--threads') options.threads = argv[++i].split(',').map(Number);
    else if (a === '--budget') options.budgetMs = Number(argv[++i]);
    else names.push(a);
  }
  if (options.threads.length === 0) options.threads = [...new Set([1, allThreads()])];
  return { names, options };
}

async function main(): Promise<void> {
  const { names, options } = parseArgs(process.argv.slice(2));
  const unknown = names.filter((n) => !suites.some((s) => s.name === n));
  if (unknown.length > 0) {
    console.error(`unknown suite(s): ${unknown.join(', ')}; available: ${suites.map((s) => s.name).join(', ')}`);
    process.exit(2);
  }
  const selected = names.length > 0 ? suites.filter((s) => names.includes(s.name)) : suites;
  const reporter = new Reporter(options);
  if (!options.json) {
    const info = cpuInfo();
    console.log(`nodegrad bench: backend ${getBackend()}, arch ${info.arch}, isa ${info.isa}, threads ${info.threads}`);
    const why = nativeUnavailableReason();
    if (why) console.log(`native addon unavailable: ${why}`);
  }
  for (const suite of selected) await suite.run(reporter, options);
  // A full run (no suite named) is the benchmark report: ratio table, results JSON and SVG chart.
  if (names.length === 0) {
    const { json, svg } = writeReport(reporter.rows);
    reporter.note(`\nwrote ${json} and ${svg}`);
  }
}

await main();
