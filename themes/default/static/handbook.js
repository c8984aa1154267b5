/* handbook default theme: colour-theme toggle, the phone menu, the table of
 * contents column and copy buttons on code blocks. No dependencies.
 * Loaded in <head> so the saved theme applies before the first paint. */
(function () {
  "use strict";
  var KEY = "handbook-theme";
  var html = document.documentElement;
  html.classList.add("js");

  function saved() {
    try {
      var t = window.localStorage.getItem(KEY);
      return t === "light" || t === "dark" ? t : null;
    } catch (e) {
      return null;
    }
  }
  function systemDark() {
    return !!(window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches);
  }
  function effective() {
    var t = html.getAttribute("data-theme");
    if (t === "light" || t === "dark") { return t; }
    return systemDark() ? "dark" : "light";
  }

  var initial = saved();
  if (initial) { html.setAttribute("data-theme", initial); }

  function labelToggle(btn) {
    var next = effective() === "dark" ? "light" : "dark";
    var text = "Switch to " + next + " theme";
    btn.setAttribute("aria-label", text);
    btn.setAttribute("title", text);
    var label = btn.querySelector(".theme-label");
    if (label) { label.textContent = next === "dark" ? "Dark" : "Light"; }
    btn.setAttribute("data-next", next);
  }


  // "On this page" is a <details>: closed on phones, kept open where it is
  // the right-hand column (the width in style.css).
  function tableOfContents() {
    var toc = document.querySelector(".page-toc");
    if (!toc || !window.matchMedia) { return; }
    var wide = window.matchMedia("(min-width: 1200px)");
    var sync = function () { if (wide.matches) { toc.open = true; } };
    sync();
    if (wide.addEventListener) { wide.addEventListener("change", sync); }
    else if (wide.addListener) { wide.addListener(sync); }
  }

  // On a phone the findings list starts folded to its one-line summary (the
  // count stays in view), so that the page's own text is on the first screen.
  function foldFindingsOnPhones() {
    if (!window.matchMedia || !window.matchMedia("(max-width: 800px)").matches) { return; }
    var open = document.querySelectorAll(".findings > details[open]");
    for (var i = 0; i < open.length; i++) { open[i].open = false; }
  }

  function copyText(text, done) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
      return;
    }
    // file:// and plain http: a hidden textarea and the copy command.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    done(ok);
  }

  // A copy button on each code block of the page body (not on diagrams).
  function copyButtons() {
    var blocks = document.querySelectorAll(".content pre");
    for (var i = 0; i < blocks.length; i++) {
      var pre = blocks[i];
      if (pre.classList.contains("mermaid") || !pre.parentNode) { continue; }
      var wrap = document.createElement("div");
      wrap.className = "code-block";
      pre.parentNode.insertBefore(wrap, pre);
      wrap.appendChild(pre);
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "copy-button";
      btn.textContent = "Copy";
      btn.setAttribute("aria-label", "Copy this code");
      btn.addEventListener("click", (function (code, button) {
        return function () {
          copyText(code.innerText.replace(/\n$/, ""), function (ok) {
            button.textContent = ok ? "Copied" : "Press Ctrl+C";
            button.classList.add("copied");
            window.setTimeout(function () {
              button.textContent = "Copy";
              button.classList.remove("copied");
            }, 1500);
          });
        };
      })(pre, btn));
      wrap.appendChild(btn);
    }
  }

  function init() {
    tableOfContents();
    foldFindingsOnPhones();
    copyButtons();
    var toggle = document.querySelector(".theme-toggle");
    if (toggle) {
      toggle.hidden = false;
      labelToggle(toggle);
      toggle.addEventListener("click", function () {
        var next = effective() === "dark" ? "light" : "dark";
        html.setAttribute("data-theme", next);
        try { window.localStorage.setItem(KEY, next); } catch (e) { /* private mode */ }
        labelToggle(toggle);
      });
      if (window.matchMedia) {
        var mq = window.matchMedia("(prefers-color-scheme: dark)");
        var onChange = function () { labelToggle(toggle); };
        if (mq.addEventListener) { mq.addEventListener("change", onChange); }
        else if (mq.addListener) { mq.addListener(onChange); }
      }
    }

    var menu = document.querySelector(".menu-toggle");
    var sidebar = document.getElementById("sidebar");
    if (menu && sidebar) {
      menu.hidden = false;
      var setOpen = function (open) {
        document.body.classList.toggle("sidebar-open", open);
        menu.setAttribute("aria-expanded", open ? "true" : "false");
      };
      menu.addEventListener("click", function () {
        var open = !document.body.classList.contains("sidebar-open");
        setOpen(open);
        if (open) {
          var first = sidebar.querySelector("[aria-current=page], a, button");
          if (first) { first.focus(); }
        }
      });
      document.addEventListener("keydown", function (e) {
        if ((e.key === "Escape" || e.key === "Esc") && document.body.classList.contains("sidebar-open")) {
          setOpen(false);
          menu.focus();
        }
      });
    }
  }

  // Printed pages show everything, including collapsed sections.
  window.addEventListener("beforeprint", function () {
    var closed = document.querySelectorAll("main details:not([open])");
    for (var i = 0; i < closed.length; i++) {
      closed[i].setAttribute("open", "");
      closed[i].setAttribute("data-print-opened", "");
    }
  });
  window.addEventListener("afterprint", function () {
    var opened = document.querySelectorAll("details[data-print-opened]");
    for (var i = 0; i < opened.length; i++) {
      opened[i].removeAttribute("open");
      opened[i].removeAttribute("data-print-opened");
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
