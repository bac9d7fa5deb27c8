// Selection of a claim -> its evidence panel; click-to-sort tables. No network, no eval, text only.
(function () {
  var sections = {};
  document.querySelectorAll("section.evidence").forEach(function (s) { sections[s.dataset.claim] = s; });
  function select(mark) {
    document.querySelectorAll("mark.selected").forEach(function (m) { m.classList.remove("selected"); });
    document.querySelectorAll("section.evidence").forEach(function (s) { s.hidden = true; });
    var s = sections[mark.dataset.claim];
    var empty = document.getElementById("evidence-empty");
    if (empty) empty.hidden = !!s;
    mark.classList.add("selected");
    if (s) { s.hidden = false; }
  }
  document.querySelectorAll("mark.claim").forEach(function (m) {
    m.addEventListener("click", function () { select(m); });
    m.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(m); } });
  });
  // #claim=<id> in the address selects that claim (links from elsewhere, screenshots)
  var m = /[#&]claim=([^&]+)/.exec(location.hash);
  if (m) {
    var want = decodeURIComponent(m[1]);
    document.querySelectorAll("mark.claim").forEach(function (k) {
      if (k.dataset.claim === want) {
        select(k);
        var pane = document.getElementById("narrative");  // scroll the pane, not the window
        if (pane) pane.scrollTop = Math.max(0, k.offsetTop - pane.clientHeight / 3);
      }
    });
  }
  // a link to a table (#T3) opens its collapsed section
  function openTarget() {
    var t = location.hash.length > 1 && document.getElementById(location.hash.slice(1));
    if (t && t.tagName === "DETAILS") { t.open = true; t.scrollIntoView(); }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
  function key(td) {
    var t = td.textContent.trim(), n = parseFloat(t.replace(/,/g, ""));
    return (t !== "" && !isNaN(n) && /^-?[\d,.]+/.test(t)) ? n : t;
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, i) {
      th.addEventListener("click", function () {
        var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        var asc = th.dataset.order !== "asc";
        table.querySelectorAll("thead th").forEach(function (h) { delete h.dataset.order; });
        th.dataset.order = asc ? "asc" : "desc";
        rows.sort(function (a, b) {
          var x = key(a.cells[i]), y = key(b.cells[i]);
          var r = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y), "zh");
          return asc ? r : -r;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
