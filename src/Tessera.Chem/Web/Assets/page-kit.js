// What the Chem pages share: elements, status lines, the address's fragment, API calls (the session cookie
// authenticates; every POST carries the page's antiforgery token in X-CSRF-TOKEN), a result's rendering, and following
// a resource by polling until it ends. Exposed as window.tesseraChemKit.
(function () {
  'use strict';
  var terminal = ['succeeded', 'failed', 'cancelled'];

  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function say(target, text, isProblem) {
    target.textContent = text;
    target.className = isProblem ? 'problem' : '';
  }

  function fragment() {
    var values = {};
    new URLSearchParams(window.location.hash.slice(1)).forEach(function (v, k) { values[k] = v; });
    return values;
  }

  function remember(values) {
    var params = new URLSearchParams();
    Object.keys(values).forEach(function (k) { if (values[k] !== undefined && values[k] !== null) params.set(k, values[k]); });
    // The full path: the shell's <base href="/"> would resolve a bare fragment against the site's root.
    history.replaceState(null, '', window.location.pathname + window.location.search + '#' + params.toString());
  }

  function client(api, token) {
    return {
      post: function (path, body, contentType) {
        var headers = { 'X-CSRF-TOKEN': token, 'Accept': 'application/json' };
        if (contentType) headers['Content-Type'] = contentType;
        return fetch(api + path, { method: 'POST', credentials: 'same-origin', headers: headers, body: body });
      },
      get: function (path) { return fetch(api + path, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } }); },
    };
  }

  // For schema-form.js's file inputs: a molecule file is read for its molecules (the first is used); an artifact is
  // kept as it is.
  function uploader(http) {
    return async function upload(kind, file) {
      var body = new FormData();
      body.append('file', file, file.name);
      var response = await http.post(kind === 'molecule' ? '/molecules' : '/artifacts', body);
      if (!response.ok) throw await window.tesseraProblems.text(response, 'Uploading ' + file.name);
      var answer = await response.json();
      if (kind === 'artifact') return { id: answer.id, note: file.name + ' stored (' + answer.size_bytes + ' bytes).' };
      if (!answer.molecules.length) throw file.name + ' holds no molecule that could be read' + (answer.rejected.length ? ': ' + answer.rejected[0].reason : '.');
      var first = answer.molecules[0];
      return { id: first.id, note: first.canonical_smiles + (answer.molecules.length > 1 ? ' (the first of ' + answer.molecules.length + ')' : '') };
    };
  }

  function number(v, digits) { return typeof v === 'number' ? v.toFixed(digits) : '—'; }

  // Docking results get a table of poses; any other result is shown as its JSON.
  function result(r) {
    var box = element('div', 'result');
    if (r && Array.isArray(r.poses)) {
      var summary = 'Best score ' + number(r.best_score, 2) + ' kcal/mol';
      if (r.confidence && typeof r.confidence.value === 'number') summary += ' · confidence ' + number(r.confidence.value, 2);
      box.appendChild(element('p', 'result-summary', summary));
      var table = element('table', 'poses');
      var head = element('tr');
      ['Pose', 'Score (kcal/mol)', 'RMSD l.b. (Å)', 'RMSD u.b. (Å)'].forEach(function (h) { head.appendChild(element('th', null, h)); });
      table.appendChild(element('thead')).appendChild(head);
      var body = table.appendChild(element('tbody'));
      r.poses.forEach(function (pose) {
        var row = element('tr');
        [String(pose.rank), number(pose.score, 2), number(pose.rmsd_lb, 2), number(pose.rmsd_ub, 2)].forEach(function (c) { row.appendChild(element('td', null, c)); });
        body.appendChild(row);
      });
      box.appendChild(table);
      return box;
    }
    box.appendChild(element('pre', 'result-json', JSON.stringify(r, null, 2)));
    return box;
  }

  // Polls load() every second (two after a network error) and hands each answer to show() until its state is
  // terminal; a newer follow() on the same follower stops the older one. onProblem gets a refused answer.
  function follower() {
    var ticket = 0;
    return function follow(load, first, show, onProblem) {
      var mine = ++ticket;
      var step = function (x) {
        if (mine !== ticket) return;
        show(x);
        if (terminal.indexOf(x.state) < 0) window.setTimeout(poll, 1000);
      };
      var poll = async function () {
        if (mine !== ticket) return;
        var response = await load().catch(function () { return null; });
        if (response === null) return window.setTimeout(poll, 2000);
        if (!response.ok) return onProblem(response);
        step(await response.json());
      };
      if (first) step(first); else poll();
    };
  }

  function seconds(from, to) {
    return from && to ? ((new Date(to) - new Date(from)) / 1000).toFixed(1) + ' s' : null;
  }

  window.tesseraChemKit = {
    terminal: terminal, element: element, say: say, fragment: fragment, remember: remember, client: client,
    uploader: uploader, result: result, follower: follower, seconds: seconds,
  };
})();
