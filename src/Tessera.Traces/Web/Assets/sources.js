// The sources page: lists the organization's sources with their state (GET /sources and /health), adds one
// (POST /sources), removes one (DELETE /sources/{id}) and lists a source's skipped lines (GET /sources/{id}/problems)
// through the API. The session cookie authenticates; unsafe
// requests carry the page's antiforgery token in X-CSRF-TOKEN.
(function () {
  'use strict';
  var app = document.getElementById('sources-app');
  if (!app) return;
  var form = document.getElementById('source-form');
  var token = form.querySelector('input[name=__RequestVerificationToken]').value;
  var message = document.getElementById('sources-message');
  var body = document.querySelector('#sources-table tbody');
  var empty = document.getElementById('sources-empty');
  var problems = document.getElementById('source-problems');

  function say(text, isProblem) {
    message.textContent = text;
    message.className = isProblem ? 'problem' : '';
  }

  var problemText = window.tesseraProblems.text;

  function send(method, url, json) {
    var headers = { 'X-CSRF-TOKEN': token, 'Accept': 'application/json' };
    if (json !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(url, { method: method, credentials: 'same-origin', headers: headers, body: json === undefined ? undefined : JSON.stringify(json) });
  }

  function cell(row, text) {
    var td = document.createElement('td');
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function button(text, label, onClick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'secondary';
    b.textContent = text;
    b.setAttribute('aria-label', label);
    b.addEventListener('click', onClick);
    return b;
  }

  function stateText(s) {
    if (!s) return '';
    return (s.enabled ? 'on' : 'off') + ' · ' + s.files_processed + ' runs read, ' + s.files_incomplete + ' waiting, ' +
      s.files_failed + ' failed · ' + s.records + ' records' + (s.problems ? ', ' + s.problems + ' lines skipped' : '');
  }

  async function refresh() {
    var response = await fetch(app.dataset.sourcesUrl, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } });
    if (!response.ok) { say(await problemText(response, 'Listing sources'), true); return; }
    var listed = await response.json();
    var sources = Array.isArray(listed) ? listed : (listed.items || []);
    var states = {};
    var health = await fetch(app.dataset.healthUrl, { credentials: 'same-origin' });
    if (health.ok) {
      var pipeline = await health.json();
      pipeline.sources.forEach(function (s) { states[s.id] = s; });
      document.getElementById('pipeline-state').textContent =
        (pipeline.pipeline_running ? 'The server is watching these folders.' : 'The server is not watching folders now (started with traces:watch=false).') +
        (pipeline.batch_in_progress ? ' A batch of runs is being processed.' : '');
    }
    body.replaceChildren();
    sources.forEach(function (s) {
      var row = document.createElement('tr');
      cell(row, s.name);
      cell(row, s.path);
      cell(row, s.glob);
      cell(row, s.format);
      var state = cell(row, stateText(states[s.id]) || (s.enabled ? 'on' : 'off'));
      if (states[s.id] && states[s.id].problems) {
        state.appendChild(document.createTextNode(' '));
        state.appendChild(button('Skipped lines', 'Show the skipped lines of ' + s.name, function () { showProblems(s); }));
      }
      cell(row, '').appendChild(button('Remove', 'Remove source ' + s.name, function () { removeSource(s); }));
      body.appendChild(row);
    });
    empty.hidden = sources.length > 0;
  }

  async function showProblems(s) {
    var response = await fetch(app.dataset.sourcesUrl + '/' + encodeURIComponent(s.id) + '/problems', { credentials: 'same-origin' });
    if (!response.ok) { say(await problemText(response, 'Listing skipped lines'), true); return; }
    var files = (await response.json()).files;
    var heading = document.createElement('h2');
    heading.textContent = 'Skipped lines in “' + s.name + '”';
    var table = document.createElement('table');
    var head = table.createTHead().insertRow();
    ['File', 'Line', 'Reason'].forEach(function (name) {
      var th = document.createElement('th');
      th.scope = 'col';
      th.textContent = name;
      head.appendChild(th);
    });
    var rows = table.createTBody();
    files.forEach(function (f) {
      f.problems.forEach(function (p) {
        var row = rows.insertRow();
        cell(row, f.file_path);
        cell(row, p.line === 0 ? 'whole file' : String(p.line));
        cell(row, p.reason);
      });
    });
    problems.replaceChildren(heading, table);
    problems.hidden = false;
    heading.tabIndex = -1;
    heading.focus();
  }

  async function removeSource(s) {
    if (!window.confirm('Remove the source “' + s.name + '” and every record read from it?')) return;
    var response = await send('DELETE', app.dataset.sourcesUrl + '/' + encodeURIComponent(s.id));
    if (response.status !== 204) { say(await problemText(response, 'Removing'), true); return; }
    say('Removed “' + s.name + '”.', false);
    await refresh();
  }

  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    var value = function (name) { var v = form.elements[name].value.trim(); return v === '' ? null : v; };
    var response = await send('POST', app.dataset.sourcesUrl, {
      name: value('name'), path: value('path'), glob: value('glob'), format: value('format'),
    });
    if (response.status !== 201) { say(await problemText(response, 'Adding the source'), true); return; }
    var created = await response.json();
    say('Added “' + created.name + '”: its runs appear on the map as they are read.', false);
    form.reset();
    await refresh();
  });

  refresh().catch(function (e) { say('The sources could not be listed: ' + e.message, true); });
})();
