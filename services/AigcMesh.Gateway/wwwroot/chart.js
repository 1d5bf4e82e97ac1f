// A small line chart on a canvas: one line per series, auto-scaled axes. Points are added as events arrive.

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];

export class LineChart {
  constructor(canvas) {
    this.canvas = canvas;
    this.series = new Map();
    this.points = 0;
  }

  clear() {
    this.series.clear();
    this.points = 0;
    this.draw();
  }

  add(x, values) {
    for (const [name, y] of Object.entries(values)) {
      if (typeof y !== 'number' || !isFinite(y)) continue;
      if (!this.series.has(name)) this.series.set(name, []);
      this.series.get(name).push([x, y]);
      this.points++;
    }
    this.canvas.dataset.points = String(this.points);
    this.draw();
  }

  draw() {
    const c = this.canvas;
    const ctx = c.getContext('2d');
    const w = c.width, h = c.height, pad = 40;
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    const all = [...this.series.values()].flat();
    ctx.strokeStyle = '#94a3b8';
    ctx.strokeRect(pad, 10, w - pad - 10, h - pad - 10);
    if (all.length === 0) {
      ctx.fillStyle = '#64748b';
      ctx.font = '12px sans-serif';
      ctx.fillText('waiting for progress events…', pad + 10, h / 2);
      return;
    }
    let [x0, x1] = [Math.min(...all.map(p => p[0])), Math.max(...all.map(p => p[0]))];
    let [y0, y1] = [Math.min(...all.map(p => p[1])), Math.max(...all.map(p => p[1]))];
    if (x1 === x0) x1 = x0 + 1;
    if (y1 === y0) { y0 -= 0.5; y1 += 0.5; }
    const sx = x => pad + (x - x0) / (x1 - x0) * (w - pad - 10);
    const sy = y => 10 + (1 - (y - y0) / (y1 - y0)) * (h - pad - 10);
    ctx.fillStyle = '#334155';
    ctx.font = '11px sans-serif';
    ctx.fillText(y1.toPrecision(3), 2, 18);
    ctx.fillText(y0.toPrecision(3), 2, h - pad);
    ctx.fillText(String(x0), pad, h - pad + 14);
    ctx.fillText(String(x1), w - 40, h - pad + 14);
    ctx.fillText('step', w / 2, h - 6);
    let i = 0;
    for (const [name, pts] of this.series) {
      const color = COLORS[i % COLORS.length];
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      pts.forEach(([x, y], k) => (k === 0 ? ctx.moveTo(sx(x), sy(y)) : ctx.lineTo(sx(x), sy(y))));
      ctx.stroke();
      if (pts.length === 1) { ctx.fillStyle = color; ctx.fillRect(sx(pts[0][0]) - 2, sy(pts[0][1]) - 2, 4, 4); }
      ctx.fillStyle = color;
      ctx.fillText(name, pad + 8 + i * 110, 24);
      i++;
    }
  }
}
