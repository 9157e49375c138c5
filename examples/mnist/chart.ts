/**
 * A self-contained SVG line chart (no dependencies): one panel per series group, shared x axis. Used for
 * the training curves next to the saved model.
 */
export interface Series {
  name: string;
  /** [x, y] points. */
  points: [number, number][];
  color: string;
}

export interface Panel {
  title: string;
  yLabel: string;
  series: Series[];
  /** Fixed y range; default: the data's range with a margin. */
  yRange?: [number, number];
}

const W = 640, PANEL_H = 240, LEFT = 64, RIGHT = 16, TOP = 32, BOTTOM = 40;

export function lineChartSvg(title: string, xLabel: string, panels: Panel[]): string {
  const height = panels.length * PANEL_H + 24;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  panels.forEach((panel, i) => parts.push(panelSvg(panel, xLabel, 24 + i * PANEL_H)));
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function panelSvg(panel: Panel, xLabel: string, y0: number): string {
  const pts = panel.series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const [xmin, xmax] = extent(pts.map((p) => p[0]), 0);
  const [ymin, ymax] = panel.yRange ?? extent(pts.map((p) => p[1]), 0.05);
  const pw = W - LEFT - RIGHT, ph = PANEL_H - TOP - BOTTOM;
  const sx = (x: number) => LEFT + ((x - xmin) / (xmax - xmin)) * pw;
  const sy = (y: number) => y0 + TOP + (1 - (Math.min(Math.max(y, ymin), ymax) - ymin) / (ymax - ymin)) * ph;
  const out: string[] = [
    `<text x="${LEFT}" y="${y0 + TOP - 10}" font-weight="bold">${esc(panel.title)}</text>`,
    `<rect x="${LEFT}" y="${y0 + TOP}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`,
  ];
  for (const t of ticks(ymin, ymax)) {
    out.push(`<line x1="${LEFT}" x2="${LEFT + pw}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#eee"/>`);
    out.push(`<text x="${LEFT - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${tickLabel(t)}</text>`);
  }
  for (const t of ticks(xmin, xmax)) {
    out.push(`<text x="${sx(t).toFixed(1)}" y="${y0 + TOP + ph + 16}" text-anchor="middle">${tickLabel(t)}</text>`);
  }
  out.push(`<text x="${LEFT + pw / 2}" y="${y0 + TOP + ph + 32}" text-anchor="middle">${esc(xLabel)}</text>`);
  out.push(`<text transform="translate(14 ${y0 + TOP + ph / 2}) rotate(-90)" text-anchor="middle">${esc(panel.yLabel)}</text>`);
  panel.series.forEach((s, k) => {
    const good = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (good.length === 1) {
      out.push(`<circle cx="${sx(good[0][0]).toFixed(1)}" cy="${sy(good[0][1]).toFixed(1)}" r="3" fill="${s.color}"/>`);
    } else if (good.length > 1) {
      const d = good.map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`);
    }
    const lx = LEFT + pw - 150, ly = y0 + TOP + 16 + k * 16;
    out.push(`<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`);
    out.push(`<text x="${lx + 24}" y="${ly}">${esc(s.name)}</text>`);
  });
  return out.join('\n');
}

function extent(values: number[], margin: number): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Math.min(...values), hi = Math.max(...values);
  if (hi === lo) return [lo - 0.5, hi + 0.5];
  const pad = (hi - lo) * margin;
  lo -= pad;
  hi += pad;
  return [lo, hi];
}

/** About five round tick values in [lo, hi]. */
function ticks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return out;
}

function tickLabel(t: number): string {
  return Number.isInteger(t) ? String(t) : Number(t.toPrecision(4)).toString();
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
