/**
 * `npm run bench -- peak`: the FP32 FMA peak of one core for each ISA the CPU has, measured with independent
 * FMA chains (native/kernels/gemm/gemm_peak*.cc). The gemm suite divides by it for "% of peak".
 */
import { cpuInfo, nativeAddon } from '../../lib/index.js';
import { fmt, type Reporter, type Row, type Suite } from '../harness.js';

export interface Peak {
  /** GFLOP/s of one core over the samples. */
  median: number;
  min: number;
  max: number;
  /** Milliseconds per sample. */
  ms: { median: number; min: number; max: number };
}

/** `isa`'s peak: a calibration run, then `samples` runs of about `sampleMs` each; null without the addon. */
export function measurePeak(isa: string, samples = 9, sampleMs = 60): Peak | null {
  const addon = nativeAddon();
  if (!addon) return null;
  const calibration = 2_000_000;
  const t0 = performance.now();
  addon.benchPeak(isa, calibration);
  const msPerIteration = (performance.now() - t0) / calibration;
  const iterations = Math.max(1000, Math.round(sampleMs / Math.max(msPerIteration, 1e-9)));
  const gflops: number[] = [];
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    const s0 = performance.now();
    gflops.push(addon.benchPeak(isa, iterations));
    ms.push(performance.now() - s0);
  }
  gflops.sort((a, b) => a - b);
  ms.sort((a, b) => a - b);
  const mid = samples >> 1;
  return { median: gflops[mid], min: gflops[0], max: gflops[samples - 1], ms: { median: ms[mid], min: ms[0], max: ms[samples - 1] } };
}

export const peakSuite: Suite = {
  name: 'peak',
  description: 'FP32 FMA peak per core for each available ISA (independent FMA chains)',
  run(reporter: Reporter) {
    const rows: Row[] = [];
    const spread = new Map<Row, string>();
    for (const isa of cpuInfo().available) {
      const p = measurePeak(isa);
      if (!p) {
        reporter.note('peak: the native addon is unavailable');
        return;
      }
      const row = reporter.add({
        suite: 'peak', case: `fma-${isa}`, backend: 'native', isa, threads: 1,
        median_ms: p.ms.median, min_ms: p.ms.min, max_ms: p.ms.max, gflops: p.median,
      });
      rows.push(row);
      spread.set(row, `${fmt(p.min)}..${fmt(p.max)}`);
    }
    reporter.table('peak: FP32 FMA GFLOP/s of one core (median of 9 samples)', rows, [
      { header: 'GFLOP/s min..max', cell: (r) => spread.get(r) ?? '' },
    ]);
  },
};
