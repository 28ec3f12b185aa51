// The Traces map page: reads the binary points (layout in docs/traces-map-points.md), draws them with deck.gl's
// ScatterplotLayer (WebGL2, binary attributes) or, where more are in view than this machine draws in a frame, as a
// density image (lod.js), colours them by type, source, run or a k-means clustering of the 2-D
// map, shows the hovered record, opens the clicked one in its run, exports a box selection, highlights a search's
// nearest records, and polls the points' ETag so new runs appear without a reload. Bundled by build.mjs into
// ../Assets/map.js. deck.gl compiles no JavaScript at run time, so the page's CSP (no eval) holds.
import { Deck, OrthographicView } from '@deck.gl/core';
import { BitmapLayer, ScatterplotLayer } from '@deck.gl/layers';
import { readPoints } from './points.js';
import { kMeans } from './kmeans.js';
import { buildGrid } from './grid.js';
import { chooseDetail, DrawBudget } from './lod.js';

const PALETTE = [[78, 121, 167], [242, 142, 43], [225, 87, 89], [118, 183, 178], [89, 161, 79], [237, 201, 72], [176, 122, 161], [255, 157, 167], [156, 117, 95], [127, 127, 127]];
const CLUSTERS = 8;
const POLL_MS = 5000;
const SELECTED_RGB = [20, 20, 20];
const DETAIL_DELAY_MS = 120; // a new level of detail is chosen once the view has rested this long

const app = document.getElementById('map-app');
if (app) start(app);

function start(root) {
  const el = (id) => document.getElementById(id);
  const canvas = el('map-canvas');
  const overlay = el('map-overlay');
  const box = el('map-box');
  const token = root.querySelector('input[name=__RequestVerificationToken]').value;
  const urls = root.dataset;
  const state = {
    data: null, etag: null, frame: null, positions: null, colours: null, hovered: -1, selected: [], colour: 'type',
    clusters: null, records: new Map(), mode: 'panZoom', drawn: 0, nearest: null, radius: 4,
    detail: null, budget: new DrawBudget(), scratch: null,
  };
  const api = (window.tesseraMap = { state, firstDrawMs: null, firstDrawAt: null, ready: null });
  let fetchStarted = 0;
  let renderStartedAt = 0;
  let timingDraw = false;
  let detailTimer = 0;

  const deck = new Deck({
    canvas,
    views: new OrthographicView({ id: 'map', flipY: false }),
    initialViewState: { target: [0, 0, 0], zoom: 0 },
    controller: { doubleClickZoom: false },
    getCursor: ({ isHovering }) => (state.mode === 'box' ? 'crosshair' : isHovering ? 'pointer' : 'grab'),
    onHover: (info) => hover(pointAt(info)),
    onViewStateChange: () => { if (state.detail && !state.detail.complete) scheduleDetail(); },
    onBeforeRender: () => { renderStartedAt = performance.now(); },
    onAfterRender: () => {
      state.drawn++;
      const detail = state.detail;
      if (detail && detail.kind === 'points' && !timingDraw) {
        const startedAt = renderStartedAt;
        timingDraw = true;
        requestAnimationFrame(() => requestAnimationFrame(() => {
          timingDraw = false;
          state.budget.observe(detail.count, performance.now() - startedAt);
          if (state.detail === detail && state.budget.outgrown(detail)) scheduleDetail();
        }));
      }
      if (api.firstDrawAt === null && detail) { api.firstDrawAt = performance.now(); api.firstDrawMs = api.firstDrawAt - fetchStarted; }
    },
  });
  api.deck = deck;
  // Where a point is drawn, in CSS pixels from the canvas's top left (tests and the bench aim the mouse with it).
  api.screenPosition = (index) => deck.getViewports()[0].project([state.positions[2 * index], state.positions[2 * index + 1]]);

  // The point under the pointer: the nearest within its drawn radius plus 3 pixels (pixels per map unit = 2^zoom).
  function pointAt(info) {
    if (!state.nearest || !info.coordinate) return -1;
    const pixels = Math.pow(2, info.viewport.zoom);
    return state.nearest(info.coordinate[0], info.coordinate[1], (state.radius + 3) / pixels);
  }

  function say(text) { el('map-status').textContent = text; }

  async function load() {
    const headers = state.etag ? { 'If-None-Match': state.etag } : {};
    if (!fetchStarted) fetchStarted = performance.now();
    const response = await fetch(urls.pointsUrl, { headers, credentials: 'same-origin' });
    if (response.status === 304) return false;
    if (!response.ok) { say('The map could not be loaded: the server answered ' + response.status + '.'); return false; }
    state.etag = response.headers.get('ETag');
    const data = readPoints(await response.arrayBuffer());
    if (data.count === 0) { say('No points yet: add a source of agent runs on the sources page; the map appears as they are embedded.'); return false; }
    // The first map fixes the frame, so later points (transformed into the same map) stay where people saw them.
    const first = !state.frame;
    if (first) state.frame = frameOf(data);
    state.data = data;
    state.positions = positionsOf(data, state.frame);
    state.nearest = buildGrid(state.positions, data.count);
    state.scratch = new Uint32Array(data.count);
    state.clusters = null;
    state.colours = null;
    select([]);
    // Fitted first: the level of detail is chosen for the view people will see.
    if (first) fit();
    paint();
    return true;
  }

  function frameOf(d) {
    const span = Math.max(d.bounds.maxX - d.bounds.minX, d.bounds.maxY - d.bounds.minY) || 1;
    return { cx: (d.bounds.minX + d.bounds.maxX) / 2, cy: (d.bounds.minY + d.bounds.maxY) / 2, scale: 2 / span };
  }

  function positionsOf(d, f) {
    const xy = new Float32Array(2 * d.count);
    for (let i = 0; i < d.count; i++) { xy[2 * i] = (d.x[i] - f.cx) * f.scale; xy[2 * i + 1] = (d.y[i] - f.cy) * f.scale; }
    return xy;
  }

  // The whole map (from -1 to 1 on its longer side) fills the canvas's shorter side, with a margin.
  function fit() {
    const side = Math.min(canvas.clientWidth, canvas.clientHeight) || 600;
    deck.setProps({ initialViewState: { target: [0, 0, 0], zoom: Math.log2(side / 2.2) } });
  }

  function paint() {
    state.colours = coloursOf();
    refreshDetail();
    legend();
  }

  function scheduleDetail() {
    clearTimeout(detailTimer);
    detailTimer = setTimeout(refreshDetail, DETAIL_DELAY_MS);
  }

  // Chooses what to draw for the current view (lod.js) and draws it.
  function refreshDetail() {
    const d = state.data;
    if (!d) return;
    const viewport = deck.getViewports()[0];
    if (!viewport && d.count > state.budget.value) { scheduleDetail(); return; }
    state.detail = chooseDetail(state.positions, coloursShown(), d.count, state.budget.value, viewport, state.scratch);
    const drawn = state.detail.kind === 'points' ? state.detail.count : d.count;
    state.radius = drawn > 200000 ? 1.5 : drawn > 20000 ? 2.5 : 4;
    render();
    say(d.count.toLocaleString('en') + ' points · projection version ' + d.version + ' · coloured by ' + state.colour +
      (state.detail.kind === 'density' ? ' · too many in view to draw one by one here: shown as density, zoom in for single points' : ''));
  }

  // The colours drawn: selected points are dark where the map may show density, which has no outlines to draw.
  function coloursShown() {
    if (state.selected.length === 0 || state.data.count <= state.budget.value) return state.colours;
    const rgb = state.colours.slice();
    for (const i of state.selected) rgb.set(SELECTED_RGB, 3 * i);
    return rgb;
  }

  function render() {
    const detail = state.detail;
    if (!detail) return;
    const radius = state.radius;
    const layers = [detail.kind === 'density'
      ? new BitmapLayer({
        id: 'density',
        image: detail.image,
        bounds: [detail.area.left, detail.area.bottom, detail.area.right, detail.area.top],
        textureParameters: { minFilter: 'nearest', magFilter: 'nearest' },
      })
      : new ScatterplotLayer({
        id: 'points',
        data: { length: detail.count, attributes: {
          getPosition: { value: detail.positions, size: 2 },
          getFillColor: { value: detail.colours, size: 3, normalized: true },
        } },
        radiusUnits: 'pixels',
        getRadius: radius,
        opacity: detail.count > 200000 ? 0.6 : 0.85,
        pickable: false, // hover and click use the grid (grid.js)
      })];
    if (state.selected.length > 0 && state.selected.length <= state.budget.value) {
      const xy = new Float32Array(2 * state.selected.length);
      state.selected.forEach((i, k) => { xy[2 * k] = state.positions[2 * i]; xy[2 * k + 1] = state.positions[2 * i + 1]; });
      layers.push(new ScatterplotLayer({
        id: 'selected',
        data: { length: state.selected.length, attributes: { getPosition: { value: xy, size: 2 } } },
        radiusUnits: 'pixels', getRadius: radius + 2, filled: false, stroked: true, lineWidthUnits: 'pixels', getLineWidth: 1.5,
        getLineColor: [0, 0, 0, 255],
      }));
    }
    deck.setProps({ layers });
  }

  function coloursOf() {
    const d = state.data;
    const column = state.colour === 'cluster' ? clusters() : d[state.colour];
    const rgb = new Uint8Array(3 * d.count);
    for (let i = 0; i < d.count; i++) rgb.set(PALETTE[column[i] % PALETTE.length], 3 * i);
    return rgb;
  }

  function clusters() {
    if (!state.clusters) state.clusters = kMeans(state.data.x, state.data.y, Math.min(CLUSTERS, state.data.count));
    return state.clusters;
  }

  function legend() {
    const list = el('map-legend');
    list.replaceChildren();
    const d = state.data;
    const names = state.colour === 'type' ? d.dictionary.types
      : state.colour === 'source' ? d.dictionary.sources.map((s) => s.name)
      : state.colour === 'cluster' ? Array.from({ length: Math.min(CLUSTERS, d.count) }, (_, i) => 'cluster ' + (i + 1))
      : null;
    if (!names) {
      list.appendChild(legendItem(null, d.dictionary.runs.length + ' runs; their colours repeat every ' + PALETTE.length + '.'));
      return;
    }
    names.slice(0, 40).forEach((name, i) => list.appendChild(legendItem(PALETTE[i % PALETTE.length], name)));
    if (names.length > 40) list.appendChild(legendItem(null, (names.length - 40) + ' more'));
  }

  function legendItem(colour, text) {
    const item = document.createElement('li');
    if (colour) {
      const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      svg.setAttribute('width', '12'); svg.setAttribute('height', '12'); svg.setAttribute('aria-hidden', 'true');
      const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
      rect.setAttribute('width', '12'); rect.setAttribute('height', '12'); rect.setAttribute('fill', 'rgb(' + colour.join(',') + ')');
      svg.appendChild(rect);
      item.appendChild(svg);
    }
    item.appendChild(document.createTextNode(text));
    return item;
  }

  async function record(index) {
    const seq = state.data.seq(index);
    if (!state.records.has(seq)) {
      const response = await fetch(urls.recordUrl + seq, { credentials: 'same-origin' });
      state.records.set(seq, response.ok ? await response.json() : null);
    }
    return state.records.get(seq);
  }

  async function hover(index) {
    if (index === state.hovered) return;
    state.hovered = index;
    if (index < 0 || !state.data) return;
    const r = await record(index);
    if (state.hovered !== index) return; // the pointer moved on meanwhile
    const panel = el('map-hover');
    panel.replaceChildren();
    if (!r) { panel.textContent = 'This record is no longer there.'; return; }
    const head = document.createElement('p');
    head.textContent = r.type + ' · ' + r.source_name + ' / ' + r.file_path + ' · iteration ' + r.iteration + ', entry ' + r.idx_in_iteration;
    const text = document.createElement('pre');
    text.id = 'map-hover-text';
    text.textContent = r.text;
    panel.append(head, text);
  }

  function runUrl(index) {
    const d = state.data;
    const run = d.dictionary.runs[d.run[index]];
    const source = d.dictionary.sources[run.source];
    const seq = d.seq(index);
    return urls.runUrl + '?source=' + encodeURIComponent(source.id) + '&file=' + encodeURIComponent(run.file_path) + '&record=' + seq + '#r-' + seq;
  }

  function select(points) {
    state.selected = points;
    el('map-selection').textContent = points.length === 0 ? 'No selection.' : points.length.toLocaleString('en') + ' selected.';
    el('map-export-csv').disabled = el('map-export-jsonl').disabled = points.length === 0;
    if (!state.colours) return; // new points arrived: paint() draws them next
    if (state.data.count > state.budget.value) refreshDetail(); else render();
  }

  // Click opens the point's run. The browser's own click event, not deck.gl's: deck.gl's tap gives up on a press
  // held over 250 ms, which a loaded machine's event queue makes of a plain click. A press that moved is a pan.
  let pressedAt = null;
  canvas.addEventListener('pointerdown', (e) => { pressedAt = local(e); });
  canvas.addEventListener('click', (e) => {
    const at = local(e), from = pressedAt;
    pressedAt = null;
    if (state.mode !== 'panZoom' || !from || Math.hypot(at[0] - from[0], at[1] - from[1]) > 4) return;
    const viewport = deck.getViewports()[0];
    const index = viewport ? pointAt({ coordinate: viewport.unproject(at), viewport }) : -1;
    if (index >= 0) window.location.assign(runUrl(index));
  });

  // Box selection: drag a rectangle in "box select" mode; the points inside it (in map coordinates) are selected.
  let dragFrom = null;
  const local = (e) => { const r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  overlay.addEventListener('pointerdown', (e) => { dragFrom = local(e); overlay.setPointerCapture(e.pointerId); });
  overlay.addEventListener('pointermove', (e) => {
    if (!dragFrom) return;
    const to = local(e);
    box.setAttribute('x', String(Math.min(dragFrom[0], to[0]))); box.setAttribute('y', String(Math.min(dragFrom[1], to[1])));
    box.setAttribute('width', String(Math.abs(to[0] - dragFrom[0]))); box.setAttribute('height', String(Math.abs(to[1] - dragFrom[1])));
    box.setAttribute('visibility', 'visible');
  });
  overlay.addEventListener('pointerup', (e) => {
    if (!dragFrom) return;
    const to = local(e);
    const viewport = deck.getViewports()[0];
    const [x1, y1] = viewport.unproject(dragFrom), [x2, y2] = viewport.unproject(to);
    dragFrom = null;
    box.setAttribute('visibility', 'hidden');
    if (!state.data) return;
    const [left, right, bottom, top] = [Math.min(x1, x2), Math.max(x1, x2), Math.min(y1, y2), Math.max(y1, y2)];
    const inside = [];
    const xy = state.positions;
    for (let i = 0; i < state.data.count; i++) {
      const x = xy[2 * i], y = xy[2 * i + 1];
      if (x >= left && x <= right && y >= bottom && y <= top) inside.push(i);
    }
    select(inside);
  });
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && state.selected.length > 0) select([]); });

  async function exportSelection(format) {
    const seqs = state.selected.map((i) => state.data.seq(i));
    const response = await fetch(urls.exportUrl, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': token },
      body: JSON.stringify({ seqs, format }),
    });
    if (!response.ok) { say(await problemText(response, 'Export')); return; }
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await response.blob());
    link.download = 'traces-selection.' + format;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }

  async function search(query) {
    const response = await fetch(urls.searchUrl, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': token },
      body: JSON.stringify({ query, k: 20 }),
    });
    if (!response.ok) { say(await problemText(response, 'Search')); return; }
    const body = await response.json();
    const list = el('map-results');
    list.replaceChildren();
    const found = [];
    for (const hit of body.results) {
      const index = state.data ? state.data.indexOfSeq(hit.record.seq) : -1;
      if (index >= 0) found.push(index);
      const item = document.createElement('li');
      item.textContent = hit.record.type + ' (' + hit.distance.toFixed(3) + '): ' + hit.record.text.slice(0, 160);
      list.appendChild(item);
    }
    select(found);
    say(body.results.length + ' nearest records (' + body.embedder + '); the ' + found.length + ' on the map are circled.');
  }

  async function problemText(response, what) {
    try {
      const p = await response.json();
      if (p.code) return what + ' refused (' + p.code + '): ' + (p.detail || p.title);
    } catch { /* not a problem document */ }
    return what + ' failed: the server answered ' + response.status + '.';
  }

  el('map-colour').addEventListener('change', (e) => {
    state.colour = e.target.value;
    if (state.data) paint();
  });
  root.querySelectorAll('input[name=map-mode]').forEach((radio) => radio.addEventListener('change', (e) => {
    state.mode = e.target.value;
    overlay.classList.toggle('active', state.mode === 'box');
  }));
  el('map-export-csv').addEventListener('click', () => exportSelection('csv'));
  el('map-export-jsonl').addEventListener('click', () => exportSelection('jsonl'));
  el('map-search').addEventListener('submit', (e) => {
    e.preventDefault();
    const query = el('map-search-query').value.trim();
    if (query) search(query);
  });

  api.ready = load().catch((e) => say('The map could not be drawn: ' + e.message));
  setInterval(() => { load().catch(() => { /* the next poll tries again */ }); }, POLL_MS);
}
