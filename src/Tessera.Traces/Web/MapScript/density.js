// A density image of the points inside a rectangle of the map (a pixel spans a few screen pixels): each pixel takes
// the mean colour of the points that fall in it, and its opacity grows with the log of their count. One image costs
// the same to draw at any number of points, which is what keeps a million points smooth where WebGL runs in
// software; the map draws points again once few enough are in view (lod.js).
const FAINTEST = 0.6; // the opacity of a pixel with one point: sparse areas stay visible

// area: { left, right, bottom, top } in map units; width and height in image pixels. Row 0 of the image is the top edge.
export function densityImage(xy, rgb, count, area, width, height) {
  const pixelCount = width * height;
  const hits = new Uint32Array(pixelCount);
  const sums = new Uint32Array(3 * pixelCount);
  const sx = width / (area.right - area.left), sy = height / (area.top - area.bottom);
  for (let i = 0; i < count; i++) {
    const px = Math.floor((xy[2 * i] - area.left) * sx);
    const py = Math.floor((area.top - xy[2 * i + 1]) * sy);
    if (px < 0 || px >= width || py < 0 || py >= height) continue;
    const p = py * width + px;
    hits[p]++;
    sums[3 * p] += rgb[3 * i]; sums[3 * p + 1] += rgb[3 * i + 1]; sums[3 * p + 2] += rgb[3 * i + 2];
  }
  let most = 0;
  for (let p = 0; p < pixelCount; p++) if (hits[p] > most) most = hits[p];
  const scale = (1 - FAINTEST) / Math.log1p(Math.max(most, 1));
  const pixels = new Uint8ClampedArray(4 * pixelCount);
  for (let p = 0; p < pixelCount; p++) {
    const n = hits[p];
    if (n === 0) continue;
    pixels[4 * p] = sums[3 * p] / n; pixels[4 * p + 1] = sums[3 * p + 1] / n; pixels[4 * p + 2] = sums[3 * p + 2] / n;
    pixels[4 * p + 3] = 255 * (FAINTEST + scale * Math.log1p(n));
  }
  return new ImageData(pixels, width, height);
}
