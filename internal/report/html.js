(function () {
  "use strict";
  var doc = document;
  doc.documentElement.setAttribute("data-script", "ready");

  // The data islands (see htmldata.go). Every string is set as text, never
  // as markup.
  function island(id) {
    var el = doc.getElementById(id);
    if (!el) { return []; }
    try { return JSON.parse(el.textContent); } catch (e) { return []; }
  }
  var S = island("lc-strings");
  var F = island("lc-findings");
  var C = island("lc-contracts");
  var rules = {};
  island("lc-rules").forEach(function (r) { rules["#" + r[0]] = r; });
  function s(i) { return S[i] === undefined ? "" : S[i]; }

  var SEVS = ["critical", "high", "medium", "low", "info"];
  function sevRank(w) { var i = SEVS.indexOf(w); return i < 0 ? SEVS.length : i; }
  function num(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function human(code) { code = code.replace(/_/g, " "); return code.charAt(0).toUpperCase() + code.slice(1); }
  function bare(t) { return t.replace(/[\s,]/g, "").toLowerCase(); }
  function loc(file, sheet, row) { return file + (sheet ? ":" + sheet : "") + ":" + row; }

  function el(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null && text !== "") { e.textContent = text; }
    return e;
  }
  function add(parent, child) { parent.appendChild(child); return child; }
  function sevBadge(w) { return el("span", "sev sev-" + (SEVS.indexOf(w) >= 0 ? w : "other"), w); }

  // Findings: field numbers of a row of lc-findings.
  var FS = 0, FIND = 1, FRULE = 2, FTITLE = 3, FMSG = 4, FFILE = 5, FSHEET = 6, FROW = 7, FCID = 8,
    FWID = 9, FWNAME = 10, FSUP = 11, FEV = 12, FREFS = 13, FSCOPE = 14, FTOTAL = 15, FCONTRACTS = 16, FWAIVER = 17, FREMEDY = 18;
  // Contracts: field numbers of a row of lc-contracts.
  var CFILE = 0, CSHEET = 1, CROW = 2, CCID = 3, CWID = 4, CWNAME = 5, CSUP = 6, CSTATUS = 7, CRISK = 8,
    CFINDINGS = 9, CMISSING = 11, CLOOKUPS = 12, CERRORS = 13;

  // A contract's own findings, by location, made when first needed.
  var byContract = null;
  function findingsOf(file, sheet, row) {
    if (!byContract) {
      byContract = {};
      F.forEach(function (f, i) {
        if (f[FSCOPE] !== 0) { return; }
        var k = f[FFILE] + "\u0000" + f[FSHEET] + "\u0000" + f[FROW];
        (byContract[k] = byContract[k] || []).push(i);
      });
    }
    return byContract[file + "\u0000" + sheet + "\u0000" + row] || [];
  }

  function evidenceList(ev) {
    var ul = el("ul", "ev");
    ev.forEach(function (e) {
      var li = add(ul, el("li"));
      var name = add(li, el("span", "ev-name", s(e[0])));
      if (e[1] !== e[0]) { name.title = s(e[1]); }
      if (s(e[6])) { add(li, el("span", "conv", " (" + s(e[6]) + ")")); }
      li.appendChild(doc.createTextNode(" "));
      if (e[4] & 2) {
        add(li, el("span", "absent", "absent"));
        if (s(e[3])) { add(li, el("span", "raw", " (cell: " + s(e[3]) + ")")); }
      } else {
        add(li, el("span", "ev-value", s(e[2])));
        // The cell text, unless it says no more than the value does.
        var raw = s(e[3]);
        if (raw && bare(raw) !== bare(s(e[2]))) { add(li, el("span", "raw", " · " + raw)); }
      }
      if (e[4] & 1) { li.appendChild(doc.createTextNode(" ")); add(li, el("span", "derived", "derived")); }
      if (s(e[5])) { add(li, el("span", "conv", " (" + s(e[5]) + ")")); }
    });
    return ul;
  }

  function findingDetails(f, into) {
    var rule = rules["#" + s(f[FRULE])];
    var remedy = s(f[FREMEDY]) || (rule ? rule[2] : "");
    if (remedy) { add(into, el("div", "remedy", remedy)); }
    if (s(f[FREFS])) {
      var refs = add(into, el("details", "refs"));
      add(refs, el("summary", "", "Standards"));
      add(refs, el("p", "", s(f[FREFS])));
    }
    if (f[FSCOPE] === 1 && f[FCONTRACTS].length) {
      add(into, el("p", "sub", "Contracts concerned (" + num(f[FTOTAL]) + "):"));
      var ul = add(into, el("ul", "refs-list"));
      f[FCONTRACTS].forEach(function (c) { add(ul, el("li", "mono", s(c))); });
      if (f[FTOTAL] > f[FCONTRACTS].length) {
        add(into, el("p", "more", "and " + num(f[FTOTAL] - f[FCONTRACTS].length) + " more in the XLSX and JSON reports."));
      }
    }
  }

  function findingRow(f) {
    var tr = el("tr");
    if (s(f[FWAIVER])) { tr.className = "is-waived"; }
    var td = add(tr, el("td"));
    add(td, sevBadge(s(f[FS])));
    if (s(f[FWAIVER])) { add(td, el("div", "waived-tag", "waived")); }
    td = add(tr, el("td", "ind"));
    add(td, el("div", "", human(s(f[FIND])))).title = s(f[FIND]);
    add(td, el("div", "mono rule", s(f[FRULE]))).title = s(f[FTITLE]);
    td = add(tr, el("td", "who"));
    if (f[FSCOPE] === 1) {
      add(td, el("span", "scope", "supplier-wide"));
      add(td, el("div", "sub", num(f[FTOTAL]) + (f[FTOTAL] === 1 ? " contract" : " contracts")));
    } else {
      add(td, el("div", "cid", s(f[FCID])));
      if (s(f[FWNAME])) { add(td, el("div", "", s(f[FWNAME]))); }
      if (s(f[FWID])) { add(td, el("div", "sub", s(f[FWID]))); }
    }
    td = add(tr, el("td", "where"));
    add(td, el("div", "", s(f[FSUP]) || (f[FSCOPE] === 1 ? "several suppliers" : "")));
    if (f[FSCOPE] === 0) { add(td, el("div", "mono sub", loc(s(f[FFILE]), s(f[FSHEET]), f[FROW]))); }
    td = add(tr, el("td", "msg"));
    add(td, el("p", "m", s(f[FMSG])));
    if (s(f[FWAIVER])) { add(td, el("div", "waiver", "Waived: " + s(f[FWAIVER]))); }
    if (f[FEV].length) { add(td, evidenceList(f[FEV])); }
    findingDetails(f, td);
    return tr;
  }

  function contractRow(c) {
    var tr = el("tr");
    var td = add(tr, el("td"));
    if (s(c[CRISK])) { add(td, sevBadge(s(c[CRISK]))); }
    add(tr, el("td", "status status-" + s(c[CSTATUS]), s(c[CSTATUS]).replace(/_/g, " ")));
    td = add(tr, el("td", "who"));
    add(td, el("div", "cid", s(c[CCID]) || "row " + c[CROW]));
    if (s(c[CWNAME])) { add(td, el("div", "", s(c[CWNAME]))); }
    if (s(c[CWID])) { add(td, el("div", "sub", s(c[CWID]))); }
    td = add(tr, el("td", "where"));
    add(td, el("div", "", s(c[CSUP])));
    add(td, el("div", "mono sub", loc(s(c[CFILE]), s(c[CSHEET]), c[CROW])));
    add(tr, el("td", "n", num(c[CFINDINGS])));
    td = add(tr, el("td", "msg"));
    var own = findingsOf(c[CFILE], c[CSHEET], c[CROW]);
    if (own.length) {
      var det = add(td, el("details"));
      var names = own.map(function (i) { return s(F[i][FRULE]); });
      add(det, el("summary", "", names.join(", ")));
      var ol = add(det, el("ol", "card-findings"));
      own.forEach(function (i) {
        var f = F[i], li = add(ol, el("li"));
        var head = add(li, el("div", "cf-head"));
        add(head, sevBadge(s(f[FS])));
        add(head, el("strong", "", s(f[FTITLE]) || s(f[FRULE])));
        add(li, el("div", "cf-meta", s(f[FRULE]) + " · " + human(s(f[FIND]))));
        add(li, el("p", "m", s(f[FMSG])));
        if (s(f[FWAIVER])) { add(li, el("div", "waiver", "Waived: " + s(f[FWAIVER]))); }
        if (f[FEV].length) { add(li, evidenceList(f[FEV])); }
        findingDetails(f, li);
      });
    } else if (c[CFINDINGS] > 0) {
      add(td, el("div", "sub", "flagged by supplier-level findings"));
    }
    if (s(c[CMISSING])) { add(td, el("div", "", "Blank: " + s(c[CMISSING]))); }
    if (s(c[CLOOKUPS])) { add(td, el("div", "sub", s(c[CLOOKUPS]))); }
    if (c[CERRORS]) { add(td, el("div", "sub", num(c[CERRORS]) + (c[CERRORS] === 1 ? " rule failed" : " rules failed"))); }
    return tr;
  }

  // fill puts the distinct values of field into a select, in order.
  function fill(select, rows, field, order, label) {
    if (!select) { return; }
    var seen = {}, vals = [];
    rows.forEach(function (r) {
      var v = r[field];
      if (v && !seen[v]) { seen[v] = 1; vals.push(v); }
    });
    vals.sort(function (a, b) { return order(a, b); });
    vals.forEach(function (v) {
      var o = add(select, el("option", "", label ? label(s(v)) : s(v)));
      o.value = String(v);
    });
  }
  function byName(a, b) { a = s(a).toLowerCase(); b = s(b).toLowerCase(); return a < b ? -1 : a > b ? 1 : 0; }
  function bySev(a, b) { return sevRank(s(a)) - sevRank(s(b)); }

  // view pages, filters and searches one island into a table.
  function view(id, rows, opts) {
    var root = doc.getElementById(id);
    if (!root) { return; }
    var body = root.querySelector("tbody");
    var q = doc.getElementById(id + "-q");
    var counts = root.querySelectorAll(".count");
    var prevs = root.querySelectorAll(".prev"), nexts = root.querySelectorAll(".next");
    var size = 50, page = 0, shown = [], text = [];
    var selects = opts.filters.map(function (f) { return { el: doc.getElementById(id + "-" + f.id), test: f.test }; });
    opts.fill();
    function haystack(i) {
      if (text[i] === undefined) { text[i] = opts.text(rows[i]).join("\n").toLowerCase(); }
      return text[i];
    }
    function apply() {
      var needle = q ? q.value.trim().toLowerCase() : "";
      var active = selects.filter(function (f) { return f.el && f.el.value; });
      shown = [];
      for (var i = 0; i < rows.length; i++) {
        var ok = true;
        for (var j = 0; j < active.length && ok; j++) { ok = active[j].test(rows[i], active[j].el.value); }
        if (ok && needle) { ok = haystack(i).indexOf(needle) >= 0; }
        if (ok) { shown.push(i); }
      }
      page = 0;
      render();
    }
    function render() {
      var pages = Math.max(1, Math.ceil(shown.length / size));
      page = Math.min(page, pages - 1);
      var from = page * size, to = Math.min(shown.length, from + size);
      var frag = doc.createDocumentFragment();
      for (var i = from; i < to; i++) { frag.appendChild(opts.row(rows[shown[i]])); }
      if (!shown.length) {
        var tr = el("tr"), td = add(tr, el("td", "empty", rows.length ? "Nothing matches." : opts.none));
        td.colSpan = 9;
        frag.appendChild(tr);
      }
      body.textContent = "";
      body.appendChild(frag);
      root.setAttribute("data-rows", String(to - from));
      var label = num(from + 1) + "–" + num(to) + " of " + num(shown.length) + " " + opts.noun;
      if (shown.length < rows.length) { label += ", filtered from " + num(rows.length); }
      label += " · page " + num(page + 1) + " of " + num(pages);
      if (!shown.length) { label = rows.length ? "None of the " + num(rows.length) + " " + opts.noun + " match" : "No " + opts.noun; }
      Array.prototype.forEach.call(counts, function (c) { c.textContent = label; });
      Array.prototype.forEach.call(prevs, function (b) { b.disabled = page === 0; });
      Array.prototype.forEach.call(nexts, function (b) { b.disabled = page >= pages - 1; });
    }
    function go(d) { return function () { page += d; render(); root.scrollIntoView(); }; }
    Array.prototype.forEach.call(prevs, function (b) { b.addEventListener("click", go(-1)); });
    Array.prototype.forEach.call(nexts, function (b) { b.addEventListener("click", go(1)); });
    var timer = 0;
    if (q) { q.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 150); }); }
    selects.forEach(function (f) { if (f.el) { f.el.addEventListener("change", apply); } });
    for (var i = 0; i < rows.length; i++) { shown.push(i); }
    render();
  }

  function same(field) { return function (r, v) { return String(r[field]) === v; }; }
  view("fv", F, {
    noun: "findings", none: "No rule flagged any contract.", row: findingRow,
    text: function (r) {
      var t = [FS, FIND, FRULE, FTITLE, FMSG, FCID, FWID, FWNAME, FSUP, FREFS, FWAIVER].map(function (k) { return s(r[k]); });
      t.push(loc(s(r[FFILE]), s(r[FSHEET]), r[FROW]), human(s(r[FIND])));
      r[FEV].forEach(function (e) { t.push(s(e[0]), s(e[1]), s(e[2]), s(e[3])); });
      r[FCONTRACTS].forEach(function (c) { t.push(s(c)); });
      return t;
    },
    filters: [
      { id: "sev", test: same(FS) }, { id: "ind", test: same(FIND) }, { id: "sup", test: same(FSUP) },
      { id: "rule", test: same(FRULE) },
      { id: "status", test: function (r, v) {
        if (v === "supplier") { return r[FSCOPE] === 1; }
        return (v === "waived") === Boolean(s(r[FWAIVER]));
      } }
    ],
    fill: function () {
      fill(doc.getElementById("fv-sev"), F, FS, bySev);
      fill(doc.getElementById("fv-ind"), F, FIND, byName, human);
      fill(doc.getElementById("fv-sup"), F, FSUP, byName);
      fill(doc.getElementById("fv-rule"), F, FRULE, byName);
    }
  });
  view("cv", C, {
    noun: "contracts", none: "No contract was flagged or left undecided.", row: contractRow,
    text: function (r) {
      var t = [CCID, CWID, CWNAME, CSUP, CSTATUS, CRISK, CMISSING, CLOOKUPS].map(function (k) { return s(r[k]); });
      t.push(loc(s(r[CFILE]), s(r[CSHEET]), r[CROW]));
      findingsOf(r[CFILE], r[CSHEET], r[CROW]).forEach(function (i) { t.push(s(F[i][FRULE])); });
      return t;
    },
    filters: [{ id: "status", test: same(CSTATUS) }, { id: "sev", test: same(CRISK) }, { id: "sup", test: same(CSUP) }],
    fill: function () {
      fill(doc.getElementById("cv-status"), C, CSTATUS, byName, function (v) { return v.replace(/_/g, " "); });
      fill(doc.getElementById("cv-sev"), C, CRISK, bySev);
      fill(doc.getElementById("cv-sup"), C, CSUP, byName);
    }
  });

  // A supplier's name in the supplier table shows its findings and
  // contracts.
  Array.prototype.forEach.call(doc.querySelectorAll(".sup-link"), function (b) {
    b.addEventListener("click", function () {
      var i = String(S.indexOf(b.getAttribute("data-supplier")));
      ["fv-sup", "cv-sup"].forEach(function (id) {
        var sel = doc.getElementById(id);
        if (!sel) { return; }
        var has = Array.prototype.some.call(sel.options, function (o) { return o.value === i; });
        sel.value = has ? i : "";
        sel.dispatchEvent(new Event("change"));
      });
      var f = doc.getElementById("findings");
      if (f) { f.scrollIntoView(); }
    });
  });
})();
