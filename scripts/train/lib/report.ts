/**
 * What a run leaves for humans: a JSON-lines log, a self-contained HTML loss curve
 * (inline SVG, no plotting dependency), and a summary table for the terminal.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import type { EvalRecord, StepRecord } from './checkpoint.ts';

export class JsonlLog {
  constructor(readonly path: string) {}

  write(record: Record<string, unknown>): void {
    appendFileSync(this.path, `${JSON.stringify(record)}\n`);
  }

  /** Keeps only records with step ≤ `step` (a resumed run rewrites what came after). */
  truncateAfter(step: number): void {
    let lines: string[];
    try {
      lines = readFileSync(this.path, 'utf8').split('\n').filter(Boolean);
    } catch {
      return;
    }
    const kept = lines.filter((l) => {
      try {
        const r = JSON.parse(l) as { step?: number };
        return r.step === undefined || r.step <= step;
      } catch {
        return false;
      }
    });
    writeFileSync(this.path, kept.length ? `${kept.join('\n')}\n` : '');
  }
}

/** Exponential moving average, for a readable curve and the live loss. */
export function ema(values: number[], alpha = 0.1): number[] {
  const out: number[] = [];
  let m = values[0] ?? 0;
  for (const v of values) {
    m = alpha * v + (1 - alpha) * m;
    out.push(m);
  }
  return out;
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** An HTML page with the training loss (raw + EMA) and each dev metric against step. */
export function renderLossCurve(title: string, history: StepRecord[], evals: EvalRecord[]): string {
  const W = 800;
  const H = 320;
  const pad = 48;
  const charts: string[] = [];
  const series = (points: [number, number][], color: string, width: number) => {
    return { points, color, width };
  };
  const chart = (name: string, lines: ReturnType<typeof series>[]) => {
    const all = lines.flatMap((l) => l.points).filter(([, y]) => Number.isFinite(y));
    if (!all.length) return '';
    const xs = all.map(([x]) => x);
    const ys = all.map(([, y]) => y);
    const [x0, x1] = [Math.min(...xs), Math.max(...xs, Math.min(...xs) + 1)];
    const [y0, y1] = [Math.min(...ys), Math.max(...ys, Math.min(...ys) + 1e-9)];
    const sx = (x: number) => pad + ((x - x0) / (x1 - x0)) * (W - 2 * pad);
    const sy = (y: number) => H - pad - ((y - y0) / (y1 - y0)) * (H - 2 * pad);
    const paths = lines
      .map(
        (l) =>
          `<polyline fill="none" stroke="${l.color}" stroke-width="${l.width}" points="${l.points
            .filter(([, y]) => Number.isFinite(y))
            .map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
            .join(' ')}"/>`,
      )
      .join('');
    const ticks = [0, 0.25, 0.5, 0.75, 1]
      .map((f) => {
        const y = y0 + f * (y1 - y0);
        return `<text x="${pad - 4}" y="${sy(y) + 4}" text-anchor="end" font-size="11">${y.toPrecision(3)}</text>`;
      })
      .join('');
    return `<h2>${esc(name)}</h2><svg width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">
<rect x="${pad}" y="${pad}" width="${W - 2 * pad}" height="${H - 2 * pad}" fill="none" stroke="#ccc"/>${ticks}
<text x="${pad}" y="${H - pad + 16}" font-size="11">step ${x0}</text>
<text x="${W - pad}" y="${H - pad + 16}" font-size="11" text-anchor="end">step ${x1}</text>${paths}</svg>`;
  };
  const raw = history.map((r) => [r.step, r.loss] as [number, number]);
  const smooth = ema(
    history.map((r) => r.loss),
    0.05,
  ).map((v, i) => [history[i].step, v] as [number, number]);
  charts.push(
    chart('training loss (grey: per step, blue: EMA)', [
      series(raw, '#bbb', 1),
      series(smooth, '#1f6feb', 2),
    ]),
  );
  const keys = [...new Set(evals.flatMap((e) => Object.keys(e.metrics)))];
  for (const k of keys) {
    charts.push(
      chart(`dev ${k}`, [
        series(
          evals.map((e) => [e.step, e.metrics[k]]),
          '#d1242f',
          2,
        ),
      ]),
    );
  }
  return `<!doctype html><meta charset="utf-8"><title>${esc(title)}</title>
<body style="font-family:sans-serif"><h1>${esc(title)}</h1>${charts.join('\n')}</body>\n`;
}

/** Aligned plain-text table. */
export function formatTable(rows: [string, string][]): string {
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

export interface BarSeries {
  name: string;
  color: string;
}

export interface BarGroup {
  label: string;
  /** One value per series; null = not measured. */
  values: (number | null)[];
}

/**
 * Grouped horizontal bars as inline SVG (e.g. WER before/after per accent): one row per group,
 * one bar per series, the value written at the bar's end. `format` turns a value into its label.
 */
export function renderBarChart(
  title: string,
  series: BarSeries[],
  groups: BarGroup[],
  format: (v: number) => string = (v) => v.toPrecision(3),
): string {
  const labelW = 230;
  const plotW = 480;
  const barH = 12;
  const gap = 10;
  const rowH = series.length * barH + gap;
  const top = 28;
  const H = top + groups.length * rowH + 10;
  const max = Math.max(1e-9, ...groups.flatMap((g) => g.values.filter((v): v is number => v !== null)));
  const legend = series
    .map(
      (s, i) =>
        `<rect x="${labelW + i * 120}" y="6" width="12" height="12" fill="${s.color}"/><text x="${labelW + i * 120 + 16}" y="16" font-size="12">${esc(s.name)}</text>`,
    )
    .join('');
  const rows = groups
    .map((g, gi) => {
      const y0 = top + gi * rowH;
      const bars = g.values
        .map((v, si) => {
          const y = y0 + si * barH;
          if (v === null || !Number.isFinite(v))
            return `<text x="${labelW + 4}" y="${y + barH - 2}" font-size="10" fill="#888">n/a</text>`;
          const w = (v / max) * plotW;
          return `<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH - 1}" fill="${series[si].color}"/><text x="${(labelW + w + 4).toFixed(1)}" y="${y + barH - 2}" font-size="10">${esc(format(v))}</text>`;
        })
        .join('');
      return `<text x="${labelW - 8}" y="${y0 + (series.length * barH) / 2 + 4}" font-size="12" text-anchor="end">${esc(g.label)}</text>${bars}`;
    })
    .join('\n');
  return `<h2>${esc(title)}</h2><svg width="${labelW + plotW + 80}" height="${H}" xmlns="http://www.w3.org/2000/svg">${legend}\n${rows}</svg>`;
}

/** A self-contained HTML page around chart fragments (and any other HTML). */
export function htmlPage(title: string, sections: string[]): string {
  return `<!doctype html><meta charset="utf-8"><title>${esc(title)}</title>
<body style="font-family:sans-serif"><h1>${esc(title)}</h1>${sections.join('\n')}</body>\n`;
}
