// The Chem pipelines page: lists the organization's templates (GET /pipeline-templates); the builder composes one from
// the registry's tasks, each parameter fixed, left to the task's default, given when the pipeline runs ($inputs.NAME)
// or taken from another step's result ($steps.ID.result.PATH, with the producing task's output fields offered), and
// sends it whole to POST /pipeline-templates, which checks it and answers 422 with each problem's path; those are shown
// on the step and parameter they name. A chosen template runs from a form made from its inputs' schema
// (POST /pipeline-templates/{id}/instantiate) and the instance is followed every second until it ends, step by step,
// with a rerun that the result cache serves. The template and the run followed live in the address's fragment
// (#template=ID&instance=ID).
(function () {
  'use strict';
  var app = document.getElementById('pipelines-app');
  if (!app) return;
  var kit = window.tesseraChemKit;
  var element = kit.element, say = kit.say, terminal = kit.terminal;
  var http = kit.client(app.dataset.api, app.querySelector('input[name=__RequestVerificationToken]').value);
  var problemText = window.tesseraProblems.text;
  var follow = kit.follower();
  var byId = function (id) { return document.getElementById(id); };
  var tasks = [];
  var templates = [];
  var chosen = null;
  var inputsForm = null;
  var instanceId = null;
  // The builder's steps: { id, task, version (null: the newest), params: { NAME: { mode, text } } }, mode being
  // 'default', 'fixed', 'input' or a step id (text is then the path after "result").
  var steps = [];

  function newest(name) {
    return tasks.filter(function (t) { return t.name === name; }).sort(function (a, b) { return b.version - a.version; })[0];
  }

  function taskOf(step) {
    return step.version ? tasks.filter(function (t) { return t.name === step.task && t.version === step.version; })[0] : newest(step.task);
  }

  function remember() { kit.remember({ template: chosen && chosen.id, instance: instanceId }); }

  async function loadTasks() {
    var response = await http.get('/task-registry/tasks');
    if (!response.ok) return say(byId('builder-message'), await problemText(response, 'Listing the tasks'), true);
    tasks = await response.json();
    var select = byId('builder-task');
    select.replaceChildren();
    tasks.map(function (t) { return t.name; }).filter(function (n, i, all) { return all.indexOf(n) === i; }).forEach(function (name) {
      var o = element('option', null, name + ' — ' + newest(name).description);
      o.value = name;
      select.appendChild(o);
    });
  }

  async function loadTemplates() {
    var message = byId('templates-message');
    say(message, 'Loading…');
    var response = await http.get('/pipeline-templates');
    if (!response.ok) return say(message, await problemText(response, 'Listing the templates'), true);
    templates = await response.json();
    var list = byId('template-list');
    list.replaceChildren();
    templates.forEach(function (t) {
      var item = element('li');
      var button = element('button', 'task-link', t.name + ' v' + t.version);
      button.type = 'button';
      button.addEventListener('click', function () { choose(t.id); });
      item.appendChild(button);
      item.appendChild(element('span', 'muted', ' — ' + t.steps.map(function (s) { return s.id; }).join(' → ') + (t.description ? ' · ' + t.description : '')));
      list.appendChild(item);
    });
    say(message, templates.length ? templates.length + ' template' + (templates.length === 1 ? '' : 's') + '.' : 'No template yet: build one.');
  }

  // ---- The builder ----

  function addStep(name) {
    var task = newest(name);
    if (!task) return;
    var id = name.split('.').pop().replace(/[^a-z0-9_-]/g, '');
    var taken = steps.map(function (s) { return s.id; });
    var unique = id;
    for (var n = 2; taken.indexOf(unique) >= 0; n++) unique = id + n;
    var params = {};
    var required = task.input_schema.required || [];
    Object.keys(task.input_schema.properties || {}).forEach(function (p) {
      params[p] = required.indexOf(p) >= 0 ? { mode: 'input', text: p } : { mode: 'default', text: '' };
    });
    steps.push({ id: unique, task: name, version: null, params: params });
    renderSteps();
  }

  function sourceSelect(step, name, setting) {
    var select = element('select');
    select.setAttribute('aria-label', 'Source of ' + step.id + '.' + name);
    var options = [['default', "the task's default"], ['fixed', 'a fixed value'], ['input', 'an input of the pipeline']];
    steps.forEach(function (other) { if (other !== step) options.push([other.id, 'the result of step ' + other.id]); });
    options.forEach(function (o) {
      var option = element('option', null, o[1]);
      option.value = o[0];
      option.selected = o[0] === setting.mode;
      select.appendChild(option);
    });
    return select;
  }

  // Output fields of the producing step's task, as paths after "result" (".smiles", ".poses", ".confidence.value").
  function outputPaths(producer) {
    var paths = [];
    var walk = function (schema, prefix, depth) {
      if (!schema || !schema.properties || depth > 2) return;
      Object.keys(schema.properties).forEach(function (p) {
        paths.push(prefix + '.' + p);
        walk(schema.properties[p], prefix + '.' + p, depth + 1);
      });
    };
    var task = producer && taskOf(producer);
    walk(task && task.output_schema, '', 0);
    return paths;
  }

  function renderSteps() {
    var list = byId('builder-steps');
    list.replaceChildren();
    steps.forEach(function (step, index) {
      var task = taskOf(step);
      var card = element('li', 'builder-step');
      card.dataset.index = String(index);
      var head = element('div', 'builder-step-head');
      var idInput = element('input');
      idInput.type = 'text';
      idInput.value = step.id;
      idInput.className = 'step-id';
      idInput.setAttribute('aria-label', 'Step id');
      idInput.addEventListener('change', function () {
        var old = step.id;
        step.id = idInput.value.trim();
        steps.forEach(function (s) { Object.keys(s.params).forEach(function (p) { if (s.params[p].mode === old) s.params[p].mode = step.id; }); });
        renderSteps();
      });
      head.appendChild(idInput);
      head.appendChild(element('span', null, ' runs ' + step.task + ' '));
      var version = element('select');
      version.setAttribute('aria-label', 'Version of ' + step.task);
      var newestOption = element('option', null, 'newest (v' + newest(step.task).version + ')');
      newestOption.value = '';
      version.appendChild(newestOption);
      tasks.filter(function (t) { return t.name === step.task; }).forEach(function (t) {
        var o = element('option', null, 'v' + t.version);
        o.value = String(t.version);
        o.selected = step.version === t.version;
        version.appendChild(o);
      });
      version.addEventListener('change', function () { step.version = version.value ? Number(version.value) : null; renderSteps(); });
      head.appendChild(version);
      [['↑', -1, 'Move up'], ['↓', 1, 'Move down']].forEach(function (b) {
        var button = element('button', 'secondary small', b[0]);
        button.type = 'button';
        button.title = b[2];
        button.disabled = index + b[1] < 0 || index + b[1] >= steps.length;
        button.addEventListener('click', function () { steps.splice(index + b[1], 0, steps.splice(index, 1)[0]); renderSteps(); });
        head.appendChild(button);
      });
      var remove = element('button', 'secondary small', 'Remove');
      remove.type = 'button';
      remove.addEventListener('click', function () {
        steps.splice(index, 1);
        steps.forEach(function (s) { Object.keys(s.params).forEach(function (p) { if (s.params[p].mode === step.id) s.params[p] = { mode: 'default', text: '' }; }); });
        renderSteps();
      });
      head.appendChild(remove);
      card.appendChild(head);
      card.appendChild(element('p', 'sf-error step-error'));
      var schema = (task && task.input_schema) || {};
      var required = schema.required || [];
      Object.keys(schema.properties || {}).forEach(function (name) {
        var property = schema.properties[name];
        if (!step.params[name]) step.params[name] = { mode: 'default', text: '' };
        var setting = step.params[name];
        var row = element('div', 'sf-field builder-param');
        row.dataset.param = name;
        var label = element('label', null, name.replace(/_/g, ' '));
        if (required.indexOf(name) >= 0) label.appendChild(element('span', 'sf-required', ' *'));
        row.appendChild(label);
        var controls = element('div', 'builder-source');
        var source = sourceSelect(step, name, setting);
        var text = element('input');
        text.type = 'text';
        text.value = setting.text;
        text.setAttribute('aria-label', 'Value of ' + step.id + '.' + name);
        var hint = function () {
          text.hidden = setting.mode === 'default';
          text.placeholder = setting.mode === 'fixed' ? (property.type === 'string' ? 'text' : 'JSON, e.g. ' + JSON.stringify(property.default !== undefined ? property.default : 1))
            : setting.mode === 'input' ? 'input name' : 'path in the result, e.g. .smiles';
          var paths = setting.mode !== 'default' && setting.mode !== 'fixed' && setting.mode !== 'input'
            ? outputPaths(steps.filter(function (s) { return s.id === setting.mode; })[0]) : [];
          var listId = 'paths-' + index + '-' + name;
          var datalist = byId(listId) || element('datalist');
          datalist.id = listId;
          datalist.replaceChildren();
          paths.forEach(function (p) { var o = element('option'); o.value = p; datalist.appendChild(o); });
          if (!datalist.parentNode) controls.appendChild(datalist);
          text.setAttribute('list', listId);
        };
        source.addEventListener('change', function () {
          setting.mode = source.value;
          setting.text = setting.mode === 'input' ? name : setting.mode === 'fixed' && property.default !== undefined ? String(typeof property.default === 'string' ? property.default : JSON.stringify(property.default)) : '';
          text.value = setting.text;
          hint();
        });
        text.addEventListener('input', function () { setting.text = text.value; });
        controls.appendChild(source);
        controls.appendChild(text);
        hint();
        row.appendChild(controls);
        if (property.description) row.appendChild(element('span', 'sf-help', property.description));
        row.appendChild(element('span', 'sf-error'));
        card.appendChild(row);
      });
      list.appendChild(card);
    });
  }

  function fixedValue(property, text) {
    if (property && property.type === 'string') return text;
    try { return JSON.parse(text); } catch (e) { return text; }
  }

  function request() {
    return {
      name: byId('builder-name').value.trim(),
      description: byId('builder-description').value.trim(),
      steps: steps.map(function (step) {
        var schema = (taskOf(step) || {}).input_schema || {};
        var parameters = {};
        var bind = {};
        Object.keys(step.params).forEach(function (name) {
          var s = step.params[name];
          if (s.mode === 'fixed') parameters[name] = fixedValue((schema.properties || {})[name], s.text);
          else if (s.mode === 'input') bind[name] = '$inputs.' + s.text.trim();
          else if (s.mode !== 'default') bind[name] = '$steps.' + s.mode + '.result' + s.text.trim();
        });
        var out = { id: step.id, task: step.task, parameters: parameters, bind: bind };
        if (step.version) out.version = step.version;
        return out;
      }),
    };
  }

  // The server's errors name paths in the template (/steps/1/bind/ligand): each goes to its parameter's row, or its
  // step, or the message under the builder.
  function showErrors(errors) {
    document.querySelectorAll('#builder-steps .sf-error').forEach(function (e) { e.textContent = ''; });
    var unplaced = [];
    errors.forEach(function (e) {
      var m = /^\/steps\/(\d+)(?:\/(?:bind|parameters)\/([^/]+))?/.exec(e.instance_path || '');
      var card = m && document.querySelector('#builder-steps li[data-index="' + m[1] + '"]');
      var row = card && m[2] && card.querySelector('.builder-param[data-param="' + m[2] + '"] .sf-error');
      var target = row || (card && card.querySelector('.step-error'));
      if (target) target.textContent = (target.textContent ? target.textContent + ' ' : '') + e.message;
      else unplaced.push((e.instance_path || '(the template)') + ': ' + e.message);
    });
    return unplaced;
  }

  async function save() {
    var message = byId('builder-message');
    if (!steps.length) return say(message, 'Add a step first.', true);
    say(message, 'Checking…');
    var response = await http.post('/pipeline-templates', JSON.stringify(request()), 'application/json');
    var problem = response.status === 422 ? await response.clone().json().catch(function () { return {}; }) : {};
    if (problem.errors) {
      var left = showErrors(problem.errors);
      return say(message, 'The server refused the template (' + problem.code + '): ' + problem.errors.length + ' problem' +
        (problem.errors.length === 1 ? '' : 's') + (left.length ? ' — ' + left.join('; ') : ', marked on the steps above.'), true);
    }
    if (!response.ok) return say(message, await problemText(response, 'Saving the template'), true);
    showErrors([]);
    var saved = await response.json();
    say(message, 'Saved ' + saved.name + ' v' + saved.version + '.');
    await loadTemplates();
    choose(saved.id);
  }

  // Loads a saved template into the builder, to save as its next version.
  function edit(template) {
    byId('builder-name').value = template.name;
    byId('builder-description').value = template.description;
    steps = template.steps.map(function (s) {
      var params = {};
      Object.keys(s.parameters || {}).forEach(function (p) {
        var v = s.parameters[p];
        params[p] = { mode: 'fixed', text: typeof v === 'string' ? v : JSON.stringify(v) };
      });
      Object.keys(s.bind || {}).forEach(function (p) {
        var input = /^\$inputs\.(.+)$/.exec(s.bind[p]);
        var from = /^\$steps\.([^.]+)\.result(.*)$/.exec(s.bind[p]);
        params[p] = input ? { mode: 'input', text: input[1] } : from ? { mode: from[1], text: from[2] } : { mode: 'default', text: '' };
      });
      return { id: s.id, task: s.task.name, version: s.task.version === newest(s.task.name).version ? null : s.task.version, params: params };
    });
    byId('builder-panel').hidden = false;
    say(byId('builder-message'), '');
    renderSteps();
    byId('builder-panel').scrollIntoView();
  }

  // ---- Running a template ----

  async function choose(id) {
    var response = await http.get('/pipeline-templates/' + id);
    if (!response.ok) return say(byId('templates-message'), await problemText(response, 'Loading the template'), true);
    chosen = await response.json();
    byId('template-title').textContent = chosen.name + ' v' + chosen.version;
    byId('template-description').textContent = chosen.description;
    var list = byId('template-steps');
    list.replaceChildren();
    chosen.steps.forEach(function (s) {
      var bound = Object.keys(s.bind).map(function (p) { return p + ' ← ' + s.bind[p]; });
      list.appendChild(element('li', null, s.id + ': ' + s.task.name + ' v' + s.task.version +
        (s.needs.length ? ', after ' + s.needs.join(', ') : '') + (bound.length ? ' (' + bound.join('; ') + ')' : '')));
    });
    inputsForm = window.tesseraSchemaForm.create(byId('template-fields'), chosen.inputs, { upload: kit.uploader(http) });
    say(byId('template-message'), '');
    byId('template-panel').hidden = false;
    remember();
    await loadRuns();
  }

  /** The chosen template's ten newest runs; a click follows one. */
  async function loadRuns() {
    var list = byId('template-runs');
    var response = await http.get('/pipeline-instances?limit=10&template_id=' + chosen.id);
    if (!response.ok) return say(byId('template-message'), await problemText(response, 'Loading the earlier runs'), true);
    var runs = await response.json();
    list.replaceChildren();
    if (!runs.length) list.appendChild(element('li', 'muted', 'None yet.'));
    runs.forEach(function (x) {
      var item = element('li');
      var button = element('button', 'task-link', new Date(x.created_at).toLocaleString());
      button.type = 'button';
      button.addEventListener('click', function () { followInstance(x.id, x); });
      item.appendChild(button);
      item.appendChild(document.createTextNode(' '));
      item.appendChild(element('span', 'state state-' + x.state, x.state));
      item.appendChild(element('span', 'muted', ' — ' + x.cached_steps + ' of ' + x.steps.length + ' steps from the cache' + (x.rerun_of ? ', a rerun' : '')));
      list.appendChild(item);
    });
  }

  async function run(event) {
    event.preventDefault();
    if (!chosen) return;
    var message = byId('template-message');
    var errors = inputsForm.validate();
    if (errors.length) return say(message, 'Check the ' + (errors.length === 1 ? 'field' : errors.length + ' fields') + ' marked below.', true);
    say(message, 'Starting…');
    var response = await http.post('/pipeline-templates/' + chosen.id + '/instantiate', JSON.stringify({ parameters: inputsForm.value() }), 'application/json');
    var problem = response.status === 422 ? await response.clone().json().catch(function () { return {}; }) : {};
    if (problem.errors) {
      var left = inputsForm.showServerErrors(problem.errors.filter(function (e) { return !/^\/steps\//.test(e.instance_path); }));
      var steps = problem.errors.filter(function (e) { return /^\/steps\//.test(e.instance_path); }).map(function (e) { return e.instance_path + ': ' + e.message; });
      return say(message, 'The server refused the inputs (' + problem.code + ')' + (left.concat(steps).length
        ? ': ' + left.map(function (e) { return (e.path || '(the inputs)') + ': ' + e.message; }).concat(steps).join('; ') : '; see the fields marked below.'), true);
    }
    if (!response.ok) return say(message, await problemText(response, 'Running ' + chosen.name), true);
    var instance = await response.json();
    say(message, 'Started.');
    followInstance(instance.id, instance);
    await loadRuns();
  }

  function followInstance(id, first) {
    instanceId = id;
    remember();
    follow(function () { return http.get('/pipeline-instances/' + id); }, first, showInstance,
      async function (response) { say(byId('instance-results'), await problemText(response, 'Following the run'), true); });
  }

  function showInstance(x) {
    byId('instance-panel').hidden = false;
    var facts = byId('instance-facts');
    facts.replaceChildren();
    var fact = function (name, value) {
      facts.appendChild(element('dt', null, name));
      var dd = facts.appendChild(element('dd'));
      if (value instanceof Node) dd.appendChild(value); else dd.textContent = value;
    };
    fact('Template', x.template.name + ' v' + x.template.version);
    fact('State', element('span', 'state state-' + x.state, x.state));
    fact('Run', x.id + (x.rerun_of ? ' (a rerun of ' + x.rerun_of + ')' : ''));
    fact('From the cache', x.cached_steps + ' of ' + x.steps.length + ' steps');
    var took = kit.seconds(x.created_at, x.finished_at);
    if (took) fact('Took', took);
    var table = byId('instance-steps');
    table.replaceChildren();
    var head = element('tr');
    ['Step', 'Task', 'State', 'Cache', 'Time', 'Note'].forEach(function (h) { head.appendChild(element('th', null, h)); });
    table.appendChild(element('thead')).appendChild(head);
    var body = table.appendChild(element('tbody'));
    x.steps.forEach(function (s) {
      var row = element('tr');
      row.dataset.step = s.id;
      var note = s.error ? s.error.code + ': ' + s.error.message : s.reason || (s.progress && s.progress.message) || '';
      [s.id, s.task.name + ' v' + s.task.version, null, s.cached ? 'served' : s.cache_outcome || '', kit.seconds(s.started_at, s.finished_at) || '', note].forEach(function (c, i) {
        var cell = row.appendChild(element('td'));
        if (i === 2) cell.appendChild(element('span', 'state state-' + s.state, s.state)); else cell.textContent = c;
      });
      body.appendChild(row);
    });
    var results = byId('instance-results');
    results.replaceChildren();
    x.steps.filter(function (s) { return s.result; }).forEach(function (s) {
      var details = element('details', 'step-result');
      details.open = s === x.steps[x.steps.length - 1];
      details.appendChild(element('summary', null, 'Result of ' + s.id));
      details.appendChild(kit.result(s.result));
      results.appendChild(details);
    });
    byId('instance-rerun').hidden = terminal.indexOf(x.state) < 0;
  }

  async function rerun() {
    var response = await http.post('/pipeline-instances/' + instanceId + '/rerun');
    if (!response.ok) return say(byId('instance-results'), await problemText(response, 'Running again'), true);
    var instance = await response.json();
    followInstance(instance.id, instance);
    if (chosen) await loadRuns();
  }

  byId('templates-reload').addEventListener('click', function () { loadTasks().then(loadTemplates); });
  byId('builder-new').addEventListener('click', function () {
    steps = [];
    byId('builder-name').value = '';
    byId('builder-description').value = '';
    byId('builder-panel').hidden = false;
    say(byId('builder-message'), '');
    renderSteps();
  });
  byId('builder-add').addEventListener('click', function () { addStep(byId('builder-task').value); });
  byId('builder-save').addEventListener('click', save);
  byId('template-form').addEventListener('submit', run);
  byId('template-edit').addEventListener('click', function () { if (chosen) edit(chosen); });
  byId('instance-rerun').addEventListener('click', rerun);

  Promise.all([loadTasks(), loadTemplates()]).then(function () {
    var kept = kit.fragment();
    if (kept.template) choose(kept.template);
    if (kept.instance) followInstance(kept.instance, null);
  });
})();
