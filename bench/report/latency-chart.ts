import type { FanOutResult } from '../scenarios/fan-out-scenario';

/**
 * Latency percentiles against delivered rate, one colour per system, written as
 * SVG text: log-scale axes, p50 dotted, p95 dashed, p99 solid, and the 50 ms line
 * that defines "sustained".
 */
const COLORS: Record<string, string> = { product: '#d62728', cluster: '#ff7f0e', raw: '#1f77b4', socketio: '#2ca02c' };
const LABELS: Record<string, string> = {
  product: 'product',
  cluster: 'product on a Redis Cluster',
  raw: 'raw baseline',
  socketio: 'Socket.IO + redis-adapter',
};
const PERCENTILES = [
  { key: 'p50Ms', label: 'p50', dash: '2,4' },
  { key: 'p95Ms', label: 'p95', dash: '8,4' },
  { key: 'p99Ms', label: 'p99', dash: '' },
] as const;

export function renderLatencyChart(results: FanOutResult[], title: string): string {
  const width = 900;
  const height = 540;
  const margin = { left: 70, right: 230, top: 50, bottom: 60 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const rates = results.flatMap((r) => r.steps.map((s) => s.targetPerSecond));
  const latencies = results.flatMap((r) => r.steps.flatMap((s) => [s.latency.p50Ms, s.latency.p99Ms]));
  const xMin = Math.max(1, Math.min(...rates, 1000));
  const xMax = niceCeiling(Math.max(...rates, xMin * 10));
  const yMin = Math.min(0.1, ...latencies.filter((v) => v > 0));
  const yMax = niceCeiling(Math.max(100, ...latencies));
  const lx = (v: number) =>
    margin.left + ((Math.log10(v) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * plotW;
  const ly = (v: number) =>
    margin.top +
    plotH -
    ((Math.log10(Math.max(v, yMin)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * plotH;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${margin.left}" y="28" font-size="16" font-weight="bold">${escape(title)}</text>`,
  );
  // Grid and ticks: decades and 1-2-5 steps.
  for (const tick of ticks(xMin, xMax)) {
    const x = lx(tick);
    out.push(`<line x1="${x}" y1="${margin.top}" x2="${x}" y2="${margin.top + plotH}" stroke="#eee"/>`);
    out.push(`<text x="${x}" y="${margin.top + plotH + 18}" text-anchor="middle">${formatRate(tick)}</text>`);
  }
  for (const tick of ticks(yMin, yMax)) {
    const y = ly(tick);
    out.push(`<line x1="${margin.left}" y1="${y}" x2="${margin.left + plotW}" y2="${y}" stroke="#eee"/>`);
    out.push(`<text x="${margin.left - 8}" y="${y + 4}" text-anchor="end">${tick}</text>`);
  }
  out.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 18}" text-anchor="middle">delivered events/s (log)</text>`,
    `<text transform="translate(18 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">publish → receipt latency, ms (log)</text>`,
  );
  const y50 = ly(50);
  out.push(
    `<line x1="${margin.left}" y1="${y50}" x2="${margin.left + plotW}" y2="${y50}" stroke="#555" stroke-dasharray="6,3"/>`,
    `<text x="${margin.left + 4}" y="${y50 - 4}" fill="#555">50 ms</text>`,
  );
  for (const result of results) {
    const color = COLORS[result.system] ?? '#000';
    for (const p of PERCENTILES) {
      const points = result.steps.map((s) => `${lx(s.targetPerSecond).toFixed(1)},${ly(s.latency[p.key]).toFixed(1)}`);
      if (points.length === 0) continue;
      out.push(
        `<polyline points="${points.join(' ')}" fill="none" stroke="${color}" stroke-width="2"${p.dash ? ` stroke-dasharray="${p.dash}"` : ''}/>`,
      );
      for (const s of result.steps) {
        const marker = s.complete ? color : 'white';
        out.push(
          `<circle cx="${lx(s.targetPerSecond).toFixed(1)}" cy="${ly(s.latency[p.key]).toFixed(1)}" r="3" fill="${marker}" stroke="${color}"/>`,
        );
      }
    }
  }
  // Legend.
  let ly0 = margin.top + 10;
  const lx0 = margin.left + plotW + 20;
  for (const result of results) {
    out.push(
      `<line x1="${lx0}" y1="${ly0}" x2="${lx0 + 30}" y2="${ly0}" stroke="${COLORS[result.system] ?? '#000'}" stroke-width="3"/>`,
      `<text x="${lx0 + 38}" y="${ly0 + 4}">${escape(LABELS[result.system] ?? result.system)}</text>`,
    );
    ly0 += 22;
  }
  ly0 += 10;
  for (const p of PERCENTILES) {
    out.push(
      `<line x1="${lx0}" y1="${ly0}" x2="${lx0 + 30}" y2="${ly0}" stroke="#333" stroke-width="2"${p.dash ? ` stroke-dasharray="${p.dash}"` : ''}/>`,
      `<text x="${lx0 + 38}" y="${ly0 + 4}">${p.label}</text>`,
    );
    ly0 += 22;
  }
  out.push(
    `<text x="${lx0}" y="${ly0 + 10}">hollow marker: delivery</text>`,
    `<text x="${lx0}" y="${ly0 + 26}">incomplete at that rate</text>`,
  );
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** The next 1-2-5 value at or above v, so the top tick is labelled. */
function niceCeiling(v: number): number {
  const decade = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (decade * m >= v) return decade * m;
  return v;
}

function ticks(min: number, max: number): number[] {
  const out: number[] = [];
  for (let decade = 10 ** Math.floor(Math.log10(min)); decade <= max; decade *= 10) {
    for (const m of [1, 2, 5]) {
      const v = Math.round(decade * m * 1000) / 1000;
      if (v >= min && v <= max) out.push(v);
    }
  }
  return out;
}

function formatRate(v: number): string {
  return v >= 1000 ? `${v / 1000}k` : String(v);
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
