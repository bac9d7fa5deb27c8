// 问题清单: the findings list drawn from the page's JSON rows (#worklist-data), filtered and sorted
// here; on a document's page also the "next failure" jump (button, keys n / p). Text only
// (textContent), no network. Draws at most LIMIT rows at a time, so a long list stays quick.
(function () {
  var src = document.getElementById("worklist-data");
  if (!src) return;
  var ROWS = JSON.parse(src.textContent);
  var W = JSON.parse(document.getElementById("worklist-words").textContent);
  var LIMIT = 500, RANK = {fail: 0, warn: 1, unverified: 2, pass: 3};
  ROWS.forEach(function (r, i) { r.n = i; });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function num(s) {
    var m = /^[+-]?[\d,]*\.?\d+/.exec(String(s || "").replace(/,/g, ""));
    return m ? parseFloat(m[0]) : null;
  }
  function tally(rows, key) {
    var c = {};
    rows.forEach(function (r) { c[r[key]] = (c[r[key]] || 0) + 1; });
    return c;
  }

  function mount(box) {
    var scope = box.dataset.scope, docPage = box.dataset.docPage === "1";
    var base = ROWS.filter(function (r) { return scope === "unverified" ? r.status === "unverified" : r.status !== "unverified"; });
    var cols = [["d", "文件 document"], ["page", "页 page"], ["sentence", "句子 sentence"], ["stated", "陈述 stated"],
                ["expected", "期望 expected"], ["diff", "差额 difference"], ["rule", "规则 rule"],
                ["status", "状态 status"], ["verdict", "复核 review"]];
    if (scope === "unverified") cols.splice(4, 2, ["reason", "原因 reason"]);
    if (docPage) cols.shift();
    var filters = {}, sort = {key: null, asc: true}, shown = LIMIT;

    var bar = el("div", "wl-filters");
    function select(key, label, values, words) {
      var counts = tally(base, key), s = el("select");
      s.name = key; s.setAttribute("aria-label", label);
      s.appendChild(new Option(label + "：全部 all (" + base.length + ")", ""));
      values.filter(function (v) { return counts[v]; }).forEach(function (v) {
        s.appendChild(new Option((words ? words[v] || v : v) + " (" + counts[v] + ")", v));
      });
      s.addEventListener("change", function () { filters[key] = s.value; shown = LIMIT; draw(); });
      var l = el("label", "wl-filter"); l.appendChild(s); bar.appendChild(l);
      return s;
    }
    function distinct(key) {
      var seen = {}, out = [];
      base.forEach(function (r) { if (!seen[r[key]]) { seen[r[key]] = 1; out.push(r[key]); } });
      return out;
    }
    if (scope === "unverified") {
      var reasons = tally(base, "reason");
      select("reason", "原因 reason", distinct("reason").sort(function (a, b) { return reasons[b] - reasons[a]; }));
    } else {
      select("status", "状态 status", ["fail", "warn"], W.status);
    }
    var codes = {};
    base.forEach(function (r) { r.rules.forEach(function (x) { codes[x] = (codes[x] || 0) + 1; }); });
    var rules = select("rule", "规则 rule", []);
    Object.keys(codes).sort().forEach(function (v) { rules.appendChild(new Option((W.rule[v] || v) + " (" + codes[v] + ")", v)); });
    if (!docPage) {  // documents by name (department and kind), their ids in the title
      var names = {};
      base.forEach(function (r) { names[r.doc] = r.d; });
      select("doc", "文件 document", distinct("doc").sort(function (a, b) {
        return names[a].localeCompare(names[b], "zh");
      }), names);
    }
    select("verdict", "复核 review", ["confirmed", "dismissed", "note", "none"], W.verdict);
    var count = el("span", "wl-count");
    bar.appendChild(count);
    box.appendChild(bar);

    var table = el("table", "worklist-table sortable-js"), head = el("tr");
    cols.forEach(function (c) {
      var th = el("th", c[0] === "stated" || c[0] === "expected" || c[0] === "diff" ? "n" : "", c[1]);
      th.dataset.key = c[0];
      th.addEventListener("click", function () {
        sort.asc = sort.key === c[0] ? !sort.asc : true; sort.key = c[0];
        table.querySelectorAll("th").forEach(function (h) { delete h.dataset.order; });
        th.dataset.order = sort.asc ? "asc" : "desc";
        draw();
      });
      head.appendChild(th);
    });
    var thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
    var body = el("tbody"); table.appendChild(body);
    box.appendChild(table);
    var more = el("button", "wl-more"); more.type = "button";
    more.addEventListener("click", function () { shown += LIMIT; draw(); });
    box.appendChild(more);

    function keep(r) {
      for (var k in filters) {
        var v = filters[k];
        if (!v) continue;
        if (k === "rule" ? r.rules.indexOf(v) < 0 : r[k] !== v) return false;
      }
      return true;
    }
    function compare(a, b) {
      if (!sort.key) return RANK[a.status] - RANK[b.status] || a.n - b.n;
      var k = sort.key, x = a[k], y = b[k], r;
      if (k === "status") r = RANK[x] - RANK[y];
      else if (k === "stated" || k === "expected" || k === "diff") {
        x = num(x); y = num(y);
        r = (x === null) - (y === null) || (x === null ? 0 : (k === "diff" ? Math.abs(x) - Math.abs(y) : x - y));
      } else r = String(x || "").localeCompare(String(y || ""), "zh");
      return (sort.asc ? r : -r) || a.n - b.n;
    }
    function cell(r, key) {
      var td = el("td", key === "stated" || key === "expected" || key === "diff" ? "n" : "");
      if (key === "sentence") {
        var a = el("a", "", r.k === "table" ? r.text + " " + r.sentence : r.sentence);
        a.href = r.href;
        if (docPage) a.addEventListener("click", function (e) { if (go(r.id)) e.preventDefault(); });
        td.appendChild(a);
        if (r.k !== "table") td.appendChild(el("div", "meta", "陈述 " + r.text));
      } else if (key === "status") {
        td.appendChild(el("span", "badge " + r.status, r.status_zh));
      } else if (key === "verdict") {
        td.className = "verdict " + r.verdict;
        td.textContent = r.verdict_zh + (r.by ? "（" + r.by + "）" : "");
        if (r.note) td.appendChild(el("div", "meta", r.note));
      } else if (key === "rule") {
        td.textContent = r.rule; td.title = r.why;
      } else td.textContent = r[key] || "";
      return td;
    }
    function draw() {
      var rows = base.filter(keep).sort(compare);
      body.textContent = "";
      var frag = document.createDocumentFragment();
      rows.slice(0, shown).forEach(function (r) {
        var tr = el("tr", r.status + (r.verdict === "dismissed" ? " dismissed" : ""));
        tr.dataset.id = r.id;
        cols.forEach(function (c) { tr.appendChild(cell(r, c[0])); });
        frag.appendChild(tr);
      });
      body.appendChild(frag);
      count.textContent = "显示 " + Math.min(shown, rows.length) + " / " + rows.length + " 行 rows";
      more.hidden = rows.length <= shown;
      more.textContent = "显示更多 show more (" + (rows.length - shown) + ")";
    }
    draw();
  }

  // on a document's page: select a finding in place (a claim's mark, a table check's row)
  var selected = null;
  function go(id) {
    var t = null;
    document.querySelectorAll("mark.claim").forEach(function (m) { if (!t && m.dataset.claim === id) t = m; });
    if (!t) t = document.getElementById(id);
    if (!t) return false;
    show(t);
    return true;
  }
  function show(t) {
    var d = t.closest("details");
    if (d) d.open = true;
    document.querySelectorAll("tr.selected").forEach(function (x) { x.classList.remove("selected"); });
    if (t.tagName === "MARK") t.click(); else t.classList.add("selected");
    selected = t;
    t.scrollIntoView({block: "center"});
    if (t.focus) t.focus({preventScroll: true});
  }
  var jump = document.getElementById("next-failure");
  if (jump) {
    var targets = function () {
      return Array.prototype.slice.call(document.querySelectorAll("#narrative mark.claim.fail, #tables tr.fail[id]"));
    };
    var step = function (by) {
      var all = targets();
      if (!all.length) return;
      var cur = document.querySelector("mark.claim.selected") || selected, i = all.indexOf(cur);
      show(all[(i < 0 ? (by > 0 ? 0 : all.length - 1) : (i + by + all.length) % all.length)]);
      var pos = document.getElementById("failure-pos");
      if (pos) pos.textContent = (all.indexOf(selected) + 1) + " / " + all.length;
    };
    jump.querySelector("[data-step='1']").addEventListener("click", function () { step(1); });
    jump.querySelector("[data-step='-1']").addEventListener("click", function () { step(-1); });
    document.addEventListener("keydown", function (e) {
      var tag = (e.target && e.target.tagName) || "";
      if (e.ctrlKey || e.metaKey || e.altKey || /INPUT|SELECT|TEXTAREA/.test(tag)) return;
      if (e.key === "n") { e.preventDefault(); step(1); }
      else if (e.key === "p") { e.preventDefault(); step(-1); }
    });
    var m = /[#&]claim=([^&]+)/.exec(location.hash);  // a table check named in the address
    if (m && !document.querySelector("mark.claim.selected")) go(decodeURIComponent(m[1]));
  }
  document.querySelectorAll("div.worklist").forEach(mount);
})();
