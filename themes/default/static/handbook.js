/* handbook default theme: colour-theme toggle and the phone menu. No dependencies.
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

  function init() {
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
