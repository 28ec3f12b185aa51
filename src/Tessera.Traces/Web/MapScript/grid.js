// A uniform grid over the map's points for hover and click: the nearest point to the pointer within a few pixels,
// found on the CPU. deck.gl's GPU picking renders every point again on each pointer move, which at a million points
// in software WebGL queues seconds of work; the grid answers in microseconds.
const SIZE = 512;

export function buildGrid(xy, count) {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < count; i++) {
    const x = xy[2 * i], y = xy[2 * i + 1];
    if (x < minX) minX = x; if (x > maxX) maxX = x; if (y < minY) minY = y; if (y > maxY) maxY = y;
  }
  const w = (maxX - minX) || 1, h = (maxY - minY) || 1;
  const cellOf = new Uint32Array(count);
  const starts = new Uint32Array(SIZE * SIZE + 1);
  const col = (x) => Math.min(SIZE - 1, Math.floor((x - minX) / w * SIZE));
  const row = (y) => Math.min(SIZE - 1, Math.floor((y - minY) / h * SIZE));
  for (let i = 0; i < count; i++) { const c = row(xy[2 * i + 1]) * SIZE + col(xy[2 * i]); cellOf[i] = c; starts[c + 1]++; }
  for (let c = 0; c < SIZE * SIZE; c++) starts[c + 1] += starts[c];
  const next = starts.slice(0, SIZE * SIZE);
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[next[cellOf[i]]++] = i;

  // The point nearest to (x, y) within radius r (map units), or -1.
  return function nearest(x, y, r) {
    let best = -1, bestDistance = r * r;
    const c0 = Math.max(0, col(x - r)), c1 = Math.min(SIZE - 1, col(x + r));
    const r0 = Math.max(0, row(y - r)), r1 = Math.min(SIZE - 1, row(y + r));
    if (x + r < minX || x - r > maxX || y + r < minY || y - r > maxY) return -1;
    for (let j = r0; j <= r1; j++) {
      for (let k = c0; k <= c1; k++) {
        const c = j * SIZE + k;
        for (let p = starts[c]; p < starts[c + 1]; p++) {
          const i = order[p], dx = xy[2 * i] - x, dy = xy[2 * i + 1] - y, d = dx * dx + dy * dy;
          if (d <= bestDistance) { bestDistance = d; best = i; }
        }
      }
    }
    return best;
  };
}
