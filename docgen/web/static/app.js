// docgen web app: the few things a server-rendered page cannot do alone. No libraries,
// no network; every page works without it (it only adds highlighting and previews).
(function () {
  "use strict";
  function all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // Review page: tabs between the page images and the text.
  var showTab = function () {};
  all("[data-tabs]").forEach(function (tabs) {
    var root = tabs.parentNode;
    function show(name) {
      all("[data-tab]", tabs).forEach(function (b) { b.classList.toggle("active", b.dataset.tab === name); });
      all("[data-pane]", root).forEach(function (p) { p.hidden = p.dataset.pane !== name; });
    }
    showTab = show;
    var first = tabs.querySelector(".active");
    if (first) { show(first.dataset.tab); }
    all("[data-tab]", tabs).forEach(function (b) { b.addEventListener("click", function () { show(b.dataset.tab); }); });
  });

  // Review page: the boxes around OCR'd lines on the page image, placed in % of the image
  // (set from data-box here: the Content-Security-Policy allows no inline style attributes).
  all(".ocr-box").forEach(function (box) {
    var v = (box.dataset.box || "").split(" ");
    if (v.length !== 4) { return; }
    box.style.left = v[0] + "%"; box.style.top = v[1] + "%";
    box.style.width = v[2] + "%"; box.style.height = v[3] + "%";
    box.hidden = false;
  });

  // Review page: focusing (or pointing at) a field marks where it was read: its line framed on
  // the page image, its words in the text.
  function scrollTo(el) {
    // scroll the pane only (scrollIntoView would move the whole page)
    var pane = el.closest(".tab");
    if (!pane || pane.hidden) { return; }
    var r = el.getBoundingClientRect(), p = pane.getBoundingClientRect();
    if (r.top >= p.top && r.bottom <= p.bottom) { return; }     // in sight already
    pane.scrollTop = Math.max(0, r.top - p.top + pane.scrollTop - 60);
  }
  var fields = all(".review .field"), focused = null, hovered = null;
  function mark(field, focus) {
    var name = field ? field.dataset.field : "";
    fields.forEach(function (f) { f.classList.toggle("active", f === field); });
    if (field && focus) {
      // show the page image when the field was found on it, else the text
      if (field.classList.contains("has-box")) { showTab("image"); }
      else if (field.classList.contains("has-src")) { showTab("text"); }
    }
    var first = null;
    all(".ocr-box").forEach(function (b) {
      var hit = !!name && b.dataset.field === name;
      b.classList.toggle("hot", hit);
      if (hit && !first) { first = b; }
    });
    var words = null;
    all("span.src").forEach(function (s) {
      var hit = !!name && (" " + (s.dataset.fields || "") + " ").indexOf(" " + name + " ") >= 0;
      s.classList.toggle("hot", hit);
      if (hit && !words) { words = s; }
    });
    if (first) { scrollTo(first); }
    if (words) { scrollTo(words); }
  }
  fields.forEach(function (field) {
    // the last field focused stays marked (also while the clerk switches to the text tab)
    field.addEventListener("focusin", function () { focused = field; mark(field, true); });
    field.addEventListener("mouseenter", function () { hovered = field; mark(field, false); });
    field.addEventListener("mouseleave", function () {
      if (hovered === field) { hovered = null; }
      mark(focused, false);
    });
  });

  // Case page: page-1 previews load only when asked for.
  all("[data-preview]").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      var img = a.closest("li").querySelector("img.preview");
      if (!img) { return; }
      if (!img.getAttribute("src")) { img.src = a.dataset.preview; }
      img.hidden = !img.hidden;
    });
  });

  // 统计: bar lengths (set here: the Content-Security-Policy allows no inline style attributes).
  all(".bar[data-width]").forEach(function (bar) { bar.style.width = bar.dataset.width + "%"; });

  // Forms that undo work ask first.
  all("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (ev) { if (!window.confirm(f.dataset.confirm)) { ev.preventDefault(); } });
  });
})();
