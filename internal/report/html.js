(function () {
  "use strict";
  document.documentElement.setAttribute("data-script", "ready");
  var table = document.getElementById("findings-table");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var q = document.getElementById("f-q");
  var sev = document.getElementById("f-sev");
  var ind = document.getElementById("f-ind");
  var count = document.getElementById("f-count");
  var text = rows.map(function (r) { return r.textContent.toLowerCase(); });

  function filter() {
    var needle = q.value.trim().toLowerCase(), s = sev.value, i = ind.value, shown = 0;
    rows.forEach(function (r, n) {
      var ok = (!s || r.getAttribute("data-sev") === s) &&
        (!i || r.getAttribute("data-ind") === i) &&
        (!needle || text[n].indexOf(needle) >= 0);
      r.hidden = !ok;
      if (ok) { shown++; }
    });
    count.textContent = shown === rows.length ? rows.length + " findings" : shown + " of " + rows.length + " findings";
  }
  [q, sev, ind].forEach(function (el) { el.addEventListener("input", filter); });

  function key(row, col, numeric) {
    var cell = row.cells[col];
    var v = cell.hasAttribute("data-v") ? cell.getAttribute("data-v") : cell.textContent.trim().toLowerCase();
    return numeric ? parseFloat(v) || 0 : v;
  }
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  heads.forEach(function (th, col) {
    var button = th.querySelector("button");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var numeric = th.getAttribute("data-type") === "num";
      // Severity sorts highest first on the first click; text columns A to Z.
      var first = th.getAttribute("data-type") === "num" && col === 0 ? "descending" : "ascending";
      var cur = th.getAttribute("aria-sort");
      var dir = cur ? (cur === "ascending" ? "descending" : "ascending") : first;
      heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir);
      var sign = dir === "ascending" ? 1 : -1;
      rows.sort(function (a, b) {
        var x = key(a, col, numeric), y = key(b, col, numeric);
        if (x < y) { return -sign; }
        if (x > y) { return sign; }
        // Ties keep report order: the Location column (6) holds each
        // finding's index in the report.
        return key(a, 6, true) - key(b, 6, true);
      });
      text = rows.map(function (r) { return r.textContent.toLowerCase(); });
      var frag = document.createDocumentFragment();
      rows.forEach(function (r) { frag.appendChild(r); });
      body.appendChild(frag);
    });
  });
})();
