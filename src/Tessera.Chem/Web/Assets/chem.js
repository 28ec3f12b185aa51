// The Chem page: lists the task registry (GET /task-registry/tasks), makes a form from the chosen task version's
// input schema (schema-form.js), runs it (POST /tasks/{name}/execute) and follows the execution (GET /executions/{id})
// every second until it ends, with the poses' scores, the artifacts' signed links and, for a run that was not served
// from the cache, why (GET /executions/{id}/cache). The choice of task and the run followed live in the address's
// fragment (#task=NAME&version=N&execution=ID), so a reload or a shared link shows the same thing. The session cookie
// authenticates; every POST carries the page's antiforgery token in X-CSRF-TOKEN.
(function () {
  'use strict';
  var app = document.getElementById('chem-app');
  if (!app) return;
  var api = app.dataset.api;
  var form = document.getElementById('task-form');
  var token = form.querySelector('input[name=__RequestVerificationToken]').value;
  var list = document.getElementById('task-list');
  var tasksMessage = document.getElementById('tasks-message');
  var panel = document.getElementById('task-panel');
  var versionSelect = document.getElementById('task-version');
  var taskMessage = document.getElementById('task-message');
  var executionPanel = document.getElementById('execution-panel');
  var facts = document.getElementById('execution-facts');
  var cacheLine = document.getElementById('execution-cache');
  var resultBox = document.getElementById('execution-result');
  var problemText = window.tesseraProblems.text;
  var tasks = [];
  var current = null;
  var schemaForm = null;

  var kit = window.tesseraChemKit;
  var element = kit.element, say = kit.say, fragment = kit.fragment, remember = kit.remember, seconds = kit.seconds, terminal = kit.terminal;
  var http = kit.client(api, token);
  var post = http.post, get = http.get;
  var follow = kit.follower();
  var upload = kit.uploader(http);

  // Newest version of each name first, as the registry lists them; the list shows one entry per name.
  async function loadTasks() {
    say(tasksMessage, 'Loading the registry…');
    var response = await get('/task-registry/tasks');
    if (!response.ok) return say(tasksMessage, await problemText(response, 'Listing the tasks'), true);
    tasks = await response.json();
    list.replaceChildren();
    var names = [];
    tasks.forEach(function (t) { if (names.indexOf(t.name) < 0) names.push(t.name); });
    names.forEach(function (name) {
      var newest = tasks.filter(function (t) { return t.name === name; }).sort(function (a, b) { return b.version - a.version; })[0];
      var item = element('li');
      var button = element('button', 'task-link', name);
      button.type = 'button';
      button.addEventListener('click', function () { choose(name, null); });
      item.appendChild(button);
      item.appendChild(element('span', 'muted', ' v' + newest.version + (newest.owner === 'system' ? ' · system' : ' · your organization') + ' — ' + newest.description));
      list.appendChild(item);
    });
    say(tasksMessage, names.length + ' task' + (names.length === 1 ? '' : 's') + ' in the registry.');
  }

  async function choose(name, version) {
    var versions = tasks.filter(function (t) { return t.name === name; }).map(function (t) { return t.version; }).sort(function (a, b) { return b - a; });
    var response = await get('/task-registry/tasks/' + encodeURIComponent(name) + (version ? '?version=' + version : ''));
    if (!response.ok) return say(taskMessage, await problemText(response, 'Loading ' + name), true);
    current = await response.json();
    document.getElementById('task-title').textContent = current.name;
    document.getElementById('task-description').textContent = current.description;
    document.getElementById('task-owner').textContent = current.owner === 'system' ? 'a system task' : "your organization's task";
    versionSelect.replaceChildren();
    (versions.length ? versions : [current.version]).forEach(function (v) {
      var o = element('option', null, 'v' + v + (v === versions[0] ? ' (newest)' : ''));
      o.value = String(v);
      o.selected = v === current.version;
      versionSelect.appendChild(o);
    });
    schemaForm = window.tesseraSchemaForm.create(document.getElementById('task-fields'), current.input_schema, { upload: upload });
    say(taskMessage, '');
    panel.hidden = false;
    var kept = fragment();
    remember({ task: current.name, version: version ? current.version : null, execution: kept.task === current.name ? kept.execution : null });
  }

  async function run(event) {
    event.preventDefault();
    if (!current) return;
    var errors = schemaForm.validate();
    if (errors.length) return say(taskMessage, 'Check the ' + (errors.length === 1 ? 'field' : errors.length + ' fields') + ' marked below.', true);
    say(taskMessage, 'Submitting…');
    var query = '?version=' + current.version + (document.getElementById('use-cache').checked ? '' : '&cache=false');
    var response = await post('/tasks/' + encodeURIComponent(current.name) + '/execute' + query, JSON.stringify(schemaForm.value()), 'application/json');
    var problem = response.status === 422 ? await response.clone().json().catch(function () { return {}; }) : {};
    if (problem.errors) {
      var left = schemaForm.showServerErrors(problem.errors || []);
      var detail = left.map(function (e) { return (e.path || '(the whole form)') + ': ' + e.message; }).join('; ');
      return say(taskMessage, 'The server refused the parameters (' + problem.code + ')' + (detail ? ': ' + detail : '; see the fields marked below.'), true);
    }
    if (!response.ok) return say(taskMessage, await problemText(response, 'Running ' + current.name), true);
    var execution = await response.json();
    say(taskMessage, execution.cached ? 'Served from the result cache.' : 'Submitted.');
    remember({ task: current.name, version: current.version, execution: execution.id });
    followExecution(execution.id, execution);
  }

  function followExecution(id, first) {
    follow(function () { return get('/executions/' + id); }, first, function (execution) {
      show(execution);
      if (terminal.indexOf(execution.state) >= 0) explainCache(execution);
    }, async function (response) { say(cacheLine, await problemText(response, 'Following the run'), true); });
  }

  function fact(name, value) {
    facts.appendChild(element('dt', null, name));
    var dd = element('dd');
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = value;
    facts.appendChild(dd);
  }

  function show(x) {
    executionPanel.hidden = false;
    facts.replaceChildren();
    var state = element('span', 'state state-' + x.state, x.state);
    fact('Task', x.task.name + ' v' + x.task.version);
    fact('State', state);
    fact('Run', x.id);
    if (x.progress && x.progress.message && terminal.indexOf(x.state) < 0) fact('Progress', x.progress.message);
    fact('Ran on', x.cached ? 'nothing: served from the cache' : x.service);
    var took = seconds(x.started_at, x.finished_at);
    if (took) fact('Took', took);
    if (x.attempts > 1) fact('Attempts', String(x.attempts));
    resultBox.replaceChildren();
    if (x.error) {
      var p = element('div', 'problem');
      p.appendChild(element('p', null, x.error.code + ': ' + x.error.message));
      resultBox.appendChild(p);
    }
    if (x.result) resultBox.appendChild(kit.result(x.result));
    if (x.artifacts.length) {
      var files = element('ul', 'artifact-links');
      x.artifacts.forEach(function (a) {
        var item = element('li');
        var link = element('a', null, a.file_name);
        link.href = a.url;
        link.setAttribute('download', a.file_name);
        item.appendChild(link);
        item.appendChild(element('span', 'muted', ' (link valid until ' + new Date(a.expires_at).toLocaleTimeString() + ')'));
        files.appendChild(item);
      });
      resultBox.appendChild(files);
    }
  }

  // The cache's own words on why this run was (or was not) served from an earlier one, with each field that differed.
  async function explainCache(x) {
    cacheLine.textContent = '';
    if (!x.cache_outcome) return;
    var response = await get('/executions/' + x.id + '/cache');
    if (!response.ok) return;
    var why = await response.json();
    var fields = (why.differences || []).map(function (d) { return d.summary; });
    say(cacheLine, 'Cache: ' + why.outcome + ' — ' + why.reason + (fields.length ? ' Differed: ' + fields.join('; ') + '.' : ''));
  }

  versionSelect.addEventListener('change', function () { if (current) choose(current.name, Number(versionSelect.value)); });
  document.getElementById('tasks-reload').addEventListener('click', function () {
    loadTasks().then(function () { if (current) choose(current.name, null); });
  });
  form.addEventListener('submit', run);

  loadTasks().then(function () {
    var kept = fragment();
    if (kept.task) choose(kept.task, kept.version ? Number(kept.version) : null);
    if (kept.execution) followExecution(kept.execution, null);
  });
})();
