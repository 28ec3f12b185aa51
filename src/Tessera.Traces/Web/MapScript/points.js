// Reads the binary body of GET /api/v1/traces/map/points (layout 1; docs/traces-map-points.md) into typed-array
// views over the same buffer, without copying the columns.
const MAGIC = 'TRPT';

export function readPoints(buffer) {
  const view = new DataView(buffer);
  const magic = String.fromCharCode(view.getUint8(0), view.getUint8(1), view.getUint8(2), view.getUint8(3));
  if (magic !== MAGIC || view.getUint16(4, true) !== 1) throw new Error('not a Traces points body of layout 1');
  const header = view.getUint16(6, true);
  const count = view.getUint32(8, true);
  const seqBase = view.getFloat64(32, true);
  const dictionaryBytes = view.getUint32(40, true);
  const at = (k) => header + k * count;
  const seqOffsets = new Uint32Array(buffer, at(16), count);
  const dictionary = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, at(20), dictionaryBytes)));
  return {
    count,
    version: view.getInt32(12, true),
    bounds: { minX: view.getFloat32(16, true), maxX: view.getFloat32(20, true), minY: view.getFloat32(24, true), maxY: view.getFloat32(28, true) },
    x: new Float32Array(buffer, at(0), count),
    y: new Float32Array(buffer, at(4), count),
    type: new Uint16Array(buffer, at(8), count),
    source: new Uint16Array(buffer, at(10), count),
    run: new Uint32Array(buffer, at(12), count),
    dictionary,
    seq: (i) => seqBase + seqOffsets[i],
    // Seqs ascend, so a binary search finds a record's point.
    indexOfSeq(seq) {
      const target = seq - seqBase;
      let lo = 0, hi = count - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if (seqOffsets[mid] === target) return mid;
        if (seqOffsets[mid] < target) lo = mid + 1; else hi = mid - 1;
      }
      return -1;
    },
  };
}
