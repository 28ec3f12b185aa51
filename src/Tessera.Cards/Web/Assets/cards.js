// The Cards page: sends a photo (a chosen file, or a frame of the camera) to POST /identify as multipart and lists
// the candidates beside it; shows the catalog's state from GET /status. The session cookie authenticates; the POST
// carries the page's antiforgery token in X-CSRF-TOKEN.
(function () {
  'use strict';
  var app = document.getElementById('cards-app');
  if (!app) return;
  var form = document.getElementById('identify-form');
  var token = form.querySelector('input[name=__RequestVerificationToken]').value;
  var fileInput = document.getElementById('photo');
  var message = document.getElementById('identify-message');
  var result = document.getElementById('identify-result');
  var verdict = document.getElementById('identify-verdict');
  var list = document.getElementById('candidates');
  var photo = document.getElementById('identify-photo');
  var camera = document.getElementById('camera');
  var view = document.getElementById('camera-view');
  var stream = null;

  function say(text, isProblem) {
    message.textContent = text;
    message.className = isProblem ? 'problem' : '';
  }

  var problemText = window.tesseraProblems.text;

  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function fixed(value, digits) { return Number(value).toFixed(digits); }

  function show(answer) {
    list.replaceChildren();
    answer.candidates.forEach(function (c, i) {
      var item = element('li', 'candidate' + (i === 0 ? ' best' : ''));
      var image = element('img');
      image.src = c.image_url;
      image.alt = c.name + ' (catalog image)';
      image.loading = 'lazy';
      var text = element('div');
      text.appendChild(element('h3', null, c.name + (c.face > 0 ? ' (back face)' : '')));
      text.appendChild(element('p', null, c.set.toUpperCase() + ' #' + c.collector_number + ' · ' + c.lang));
      text.appendChild(element('p', 'muted', 'score ' + fixed(c.score, 3) + ' · similarity ' + fixed(c.similarity, 3) + ' (' + answer.metric +
        ') · ' + (c.inliers >= 0 ? c.inliers + ' matching features' : 'not checked geometrically')));
      item.appendChild(image);
      item.appendChild(text);
      list.appendChild(item);
    });
    verdict.textContent = answer.confident
      ? 'Confident: ' + answer.candidates[0].name + ' (' + fixed(answer.milliseconds, 0) + ' ms, ' + answer.model + ').'
      : 'Not confident: ' + answer.doubt;
    verdict.className = answer.confident ? 'verdict-confident' : 'verdict-doubt';
    result.hidden = false;
  }

  async function identify(blob, name) {
    photo.src = URL.createObjectURL(blob);
    var body = new FormData();
    body.append('photo', blob, name);
    say('Identifying…', false);
    var k = document.getElementById('k').value;
    var response = await fetch(app.dataset.identifyUrl + '?k=' + encodeURIComponent(k), {
      method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-TOKEN': token, 'Accept': 'application/json' }, body: body,
    });
    if (!response.ok) { result.hidden = true; say(await problemText(response, 'Identifying'), true); return; }
    say('', false);
    show(await response.json());
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var file = fileInput.files[0];
    if (!file) { say('Choose a photo first.', true); return; }
    identify(file, file.name).catch(function (e) { say('Identifying failed: ' + e.message, true); });
  });

  function stopCamera() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    camera.hidden = true;
  }

  document.getElementById('camera-start').addEventListener('click', async function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { say('This browser gives the page no camera; choose a photo instead.', true); return; }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
      view.srcObject = stream;
      camera.hidden = false;
    } catch (e) {
      say('The camera could not be opened (' + e.name + '); choose a photo instead.', true);
    }
  });
  document.getElementById('camera-stop').addEventListener('click', stopCamera);
  document.getElementById('camera-capture').addEventListener('click', function () {
    var canvas = document.createElement('canvas');
    canvas.width = view.videoWidth;
    canvas.height = view.videoHeight;
    canvas.getContext('2d').drawImage(view, 0, 0);
    canvas.toBlob(function (blob) {
      stopCamera();
      identify(blob, 'camera.jpg').catch(function (e) { say('Identifying failed: ' + e.message, true); });
    }, 'image/jpeg', 0.92);
  });

  function fact(list, term, value) {
    list.appendChild(element('dt', null, term));
    list.appendChild(element('dd', null, value));
  }

  async function status() {
    var response = await fetch(app.dataset.statusUrl, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } });
    var facts = document.getElementById('cards-status');
    if (!response.ok) { facts.replaceChildren(); fact(facts, 'Status', await problemText(response, 'Reading the status')); return; }
    var s = await response.json();
    facts.replaceChildren();
    fact(facts, 'Cards', String(s.cards));
    fact(facts, 'Images downloaded', s.downloaded + (s.failed ? ' (' + s.failed + ' failed)' : ''));
    fact(facts, 'Embedded', s.embeddings.length ? s.embeddings.map(function (e) { return e.vectors + ' with ' + e.model; }).join('; ') : 'nothing yet');
    fact(facts, 'Index', s.index
      ? s.index.vectors + ' vectors, M ' + s.index.m + ', efConstruction ' + s.index.ef_construction + ', built ' + new Date(s.index.built_at).toLocaleString() +
        (s.index.aligned ? '' : ' — the catalog changed since: run tessera cards build') + (s.index.new_since_build ? ' (+' + s.index.new_since_build + ' searched exactly)' : '')
      : 'not built yet');
  }

  status().catch(function () { /* the facts stay empty; identifying still works */ });
})();
