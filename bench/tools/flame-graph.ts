import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Renders a `node --cpu-prof` profile as a flame graph in SVG (root at the bottom,
 * width = time; hover a frame for its name and share). Idle and GC time are left out
 * of the width so the busy part fills the picture.
 *
 *   npx tsx bench/tools/flame-graph.ts <file.cpuprofile> <out.svg> [title]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

const [file, out, title = path.basename(file ?? '')] = process.argv.slice(2);
if (!file || !out) {
  console.error('usage: flame-graph <file.cpuprofile> <out.svg> [title]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
};
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const SKIP = new Set(['(idle)', '(program)', '(garbage collector)']);
const total = new Map<number, number>();
function sum(id: number): number {
  const node = byId.get(id)!;
  let t = SKIP.has(node.callFrame.functionName) ? 0 : (self.get(id) ?? 0);
  for (const child of node.children ?? []) t += sum(child);
  total.set(id, t);
  return t;
}
const root = profile.nodes[0]!;
const rootTotal = sum(root.id);
const busyUs = rootTotal;

const WIDTH = 1200;
const ROW = 16;
const frames: { x: number; depth: number; w: number; label: string; share: number }[] = [];
let maxDepth = 0;
function place(id: number, x: number, depth: number) {
  const t = total.get(id) ?? 0;
  const w = (t / rootTotal) * WIDTH;
  if (w < 0.3) return;
  const node = byId.get(id)!;
  const where = node.callFrame.url
    ? ` ${path.relative(process.cwd(), node.callFrame.url.replace('file://', ''))}:${node.callFrame.lineNumber + 1}`
    : '';
  frames.push({ x, depth, w, label: `${node.callFrame.functionName || '(anonymous)'}${where}`, share: t / rootTotal });
  maxDepth = Math.max(maxDepth, depth);
  let cx = x;
  for (const child of node.children ?? []) {
    place(child, cx, depth + 1);
    cx += ((total.get(child) ?? 0) / rootTotal) * WIDTH;
  }
}
place(root.id, 0, 0);

const height = (maxDepth + 1) * ROW + 40;
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const color = (label: string) => {
  if (label.includes('services/') || label.includes('libs/')) return '#e8743b';
  if (label.includes('node_modules')) return '#f2c14e';
  if (label.includes('node:')) return '#9ecae1';
  return '#c7c7c7';
};
const svg = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="monospace" font-size="11">`,
  `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
  `<text x="4" y="16" font-family="sans-serif" font-size="13">${escape(title)} — ${(busyUs / 1e6).toFixed(1)} s of CPU (idle excluded); orange: product code, yellow: packages, blue: Node</text>`,
  ...frames.map((f) => {
    const y = height - (f.depth + 1) * ROW;
    const text =
      f.w > 40
        ? `<text x="${(f.x + 3).toFixed(1)}" y="${y + 12}">${escape(f.label.slice(0, Math.floor(f.w / 6.6)))}</text>`
        : '';
    return `<g><title>${escape(f.label)} — ${(f.share * 100).toFixed(1)}%</title><rect x="${f.x.toFixed(1)}" y="${y}" width="${f.w.toFixed(1)}" height="${ROW - 1}" fill="${color(f.label)}"/>${text}</g>`;
  }),
  '</svg>',
].join('\n');
writeFileSync(out, svg + '\n');
console.log(`${out}: ${frames.length} frames`);
