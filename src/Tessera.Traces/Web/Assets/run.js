// Scrolls the run page to the record the map's click named (?record=SEQ) and gives it the focus; the record is
// highlighted by its class, so this only moves the view.
(function () {
  'use strict';
  var link = document.getElementById('run-current-link');
  if (!link) return;
  var target = document.getElementById(link.getAttribute('href').slice(1));
  if (!target) return;
  target.setAttribute('tabindex', '-1');
  target.scrollIntoView({ block: 'center' });
  target.focus({ preventScroll: true });
})();
