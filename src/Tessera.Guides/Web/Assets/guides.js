// The Guides page: upload a recording and follow its job, edit the drafted steps (text, order, screenshot; undo) and
// save them as a new version with base_version (a conflict says so), then export and download. The session cookie
// authenticates; every request that changes something carries the page's antiforgery token in X-CSRF-TOKEN. The job
// followed is kept in the address's fragment (#job=…), so a reload comes back to it.
(function () {
  'use strict';
  var app = document.getElementById('guides-app');
  if (!app) return;
  var api = app.dataset.api;
  var token = app.querySelector('input[name=__RequestVerificationToken]').value;
  var openStatuses = ['CREATED', 'UPLOADED', 'QUEUED', 'PROCESSING', 'TRANSCRIBED'];
  var state = { job: null, instructionId: null, base: 0, steps: [], frames: [], history: [], following: 0 };

  function $(id) { return document.getElementById(id); }

  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function say(id, text, isProblem) {
    $(id).textContent = text;
    $(id).className = isProblem ? 'problem' : '';
  }

  function send(method, path, body, contentType) {
    var headers = { 'Accept': 'application/json' };
    if (method !== 'GET') headers['X-CSRF-TOKEN'] = token;
    if (contentType) headers['Content-Type'] = contentType;
    return fetch(path.charAt(0) === '/' && path.indexOf('/api/') === 0 ? path : api + path,
      { method: method, credentials: 'same-origin', headers: headers, body: body });
  }

  async function json(response, what) {
    if (!response.ok) throw new Error(await window.tesseraProblems.text(response, what));
    return response.json();
  }

  function postJson(path, value, what) { return send('POST', path, JSON.stringify(value), 'application/json').then(function (r) { return json(r, what); }); }

  function delay(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  // Upload: a project by that name (made when missing), a job, the video's bytes, confirm, run; then follow it.
  $('new-form').addEventListener('submit', async function (event) {
    event.preventDefault();
    var file = $('new-video').files[0];
    if (!file) { say('new-message', 'Choose a recording first.', true); return; }
    var name = $('new-project').value.trim() || 'Guides';
    try {
      say('new-message', 'Uploading ' + file.name + ' (' + (file.size / 1048576).toFixed(1) + ' MB)…');
      var projects = await json(await send('GET', '/projects'), 'Listing your projects');
      var project = projects.find(function (p) { return p.name === name; }) || await postJson('/projects', { name: name }, 'Creating the project');
      var job = await json(await send('POST', '/projects/' + project.id + '/jobs'), 'Creating the job');
      var upload = await json(await send('POST', '/uploads', file, 'application/octet-stream'), 'Uploading the recording');
      await postJson('/jobs/' + job.id + '/confirm-upload', { video_uri: upload.video_uri }, 'Confirming the upload');
      await json(await send('POST', '/jobs/' + job.id + '/run'), 'Starting the job');
      say('new-message', 'Uploaded; the job runs.');
      open(job.id);
    } catch (e) {
      say('new-message', e.message, true);
    }
  });

  function open(jobId) {
    history.replaceState(null, '', window.location.pathname + window.location.search + '#job=' + encodeURIComponent(jobId));
    $('editor-panel').hidden = true;
    $('export-panel').hidden = true;
    follow(jobId, ++state.following);
  }

  // Polls the job (and its processing job's progress) until it is drafted or has ended.
  async function follow(jobId, ticket) {
    while (ticket === state.following) {
      var job;
      try {
        job = await json(await send('GET', '/jobs/' + jobId), 'Reading the job');
      } catch (e) {
        $('job-panel').hidden = false;
        say('job-message', e.message, true);
        return;
      }
      state.job = job;
      var progress = null;
      if (openStatuses.indexOf(job.status) >= 0 && job.engine_job_id) {
        try { progress = (await json(await send('GET', '/api/v1/jobs/' + job.engine_job_id), 'Reading progress')).progress; } catch (e) { progress = null; }
      }
      showJob(job, progress);
      if (openStatuses.indexOf(job.status) < 0) {
        if (job.status === 'DRAFTED' || job.status === 'DONE') await loadSteps();
        return;
      }
      await delay(1000);
    }
  }

  function showJob(job, progress) {
    $('job-panel').hidden = false;
    var facts = $('job-facts');
    facts.replaceChildren();
    var artifacts = job.artifacts || {};
    var rows = [['Job', job.id], ['Status', job.status]];
    if (progress && progress.message) rows.push(['Now', progress.message + (progress.total ? ' (' + progress.done + '/' + progress.total + ')' : '')]);
    if (artifacts.duration_seconds !== undefined) rows.push(['Video', artifacts.duration_seconds.toFixed(1) + ' s, ' + (artifacts.frames || []).length + ' screen(s)']);
    rows.forEach(function (row) { facts.append(element('dt', null, row[0]), element('dd', null, row[1])); });
    if (job.failure) say('job-message', 'Failed (' + job.failure.code + '): ' + job.failure.message, true);
    else if (job.status === 'CANCELLED') say('job-message', 'Cancelled.', true);
    else say('job-message', openStatuses.indexOf(job.status) >= 0 ? 'Working…' : '');
    state.frames = (artifacts.frames || []).map(function (f) { return { sha256: f.sha256, time: f.time_seconds, text: f.text || '' }; });
  }

  async function loadSteps() {
    try {
      var instructions = await json(await send('GET', '/jobs/' + state.job.id + '/instructions'), 'Reading the steps');
      state.instructionId = instructions.id;
      state.base = instructions.version;
      state.steps = instructions.blocks.map(function (b) { return { id: b.id, text: b.text, frame: b.frame_sha256 }; });
      state.history = [];
      showVersion(instructions);
      say('editor-message', '');
      render();
      $('editor-panel').hidden = false;
      $('export-panel').hidden = false;
    } catch (e) {
      say('job-message', e.message, true);
    }
  }

  function showVersion(instructions) {
    var text = 'Version ' + instructions.version + ' (' + (instructions.source === 'writer' ? 'drafted from the narration' : 'edited') + '), ' +
      (instructions.validation_status === 'valid' ? 'valid' : 'needs review: ' + instructions.validation_issues.join(' '));
    $('editor-version').textContent = text;
  }

  // Every edit goes through here, so Undo can put the steps back as they were before it.
  function change(edit) {
    state.history.push(JSON.stringify(state.steps));
    edit();
    render();
  }

  $('editor-undo').addEventListener('click', function () {
    if (state.history.length === 0) return;
    state.steps = JSON.parse(state.history.pop());
    render();
  });

  $('editor-add').addEventListener('click', function () { change(function () { state.steps.push({ id: null, text: '', frame: null }); }); });

  function frameLabel(frame) {
    var words = frame.text ? ' — ' + (frame.text.length > 40 ? frame.text.slice(0, 40) + '…' : frame.text) : '';
    return 'screen at ' + frame.time.toFixed(1) + ' s' + words;
  }

  function render() {
    var list = $('editor-steps');
    list.replaceChildren();
    state.steps.forEach(function (step, i) {
      var item = element('li', 'editor-step');
      var text = element('textarea');
      text.value = step.text;
      text.setAttribute('aria-label', 'Step ' + (i + 1) + ' text');
      text.addEventListener('change', function () { var value = text.value; change(function () { step.text = value; }); });
      var shot = step.frame
        ? Object.assign(element('img'), { src: api + '/jobs/' + state.job.id + '/frames/' + step.frame, alt: 'Screenshot of step ' + (i + 1) })
        : element('p', 'no-shot', 'No screenshot');
      var tools = element('div', 'step-tools');
      var picker = element('select');
      picker.setAttribute('aria-label', 'Step ' + (i + 1) + ' screenshot');
      picker.append(Object.assign(element('option', null, 'no screenshot'), { value: '' }));
      state.frames.forEach(function (frame) { picker.append(Object.assign(element('option', null, frameLabel(frame)), { value: frame.sha256 })); });
      picker.value = step.frame || '';
      picker.addEventListener('change', function () { var value = picker.value || null; change(function () { step.frame = value; }); });
      tools.append(
        button('Up', 'Move step ' + (i + 1) + ' up', i === 0, function () { change(function () { state.steps.splice(i - 1, 0, state.steps.splice(i, 1)[0]); }); }),
        button('Down', 'Move step ' + (i + 1) + ' down', i === state.steps.length - 1, function () { change(function () { state.steps.splice(i + 1, 0, state.steps.splice(i, 1)[0]); }); }),
        button('Remove', 'Remove step ' + (i + 1), false, function () { change(function () { state.steps.splice(i, 1); }); }),
        picker);
      item.append(text, shot, tools);
      list.append(item);
    });
    $('editor-undo').disabled = state.history.length === 0;
  }

  function button(label, name, disabled, onClick) {
    var b = element('button', 'secondary small', label);
    b.type = 'button';
    b.disabled = disabled;
    b.setAttribute('aria-label', name);
    b.addEventListener('click', onClick);
    return b;
  }

  $('editor-save').addEventListener('click', async function () {
    var body = { base_version: state.base, blocks: state.steps.map(function (s) { return { id: s.id, text: s.text, frame_sha256: s.frame }; }) };
    var response = await send('PUT', '/instructions/' + state.instructionId, JSON.stringify(body), 'application/json');
    if (response.status === 409) {
      var problem = await response.json();
      say('editor-message', 'Not saved: someone saved version ' + problem.current_version + ' after you loaded version ' + state.base +
        '. Reload to see it (your edits here are lost on reload).', true);
      return;
    }
    try {
      var saved = await json(response, 'Saving');
      state.base = saved.version;
      state.steps = saved.blocks.map(function (b) { return { id: b.id, text: b.text, frame: b.frame_sha256 }; });
      state.history = [];
      showVersion(saved);
      render();
      say('editor-message', 'Saved as version ' + saved.version + '.');
    } catch (e) {
      say('editor-message', e.message, true);
    }
  });

  $('editor-reload').addEventListener('click', loadSteps);

  $('export-start').addEventListener('click', async function () {
    $('export-download').hidden = true;
    if (state.history.length > 0) { say('export-message', 'Save your edits first: an export is made from a saved version.', true); return; }
    try {
      var format = $('export-format').value;
      var current = await postJson('/jobs/' + state.job.id + '/exports', { format: format }, 'Exporting');
      while (current.status === 'REQUESTED' || current.status === 'RUNNING') {
        say('export-message', 'Exporting (' + current.status.toLowerCase() + ')…');
        await delay(700);
        current = await json(await send('GET', '/exports/' + current.id), 'Reading the export');
      }
      if (current.status !== 'SUCCEEDED') { say('export-message', 'The export failed (' + current.failure.code + '): ' + current.failure.message, true); return; }
      say('export-message', 'Exported version ' + current.instruction_version + ' as ' + format + ' (' + current.bundle_bytes + ' bytes); the link works until ' +
        new Date(current.download_expires_at).toLocaleTimeString() + '.');
      var link = $('export-download');
      link.href = current.download_url;
      link.download = 'guide-v' + current.instruction_version + '-' + format + '.zip';
      link.hidden = false;
      follow(state.job.id, ++state.following);
    } catch (e) {
      say('export-message', e.message, true);
    }
  });

  var remembered = new URLSearchParams(window.location.hash.slice(1)).get('job');
  if (remembered) open(remembered);
})();
