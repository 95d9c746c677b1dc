// The workspace's links to the 一人一策 documents (print.html): the open
// graduate's handout, and the caseload's handouts for the district the
// filters show. Kept apart from app.js: it only points links at the
// print view.
'use strict';

(function () {
  function update() {
    const m = location.hash.match(/^#\/g\/(.+)$/);
    const one = document.getElementById('print-handout');
    if (one && m) one.href = 'print.html?graduate=' + m[1];
    const all = document.getElementById('print-caseload');
    const sel = document.getElementById('f-district');
    if (all) {
      const d = sel && !sel.closest('[hidden]') ? sel.value : '';
      all.href = 'print.html?caseload=1' + (d ? '&district=' + encodeURIComponent(d) : '');
    }
  }
  window.addEventListener('hashchange', update);
  document.addEventListener('change', update);
  document.addEventListener('DOMContentLoaded', update);
})();
