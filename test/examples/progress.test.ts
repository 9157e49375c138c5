import { describe, expect, it } from 'vitest';
import { lineChartSvg } from '../../examples/mnist/chart.js';
import { Progress } from '../../examples/mnist/progress.js';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WritableStream };
}

describe('progress and chart', () => {
  it('plain mode prints whole lines about every 10%, with rate, loss and ETA', () => {
    const s = sink(false);
    const p = new Progress({ label: 'epoch 1/1', total: 1000, stream: s.stream });
    for (let done = 50; done <= 1000; done += 50) p.update(done, 1 / done);
    p.finish();
    expect(s.chunks.length).toBeGreaterThanOrEqual(9);
    expect(s.chunks.length).toBeLessThanOrEqual(11);
    for (const c of s.chunks) expect(c).toMatch(/^epoch 1\/1 +\d+\.\d% \d+\/1000 \| [\d,]+ samples\/s \| loss \d\.\d{4} \| ETA \S+\n$/);
    expect(s.chunks.at(-1)).toMatch(/100\.0% 1000\/1000/);
  });

  it('TTY mode redraws one line with a bar and ends it on finish', () => {
    const s = sink(true);
    const p = new Progress({ label: 'epoch 1/2', total: 10, stream: s.stream });
    p.update(10, 0.5);
    p.finish();
    expect(s.chunks[0]).toMatch(/^\repoch 1\/2 \[=+\] 100\.0% 10\/10 .*loss 0\.5000/);
    expect(s.chunks.at(-1)).toBe('\n');
  });

  it('the chart is one SVG with a path per series and escapes text', () => {
    const svg = lineChartSvg('a <b>', 'epoch', [{ title: 't', yLabel: 'y', series: [{ name: 's', color: 'red', points: [[0, 1], [1, 2], [2, NaN]] }] }]);
    expect(svg).toContain('a &lt;b&gt;');
    expect(svg.match(/<path /g)).toHaveLength(1);
    expect(svg).not.toContain('NaN');
  });
});
