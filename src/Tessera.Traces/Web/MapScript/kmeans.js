// k-means (Lloyd's algorithm) on the 2-D map coordinates, for "colour by cluster": clusters of the map as drawn,
// not of the embeddings. Deterministic: the first centres are spread evenly over the points in record order.
export function kMeans(x, y, k, iterations = 12) {
  const n = x.length;
  const labels = new Uint16Array(n);
  if (n === 0 || k <= 0) return labels;
  const cx = new Float64Array(k), cy = new Float64Array(k);
  for (let c = 0; c < k; c++) { const i = Math.floor((c + 0.5) * n / k); cx[c] = x[i]; cy[c] = y[i]; }
  const sx = new Float64Array(k), sy = new Float64Array(k), count = new Uint32Array(k);
  for (let it = 0; it < iterations; it++) {
    sx.fill(0); sy.fill(0); count.fill(0);
    for (let i = 0; i < n; i++) {
      let best = 0, bestDistance = Infinity;
      for (let c = 0; c < k; c++) {
        const dx = x[i] - cx[c], dy = y[i] - cy[c], d = dx * dx + dy * dy;
        if (d < bestDistance) { bestDistance = d; best = c; }
      }
      labels[i] = best; sx[best] += x[i]; sy[best] += y[i]; count[best]++;
    }
    for (let c = 0; c < k; c++) if (count[c] > 0) { cx[c] = sx[c] / count[c]; cy[c] = sy[c] / count[c]; }
  }
  return labels;
}
