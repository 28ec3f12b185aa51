// Uploads the chosen peptide file to the API with a progress bar, then shows the parse report (counts and the
// rejected records with their line numbers) or the API's problem (code and words). The session cookie authenticates
// the request; the page's antiforgery token goes in the X-CSRF-TOKEN header, as the API demands of cookie callers.
(function () {
  'use strict';
  var form = document.getElementById('upload-form');
  if (!form) return;
  var progress = document.getElementById('upload-progress');
  var message = document.getElementById('upload-message');
  var report = document.getElementById('upload-report');
  var counts = document.getElementById('upload-counts');
  var rejected = document.getElementById('upload-rejected');
  var runLink = document.getElementById('upload-run-link');

  function say(text, isProblem) {
    message.textContent = text;
    message.className = isProblem ? 'problem' : '';
    message.setAttribute('role', isProblem ? 'alert' : 'status');
  }

  function cell(row, text, numeric) {
    var td = document.createElement('td');
    td.textContent = text;
    if (numeric) td.className = 'num';
    row.appendChild(td);
  }

  function showReport(run) {
    counts.textContent = run.record_count + ' records read, ' + run.peptide_count + ' peptides kept, ' +
      run.error_count + ' rejected. State: ' + run.state + '.';
    var body = rejected.querySelector('tbody');
    body.replaceChildren();
    (run.errors || []).forEach(function (e) {
      var row = document.createElement('tr');
      cell(row, String(e.line), true);
      cell(row, String(e.record_number), true);
      cell(row, e.code, false);
      cell(row, e.message, false);
      body.appendChild(row);
    });
    rejected.hidden = body.children.length === 0;
    runLink.href = '/omics/runs/' + run.id;
    runLink.textContent = 'Open the run “' + run.name + '”';
    report.hidden = false;
  }

  function showProblem(xhr) {
    var problem = null;
    try { problem = JSON.parse(xhr.responseText); } catch (e) { /* not JSON: described below */ }
    if (problem && problem.code) say('Upload refused (' + problem.code + '): ' + (problem.detail || problem.title || 'no detail'), true);
    else say('Upload failed: the server answered ' + xhr.status + '.', true);
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var file = form.querySelector('input[type=file]').files[0];
    if (!file) { say('Choose a file first.', true); return; }
    var data = new FormData();
    var name = form.querySelector('input[name=name]').value.trim();
    if (name) data.append('name', name);
    data.append('file', file, file.name);

    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.dataset.uploadUrl);
    xhr.setRequestHeader('X-CSRF-TOKEN', form.querySelector('input[name=__RequestVerificationToken]').value);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', function (e) {
      if (e.lengthComputable) progress.value = Math.round(100 * e.loaded / e.total);
    });
    xhr.addEventListener('load', function () {
      progress.value = 100;
      if (xhr.status === 202) {
        var body = JSON.parse(xhr.responseText);
        say('Uploaded. The peptides are being embedded in the background.', false);
        showReport(body.run);
      } else {
        showProblem(xhr);
      }
      form.querySelector('button[type=submit]').disabled = false;
    });
    xhr.addEventListener('error', function () {
      say('Upload failed: the connection was lost.', true);
      form.querySelector('button[type=submit]').disabled = false;
    });
    report.hidden = true;
    progress.hidden = false;
    progress.value = 0;
    say('Uploading ' + file.name + '…', false);
    form.querySelector('button[type=submit]').disabled = true;
    xhr.send(data);
  });
})();
