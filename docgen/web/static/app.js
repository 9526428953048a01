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

  // Review page: focusing a field marks the words of the letter it was read from.
  all(".review .field").forEach(function (field) {
    var name = field.dataset.field;
    function mark(on) {
      var scrolled = false;
      field.classList.toggle("active", on);
      // the words a field was read from are marked in the text: show it while editing one
      if (on && field.classList.contains("has-src")) { showTab("text"); }
      all("span.src").forEach(function (s) {
        var hit = (" " + (s.dataset.fields || "") + " ").indexOf(" " + name + " ") >= 0;
        s.classList.toggle("hot", on && hit);
        if (on && hit && !scrolled) {
          // scroll the text pane only (scrollIntoView would move the whole page)
          var pane = s.closest(".tab");
          if (pane) { pane.scrollTop = Math.max(0, s.offsetTop - pane.offsetTop - 60); }
          scrolled = true;
        }
      });
    }
    field.addEventListener("focusin", function () { mark(true); });
    field.addEventListener("focusout", function () { mark(false); });
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

  // Forms that undo work ask first.
  all("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (ev) { if (!window.confirm(f.dataset.confirm)) { ev.preventDefault(); } });
  });
})();
