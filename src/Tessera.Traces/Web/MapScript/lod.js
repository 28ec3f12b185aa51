// Level of detail: what the map draws for the current view. Every point while their count is within the budget (the
// points this machine draws in a frame's time); else the points in and around the view; else, when those are still
// too many, a density image of that area (density.js). Hover, click, selection and export always use every point.
import { densityImage } from './density.js';

const AREA_MARGIN = 0.25; // the area reaches this share of the view beyond each edge, so a short pan shows no gap
const TARGET_FRAME_MS = 40;
const MIN_BUDGET = 5000;
const MAX_BUDGET = 2000000;
const DISPLAY_FRAME_MS = 1000 / 60;
const TIMED_FROM = 2000; // smaller draws are mostly fixed cost and say little about the cost per point
const DENSITY_PIXEL = 2; // screen pixels per density pixel on each side: a lone point stays visible

export function chooseDetail(xy, rgb, count, budget, viewport, scratch) {
  if (count <= budget) return { kind: 'points', count, positions: xy, colours: rgb, complete: true, budget };
  const area = areaAround(viewport);
  let n = 0;
  for (let i = 0; i < count && n <= budget; i++) {
    const x = xy[2 * i], y = xy[2 * i + 1];
    if (x >= area.left && x <= area.right && y >= area.bottom && y <= area.top) scratch[n++] = i;
  }
  if (n <= budget) {
    const positions = new Float32Array(2 * n), colours = new Uint8Array(3 * n);
    for (let k = 0; k < n; k++) {
      const i = scratch[k];
      positions[2 * k] = xy[2 * i]; positions[2 * k + 1] = xy[2 * i + 1];
      colours[3 * k] = rgb[3 * i]; colours[3 * k + 1] = rgb[3 * i + 1]; colours[3 * k + 2] = rgb[3 * i + 2];
    }
    return { kind: 'points', count: n, positions, colours, complete: false, budget };
  }
  const width = Math.max(1, Math.round(viewport.width * (1 + 2 * AREA_MARGIN) / DENSITY_PIXEL));
  const height = Math.max(1, Math.round(viewport.height * (1 + 2 * AREA_MARGIN) / DENSITY_PIXEL));
  return { kind: 'density', count: 0, area, image: densityImage(xy, rgb, count, area, width, height), complete: false, budget };
}

function areaAround(viewport) {
  const [x0, y0] = viewport.unproject([0, 0]), [x1, y1] = viewport.unproject([viewport.width, viewport.height]);
  const left = Math.min(x0, x1), right = Math.max(x0, x1), bottom = Math.min(y0, y1), top = Math.max(y0, y1);
  const mx = (right - left) * AREA_MARGIN, my = (top - bottom) * AREA_MARGIN;
  return { left: left - mx, right: right + mx, bottom: bottom - my, top: top + my };
}

// Learns what a point costs to draw on this machine from timed draws (a GPU: next to nothing; WebGL in software:
// microseconds) and keeps the budget at what fits in a frame. A draw is timed from its start to the second animation
// frame after it, which a slow draw holds back (gl.finish() is no measure: browsers return from it before the
// drawing is done); two frames of that wait are the display's, not the draw's. Small draws are mostly fixed cost, so
// the budget grows only to twice the most points a draw has shown it can take in time; slow draws lower it at once.
export class DrawBudget {
  value = 200000;
  costPerPoint = null;
  provenPoints = 0;

  observe(points, ms) {
    if (points < TIMED_FROM) return;
    const drawMs = Math.max(0, ms - 2 * DISPLAY_FRAME_MS);
    if (drawMs <= TARGET_FRAME_MS) this.provenPoints = Math.max(this.provenPoints, points);
    const cost = drawMs / points;
    this.costPerPoint = this.costPerPoint === null ? cost : 0.7 * this.costPerPoint + 0.3 * cost;
    const fits = Math.floor(TARGET_FRAME_MS / this.costPerPoint);
    this.value = Math.max(MIN_BUDGET, Math.min(MAX_BUDGET, fits, Math.max(this.value, 2 * this.provenPoints)));
  }

  // Whether the detail drawn now should be chosen again: it costs more than a frame, or far more would fit now.
  outgrown(detail) {
    return detail.count > this.value || (!detail.complete && this.value >= 1.5 * detail.budget);
  }
}
