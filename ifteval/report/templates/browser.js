/* The sample browser: filter by task, input, judge and score range; sort by the disagreement of two judges.
   Rows come from the JSON in #sample-data and are built with textContent only: sample text is hostile. */
(function () {
  "use strict";
  var PAGE = 25;
  var data = JSON.parse(document.getElementById("sample-data").textContent);
  var rows = data.rows;
  var judges = data.judges;
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
  if (!rows.length) { return; }
  var el = function (id) { return document.getElementById(id); };
  var shown = PAGE;

  function option(select, value, label) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    select.appendChild(o);
  }
  function unique(key) {
    var seen = [];
    rows.forEach(function (r) { if (seen.indexOf(r[key]) < 0) { seen.push(r[key]); } });
    return seen;
  }
  unique("task").forEach(function (t) { option(el("filter-task"), t, t || "(no task)"); });
  var sources = [];
  rows.forEach(function (r) {
    r.srcs.forEach(function (s) { if (sources.indexOf(s) < 0) { sources.push(s); } });
  });
  sources.forEach(function (s) { option(el("filter-source"), s, s); });
  judges.forEach(function (j, i) {
    option(el("filter-judge"), j, j);
    option(el("judge-a"), j, j);
    option(el("judge-b"), j, j);
    if (i === 1) { el("judge-b").value = j; }
  });

  function score(row, judge) {
    var v = row.scores[judge];
    return typeof v === "number" ? v : null;
  }
  function number(id) {
    var text = el(id).value.trim();
    return text === "" || isNaN(Number(text)) ? null : Number(text);
  }
  function disagreement(row) {
    var a = score(row, el("judge-a").value), b = score(row, el("judge-b").value);
    return a === null || b === null ? -1 : Math.abs(a - b);
  }

  function selected() {
    var task = el("filter-task").value, src = el("filter-source").value, judge = el("filter-judge").value;
    var lo = number("score-min"), hi = number("score-max");
    var out = rows.filter(function (r) {
      if (el("filter-task").selectedIndex > 0 && r.task !== task) { return false; }
      if (src && r.srcs.indexOf(src) < 0) { return false; }
      if (judge && (lo !== null || hi !== null)) {
        var v = score(r, judge);
        if (v === null || (lo !== null && v < lo) || (hi !== null && v > hi)) { return false; }
      }
      return true;
    });
    var sort = el("sort").value;
    if (sort === "disagreement") {
      out = out.slice().sort(function (x, y) { return disagreement(y) - disagreement(x); });
    } else if (sort === "score" && judge) {
      out = out.slice().sort(function (x, y) {
        var a = score(x, judge), b = score(y, judge);
        return (b === null ? -Infinity : b) - (a === null ? -Infinity : a);
      });
    }
    return out;
  }

  function text(tag, content, className) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    node.textContent = content === null || content === undefined ? "—" : content;
    return node;
  }
  function textBlock(title, content) {
    var div = document.createElement("div");
    div.appendChild(text("h5", title));
    div.appendChild(text("pre", content));
    return div;
  }
  function verdicts(row) {
    var table = document.createElement("table");
    table.className = "verdicts compact";
    var head = table.createTHead().insertRow();
    ["judge", "score", "status", "reason", "raw reply"].forEach(function (h) { head.appendChild(text("th", h)); });
    var body = table.createTBody();
    var names = judges.filter(function (j) { return j in row.scores || j in row.details; });
    names.forEach(function (j) {
      var d = row.details[j] || {};
      var v = score(row, j);
      var tr = body.insertRow();
      if (v === null) { tr.className = "invalid"; }
      tr.appendChild(text("th", j));
      tr.appendChild(text("td", v === null ? "invalid (null)" : v.toFixed(3), "n"));
      tr.appendChild(text("td", d.status || "ok"));
      tr.appendChild(text("td", d.reason || "", "reason"));
      var raw = document.createElement("td");
      if (d.raw) {
        var det = document.createElement("details");
        det.appendChild(text("summary", "raw reply (" + d.raw.length + " chars)"));
        det.appendChild(text("pre", d.raw, "raw"));
        raw.appendChild(det);
      }
      tr.appendChild(raw);
    });
    return table;
  }
  function card(row) {
    var div = document.createElement("article");
    div.className = "sample";
    var title = row.task + " · doc " + row.id + " · " + row.srcs.join(" + ");
    if (el("sort").value === "disagreement" && disagreement(row) >= 0) {
      title += " · |A − B| = " + disagreement(row).toFixed(3);
    }
    div.appendChild(text("h4", title));
    var texts = document.createElement("div");
    texts.className = "texts";
    texts.appendChild(textBlock("prompt", row.prompt));
    texts.appendChild(textBlock("prediction", row.prediction));
    texts.appendChild(textBlock("reference", row.reference));
    div.appendChild(texts);
    div.appendChild(verdicts(row));
    return div;
  }

  function render() {
    var list = el("sample-list");
    var out = selected();
    list.textContent = "";
    out.slice(0, shown).forEach(function (r) { list.appendChild(card(r)); });
    el("sample-count").textContent = out.length + " of " + rows.length + " samples match; showing " +
      Math.min(shown, out.length) + ".";
    el("show-more").hidden = out.length <= shown;
  }
  ["filter-task", "filter-source", "filter-judge", "score-min", "score-max", "sort", "judge-a", "judge-b"]
    .forEach(function (id) {
      el(id).addEventListener("input", function () { shown = PAGE; render(); });
      el(id).addEventListener("change", function () { shown = PAGE; render(); });
    });
  el("show-more").addEventListener("click", function () { shown += PAGE; render(); });
  render();
}());
