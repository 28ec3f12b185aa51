// Keeps a server-rendered page current while what it shows can change: every two seconds it fetches the page
// again and swaps in the new #live-region, until the server marks the region as settled (data-live="false").
(function () {
  'use strict';
  var intervalMs = 2000;

  function region(doc) { return doc.getElementById('live-region'); }

  function refresh() {
    var current = region(document);
    if (!current || current.dataset.live !== 'true' || document.hidden) return schedule();
    fetch(window.location.href, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var fresh = region(new DOMParser().parseFromString(html, 'text/html'));
        if (fresh) current.replaceWith(fresh);
      })
      .catch(function () { /* offline for a moment: try again on the next tick */ })
      .then(schedule);
  }

  function schedule() { window.setTimeout(refresh, intervalMs); }

  schedule();
})();
