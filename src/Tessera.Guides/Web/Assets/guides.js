// The Guides page: upload a recording and follow its job, edit the drafted steps (text, order, screenshot; undo) and
// save them as a new version with base_version (a conflict says so), rewrite a step (or all) from the narration,
// annotate a step's screenshot (marks dragged on it, drawn by the server on the frame and pinned to the step by an
// anchor) or upload one of your own, then export and download. The session cookie authenticates; every request that
// changes something carries the page's antiforgery token in X-CSRF-TOKEN. The job followed is kept in the address's
// fragment (#job=…), so a reload comes back to it.
(function () {
  'use strict';
  var app = document.getElementById('guides-app');
  if (!app) return;
  var api = app.dataset.api;
  var token = app.querySelector('input[name=__RequestVerificationToken]').value;
  var openStatuses = ['CREATED', 'UPLOADED', 'QUEUED', 'PROCESSING', 'TRANSCRIBED'];
  var state = { job: null, instructionId: null, base: 0, steps: [], frames: [], history: [], following: 0, anchors: {}, marking: null };

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
      state.steps = instructions.blocks.map(function (b) { return { id: b.id, text: b.text, frame: b.frame_sha256, narrated: b.start !== null }; });
      state.history = [];
      await loadAnchors();
      showVersion(instructions);
      say('editor-message', '');
      render();
      $('editor-panel').hidden = false;
      $('export-panel').hidden = false;
    } catch (e) {
      say('job-message', e.message, true);
    }
  }

  // Each step's anchor (the one resolved to it in the current version): its active screenshot replaces the frame.
  async function loadAnchors() {
    var anchors = await json(await send('GET', '/instructions/' + state.instructionId + '/anchors'), 'Reading the anchors');
    state.anchors = {};
    // Of two anchors on one step, the one attached to last wins, as in an export.
    function attachedLast(a) {
      var live = a.assets.filter(function (x) { return !x.detached_at; });
      return live.length ? live[live.length - 1].attached_at : '';
    }
    anchors.forEach(function (a) {
      if (a.resolution === 'orphaned' || !a.resolved_block_id) return;
      var other = state.anchors[a.resolved_block_id];
      if (!other || attachedLast(a) >= attachedLast(other)) state.anchors[a.resolved_block_id] = a;
    });
  }

  // A step's screenshot: its anchor's active asset (a frame it was pinned to, or marks drawn on one), else its frame.
  function shotOf(step) {
    var anchor = step.id && state.anchors[step.id];
    // A step whose screenshot was removed shows none, as its export will.
    if (step.frame && anchor && anchor.active_asset) return api + '/assets/' + anchor.active_asset.id;
    return step.frame ? api + '/jobs/' + state.job.id + '/frames/' + step.frame : null;
  }

  // The raw frame an anchor's marks are drawn on: the newest frame attached and not detached.
  function anchorFrame(anchor) {
    var frames = anchor.assets.filter(function (a) { return !a.detached_at && a.asset.kind === 'frame'; });
    return frames.length ? frames[frames.length - 1].asset.sha256 : null;
  }

  function anchorRaw(anchor) {
    var raw = anchor.assets.filter(function (a) { return !a.detached_at && (a.asset.kind === 'frame' || a.asset.kind === 'upload'); });
    return raw.length ? raw[raw.length - 1].asset : null;
  }

  function showVersion(instructions) {
    var made = { writer: 'drafted from the narration', editor: 'edited', regenerate: 'rewritten from the narration' }[instructions.source];
    var text = 'Version ' + instructions.version + ' (' + made + '), ' +
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
      var source = shotOf(step);
      var shot = source ? Object.assign(element('img'), { src: source, alt: 'Screenshot of step ' + (i + 1) }) : element('p', 'no-shot', 'No screenshot');
      var tools = element('div', 'step-tools');
      var picker = element('select');
      picker.setAttribute('aria-label', 'Step ' + (i + 1) + ' screenshot');
      picker.append(Object.assign(element('option', null, 'no screenshot'), { value: '' }));
      state.frames.forEach(function (frame) { picker.append(Object.assign(element('option', null, frameLabel(frame)), { value: frame.sha256 })); });
      var anchor = step.id && state.anchors[step.id];
      picker.value = (anchor ? anchorFrame(anchor) : step.frame) || '';
      picker.addEventListener('change', function () {
        var value = picker.value || null;
        // A pinned step's screenshot is its anchor's: another frame replaces it there (the marks stay in its history).
        if (anchor && value) { repin(anchor, step, value); return; }
        change(function () { step.frame = value; });
      });
      tools.append(
        button('Up', 'Move step ' + (i + 1) + ' up', i === 0, function () { change(function () { state.steps.splice(i - 1, 0, state.steps.splice(i, 1)[0]); }); }),
        button('Down', 'Move step ' + (i + 1) + ' down', i === state.steps.length - 1, function () { change(function () { state.steps.splice(i + 1, 0, state.steps.splice(i, 1)[0]); }); }),
        button('Remove', 'Remove step ' + (i + 1), false, function () { change(function () { state.steps.splice(i, 1); }); }),
        picker,
        button('Annotate', 'Annotate step ' + (i + 1), !step.frame || !step.id, function () { annotate(step, i); }),
        button('Rewrite', 'Rewrite step ' + (i + 1) + ' from the narration', !step.narrated || state.history.length > 0, function () { rewrite([step.id]); }),
        uploader(step, i));
      item.append(text, shot, tools);
      list.append(item);
    });
    $('editor-undo').disabled = state.history.length === 0;
    $('editor-rewrite').disabled = state.history.length > 0;
  }

  // A saved step with a screenshot can show an image of your own instead (PNG or JPEG), pinned to it like marks.
  function uploader(step, index) {
    var input = Object.assign(element('input', 'step-upload'), { type: 'file', accept: 'image/png,image/jpeg', disabled: !step.frame || !step.id });
    input.setAttribute('aria-label', 'Upload a screenshot for step ' + (index + 1));
    input.addEventListener('change', function () { if (input.files.length) uploadShot(step, index, input.files[0]); });
    return input;
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
      state.steps = saved.blocks.map(function (b) { return { id: b.id, text: b.text, frame: b.frame_sha256, narrated: b.start !== null }; });
      state.history = [];
      await loadAnchors();
      showVersion(saved);
      render();
      say('editor-message', 'Saved as version ' + saved.version + '.');
    } catch (e) {
      say('editor-message', e.message, true);
    }
  });

  $('editor-reload').addEventListener('click', loadSteps);

  // The writer writes the saved version's steps (or the ones named) again as the next version; the task is followed
  // until it ends. Unsaved edits would be overwritten, so the buttons wait for a save (or Undo) first.
  async function rewrite(blockIds) {
    var request = { client_request_id: 'page-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10), base_version: state.base };
    if (blockIds) request.block_ids = blockIds;
    var response = await send('POST', '/instructions/' + state.instructionId + '/regenerate', JSON.stringify(request), 'application/json');
    try {
      if (response.status === 409) {
        var conflict = await response.json();
        say('editor-message', 'Not rewritten: ' + (conflict.current_version ? 'someone saved version ' + conflict.current_version + '. Reload first.' : conflict.detail), true);
        return;
      }
      var task = await json(response, 'Rewriting');
      say('editor-message', 'Rewriting ' + (blockIds ? 'the step' : 'every step') + ' from the narration…');
      while (task.status === 'QUEUED' || task.status === 'RUNNING') {
        await delay(500);
        task = await json(await send('GET', '/tasks/' + task.id), 'Following the rewrite');
      }
      if (task.status === 'FAILED') { say('editor-message', 'Not rewritten: ' + task.failure.message, true); return; }
      await loadSteps();
      say('editor-message', 'Rewritten as version ' + task.result_version + '.');
    } catch (e) {
      say('editor-message', e.message, true);
    }
  }

  $('editor-rewrite').addEventListener('click', function () { rewrite(null); });

  async function repin(anchor, step, frame) {
    try {
      await postJson('/anchors/' + anchor.id + '/replace', { frame_sha256: frame }, 'Replacing the screenshot');
      change(function () { step.frame = frame; });
      await loadAnchors();
      render();
      say('editor-message', 'The step shows the new screenshot; save to keep it in the steps too.');
    } catch (e) {
      say('editor-message', e.message, true);
    }
  }

  // The image is stored, confirmed (the server checks it is a usable PNG or JPEG), and attached to the step's anchor.
  async function uploadShot(step, index, file) {
    if (state.history.length > 0) { say('editor-message', 'Save your edits first: an uploaded screenshot is pinned to a saved step.', true); return; }
    try {
      var jobPath = '/jobs/' + state.job.id + '/screenshots/uploads';
      var upload = await json(await send('POST', jobPath, file, file.type || 'application/octet-stream'), 'Uploading the screenshot');
      await json(await send('POST', jobPath + '/' + upload.id + '/confirm'), 'Checking the screenshot');
      var anchor = await postJson('/instructions/' + state.instructionId + '/anchors', { block_id: step.id }, 'Pinning the screenshot');
      await postJson('/anchors/' + anchor.id + '/attach-upload', { upload_id: upload.id }, 'Attaching the screenshot');
      await loadAnchors();
      render();
      say('editor-message', 'Step ' + (index + 1) + ' shows your screenshot; exports show it.');
    } catch (e) {
      say('editor-message', e.message, true);
    }
  }

  // Annotating: marks are kept in the screenshot's own pixels (the canvas is scaled to the picture on screen).
  function annotate(step, index) {
    if (state.history.length > 0) { say('editor-message', 'Save your edits first: marks are pinned to a saved step.', true); return; }
    state.marking = { step: step, index: index, ops: [], start: null };
    $('annotate-heading').textContent = 'Annotate step ' + (index + 1);
    var anchor = state.anchors[step.id];
    // Marks are drawn on the newest raw screenshot attached (a frame, or an upload), else the step's frame.
    var raw = anchor && anchorRaw(anchor);
    $('annotate-image').src = raw ? api + '/assets/' + raw.id : api + '/jobs/' + state.job.id + '/frames/' + step.frame;
    $('annotate-panel').hidden = false;
    say('annotate-message', '');
    drawMarks();
    $('annotate-panel').scrollIntoView();
  }

  function imagePoint(event) {
    var canvas = $('annotate-canvas');
    var image = $('annotate-image');
    var box = canvas.getBoundingClientRect();
    var x = (event.clientX - box.left) * image.naturalWidth / box.width;
    var y = (event.clientY - box.top) * image.naturalHeight / box.height;
    return [Math.round(Math.min(Math.max(x, 0), image.naturalWidth)), Math.round(Math.min(Math.max(y, 0), image.naturalHeight))];
  }

  $('annotate-canvas').addEventListener('pointerdown', function (event) {
    if (!state.marking) return;
    state.marking.start = imagePoint(event);
  });

  $('annotate-canvas').addEventListener('pointerup', function (event) {
    var marking = state.marking;
    if (!marking || !marking.start) return;
    var from = marking.start;
    var to = imagePoint(event);
    marking.start = null;
    var tool = $('annotate-tool').value;
    var rect = [Math.min(from[0], to[0]), Math.min(from[1], to[1]), Math.max(1, Math.abs(to[0] - from[0])), Math.max(1, Math.abs(to[1] - from[1]))];
    if (tool === 'text') {
      var text = $('annotate-text').value.trim();
      if (!text) { say('annotate-message', 'Type the text first, then click where it goes.', true); return; }
      marking.ops.push({ type: 'text', at: to, text: text });
    } else if (tool === 'arrow') {
      marking.ops.push({ type: 'arrow', from: from, to: to });
    } else {
      marking.ops.push({ type: tool, rect: rect });
    }
    say('annotate-message', '');
    drawMarks();
  });

  // A preview of the marks; the server draws the real thing.
  function drawMarks() {
    var canvas = $('annotate-canvas');
    var image = $('annotate-image');
    var marking = state.marking;
    canvas.width = image.naturalWidth || 1;
    canvas.height = image.naturalHeight || 1;
    var g = canvas.getContext('2d');
    g.clearRect(0, 0, canvas.width, canvas.height);
    var list = $('annotate-ops');
    list.replaceChildren();
    (marking ? marking.ops : []).forEach(function (op) {
      g.strokeStyle = '#e11d48';
      g.fillStyle = op.type === 'highlight' ? 'rgba(250, 204, 21, 0.35)' : op.type === 'blur' ? 'rgba(120, 120, 120, 0.6)' : '#111111';
      g.lineWidth = 4;
      if (op.rect) {
        if (op.type === 'box') g.strokeRect(op.rect[0], op.rect[1], op.rect[2], op.rect[3]);
        else g.fillRect(op.rect[0], op.rect[1], op.rect[2], op.rect[3]);
      } else if (op.type === 'arrow') {
        g.beginPath(); g.moveTo(op.from[0], op.from[1]); g.lineTo(op.to[0], op.to[1]); g.stroke();
      } else {
        g.font = '20px sans-serif'; g.fillText(op.text, op.at[0], op.at[1]);
      }
      list.append(element('li', null, JSON.stringify(op)));
    });
    $('annotate-undo').disabled = !marking || marking.ops.length === 0;
    $('annotate-apply').disabled = !marking || marking.ops.length === 0;
  }

  $('annotate-image').addEventListener('load', drawMarks);

  $('annotate-undo').addEventListener('click', function () {
    if (state.marking) state.marking.ops.pop();
    drawMarks();
  });

  $('annotate-close').addEventListener('click', function () {
    state.marking = null;
    $('annotate-panel').hidden = true;
  });

  $('annotate-apply').addEventListener('click', async function () {
    var marking = state.marking;
    try {
      var anchor = await postJson('/instructions/' + state.instructionId + '/anchors', { block_id: marking.step.id }, 'Pinning the screenshot');
      var drawn = await postJson('/anchors/' + anchor.id + '/annotations', { ops: marking.ops }, 'Drawing the marks');
      await loadAnchors();
      render();
      say('annotate-message', 'Drawn on step ' + (marking.index + 1) + "'s screenshot (" + drawn.asset.ops.length + ' mark(s)); exports show it.');
    } catch (e) {
      say('annotate-message', e.message, true);
    }
  });

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
