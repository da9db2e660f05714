/**
 * The report's only script, inlined (and hashed into the CSP). It enhances a page that is complete
 * without it: the findings table is a plain table, the filter bar stays hidden until this runs.
 * It reads the rows' data attributes and never builds markup from strings.
 */
export const REPORT_JS = `
(function () {
  'use strict';
  var bar = document.getElementById('filters');
  var table = document.getElementById('findings');
  if (!bar || !table) return;
  var rows = Array.prototype.slice.call(table.querySelectorAll('tbody tr.finding'));
  var selects = Array.prototype.slice.call(bar.querySelectorAll('select[data-filter]'));
  var search = bar.querySelector('input[data-filter=text]');
  var count = document.getElementById('finding-count');
  // Read on the first text search, not at load: 25,000 rows of text take a while to collect.
  var texts = null;

  function apply() {
    var wanted = selects.map(function (s) { return [s.getAttribute('data-filter'), s.value]; });
    var needle = search ? search.value.trim().toLowerCase() : '';
    var shown = 0;
    rows.forEach(function (row, i) {
      var ok = wanted.every(function (w) { return w[1] === '' || row.getAttribute('data-' + w[0]) === w[1]; });
      if (ok && needle) {
        if (!texts) texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
        ok = texts[i].indexOf(needle) >= 0;
      }
      // Untouched rows stay untouched: no style work for rows whose state did not change.
      if (row.hidden === ok) row.hidden = !ok;
      if (ok) shown++;
    });
    if (count) count.textContent = shown + ' of ' + rows.length + ' results shown';
  }

  selects.forEach(function (s) { s.addEventListener('change', apply); });
  if (search) search.addEventListener('input', apply);
  var reset = document.getElementById('filter-reset');
  if (reset) reset.addEventListener('click', function () {
    selects.forEach(function (s) { s.value = ''; });
    if (search) search.value = '';
    apply();
  });

  // A checklist link to a finding the filters hide would land nowhere: clear the filters first.
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.hidden) {
      selects.forEach(function (s) { s.value = ''; });
      if (search) search.value = '';
      apply();
      target.scrollIntoView();
    }
  }
  window.addEventListener('hashchange', reveal);

  Array.prototype.forEach.call(document.querySelectorAll('button.copy'), function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var pre = button.parentNode.querySelector('pre');
      var text = pre ? pre.textContent : '';
      var done = function () { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy'; }, 1500); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { select(pre); });
      } else {
        select(pre);
      }
    });
  });
  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  // Printed, every explanation is open; afterwards the page is as the reader left it.
  var opened = [];
  window.addEventListener('beforeprint', function () {
    opened = Array.prototype.filter.call(document.querySelectorAll('details:not([open])'), function (d) { d.open = true; return true; });
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  bar.hidden = false;
  apply();
  reveal();
})();
`;
