// A small hand-written SVG chart: horizontal box plots in panels, each panel on its own linear
// millisecond scale. Box = p25..p75, line = median, whiskers = p5..p95, dots = every run.
import { percentile } from './stats.mjs';

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceStep(max) {
  const raw = max / 6;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw);
}

/**
 * panels: [{title, unit, rows: [{label, values, color}]}] → SVG text.
 */
export function boxPlots(title, panels, { width = 900, note = '' } = {}) {
  const left = 250;
  const right = 30;
  const rowH = 26;
  const plotW = width - left - right;
  let y = 40;
  const parts = [];
  for (const panel of panels) {
    const rows = panel.rows.filter((r) => r.values.some(Number.isFinite));
    if (!rows.length) continue;
    const max = Math.max(...rows.flatMap((r) => r.values.filter(Number.isFinite)));
    const step = niceStep(max);
    const top = Math.ceil(max / step) * step;
    const x = (v) => left + (v / top) * plotW;
    parts.push(`<text x="${left}" y="${y + 4}" class="panel">${esc(panel.title)}</text>`);
    y += 20;
    const y0 = y;
    const h = rows.length * rowH;
    for (let t = 0; t <= top + 1e-9; t += step) {
      parts.push(`<line x1="${x(t)}" y1="${y0}" x2="${x(t)}" y2="${y0 + h}" class="grid"/>`);
      parts.push(`<text x="${x(t)}" y="${y0 + h + 14}" class="tick">${+t.toFixed(6)}</text>`);
    }
    parts.push(`<text x="${left + plotW}" y="${y0 + h + 28}" class="unit">${esc(panel.unit || 'ms')}</text>`);
    rows.forEach((r, i) => {
      const v = r.values.filter(Number.isFinite);
      const cy = y0 + i * rowH + rowH / 2;
      const q = (p) => percentile(v, p);
      const color = r.color || '#4a6fa5';
      parts.push(`<text x="${left - 8}" y="${cy + 4}" class="label">${esc(r.label)}</text>`);
      parts.push(`<line x1="${x(q(0.05))}" y1="${cy}" x2="${x(q(0.95))}" y2="${cy}" stroke="${color}" stroke-width="1.5"/>`);
      for (const p of [0.05, 0.95]) parts.push(`<line x1="${x(q(p))}" y1="${cy - 5}" x2="${x(q(p))}" y2="${cy + 5}" stroke="${color}" stroke-width="1.5"/>`);
      parts.push(`<rect x="${x(q(0.25))}" y="${cy - 8}" width="${Math.max(1, x(q(0.75)) - x(q(0.25)))}" height="16" fill="${color}" fill-opacity="0.25" stroke="${color}"/>`);
      parts.push(`<line x1="${x(q(0.5))}" y1="${cy - 9}" x2="${x(q(0.5))}" y2="${cy + 9}" stroke="${color}" stroke-width="3"/>`);
      v.forEach((val, k) => {
        const jitter = ((k * 7919) % 11) - 5;
        parts.push(`<circle cx="${x(val).toFixed(1)}" cy="${(cy + jitter).toFixed(1)}" r="1.6" fill="${color}" fill-opacity="0.6"/>`);
      });
      parts.push(`<text x="${Math.min(x(q(0.95)) + 6, left + plotW - 2)}" y="${cy - 9}" class="med">${q(0.5).toFixed(q(0.5) < 10 ? 1 : 0)}</text>`);
    });
    y = y0 + h + 44;
  }
  if (note) {
    parts.push(`<text x="12" y="${y}" class="note">${esc(note)}</text>`);
    y += 10;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 6}" viewBox="0 0 ${width} ${y + 6}" font-family="system-ui, sans-serif">
<style>
  .title { font-size: 16px; font-weight: 600; }
  .panel { font-size: 13px; font-weight: 600; }
  .label { font-size: 12px; text-anchor: end; }
  .tick { font-size: 10px; text-anchor: middle; fill: #555; }
  .unit { font-size: 10px; text-anchor: end; fill: #555; }
  .med { font-size: 10px; fill: #222; }
  .note { font-size: 10px; fill: #555; }
  .grid { stroke: #e3e3e3; stroke-width: 1; }
</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="12" y="24" class="title">${esc(title)}</text>
${parts.join('\n')}
</svg>
`;
}
