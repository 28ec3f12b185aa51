// What a page tells a person when the API refuses a request: the problem's stable code and detail, or the status
// when the answer is no problem document. Shared by the module pages' scripts (load it before them).
(function () {
  'use strict';
  window.tesseraProblems = {
    text: async function (response, what) {
      try {
        var p = await response.json();
        if (p.code) return what + ' refused (' + p.code + '): ' + (p.detail || p.title);
      } catch (e) { /* not a problem document */ }
      return what + ' failed: the server answered ' + response.status + '.';
    },
  };
})();
