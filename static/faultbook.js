/* faultbook default theme script: small progressive enhancements, no
   dependencies, no network. Each feature is a function in `features`; each
   runs on its own so one failing cannot stop the others. */
(function () {
  'use strict';

  var doc = document;
  var root = doc.documentElement;
  var THEME_KEY = 'faultbook-theme';
  var darkQuery = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;

  /* ---------- Helpers ---------- */

  function storedTheme() {
    try {
      var v = window.localStorage.getItem(THEME_KEY);
      return v === 'light' || v === 'dark' ? v : null;
    } catch (e) {
      return null; // storage disabled (privacy mode, sandboxed frame)
    }
  }

  function storeTheme(value) {
    try {
      window.localStorage.setItem(THEME_KEY, value);
    } catch (e) { /* not persisted; still applied for this page */ }
  }

  function effectiveTheme() {
    var t = root.dataset.theme;
    if (t === 'light' || t === 'dark') return t;
    return darkQuery && darkQuery.matches ? 'dark' : 'light';
  }

  function onChange(query, fn) {
    if (!query) return;
    if (query.addEventListener) query.addEventListener('change', fn);
    else if (query.addListener) query.addListener(fn);
  }

  // One shared polite live region for status messages.
  var liveRegion = null;
  function ensureLiveRegion() {
    if (!liveRegion && doc.body) {
      liveRegion = doc.createElement('div');
      liveRegion.className = 'visually-hidden';
      liveRegion.setAttribute('aria-live', 'polite');
      doc.body.appendChild(liveRegion);
    }
    return liveRegion;
  }
  function announce(message) {
    var region = ensureLiveRegion();
    if (!region) return;
    // Clear first so the same message is announced again on repeat.
    region.textContent = '';
    setTimeout(function () { region.textContent = message; }, 100);
  }

  // Apply a stored choice as early as possible (before DOMContentLoaded work).
  var initial = storedTheme();
  if (initial) root.dataset.theme = initial;

  /* ---------- 1. Theme toggle ---------- */

  function themeToggle() {
    var button = doc.querySelector('.theme-toggle');
    if (!button) return;

    function sync() {
      var label = effectiveTheme() === 'dark' ? 'Switch to light mode' : 'Switch to dark mode';
      button.setAttribute('aria-label', label);
      button.title = label;
    }

    button.addEventListener('click', function () {
      var next = effectiveTheme() === 'dark' ? 'light' : 'dark';
      root.dataset.theme = next;
      storeTheme(next);
      sync();
    });
    onChange(darkQuery, sync);
    // Another tab changed the theme.
    window.addEventListener('storage', function (e) {
      if (e.key !== THEME_KEY) return;
      var t = storedTheme();
      if (t) root.dataset.theme = t;
      else delete root.dataset.theme;
      sync();
    });

    sync();
    button.hidden = false;
  }

  /* ---------- 2. Copy buttons on code blocks ---------- */

  function legacyCopy(text) {
    var area = doc.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'visually-hidden';
    area.style.position = 'fixed'; // no scroll jump on focus
    doc.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = doc.execCommand('copy');
    } catch (e) { /* unsupported */ }
    doc.body.removeChild(area);
    return ok;
  }

  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text).catch(function () {
        if (!legacyCopy(text)) throw new Error('copy failed');
      });
    }
    return legacyCopy(text) ? Promise.resolve() : Promise.reject(new Error('copy failed'));
  }

  // On failure, select the code so the reader can copy it by hand.
  function selectContents(node) {
    var sel = window.getSelection && window.getSelection();
    if (!sel) return;
    var range = doc.createRange();
    range.selectNodeContents(node);
    sel.removeAllRanges();
    sel.addRange(range);
  }

  function copyButtons() {
    var blocks = doc.querySelectorAll('pre.code');
    if (!blocks.length) return;
    ensureLiveRegion();

    Array.prototype.forEach.call(blocks, function (pre) {
      var parent = pre.parentNode;
      if (!parent || (parent.classList && parent.classList.contains('code-wrap'))) return;

      var wrap = doc.createElement('div');
      wrap.className = 'code-wrap';
      var button = doc.createElement('button');
      button.type = 'button';
      button.className = 'copy-button';
      button.textContent = 'Copy';
      parent.insertBefore(wrap, pre);
      wrap.appendChild(pre);
      wrap.appendChild(button);

      var timer = 0;
      function show(label) {
        button.textContent = label;
        clearTimeout(timer);
        timer = setTimeout(function () { button.textContent = 'Copy'; }, 2000);
      }

      button.addEventListener('click', function () {
        var code = pre.querySelector('code') || pre;
        // Drop the final newline so pasting into a shell does not run the command.
        var text = (code.textContent || '').replace(/\n$/, '');
        copyText(text).then(function () {
          button.focus(); // the fallback may have moved focus
          show('Copied');
          announce('Code copied to clipboard');
        }, function () {
          selectContents(code);
          show('Failed');
          announce('Copy failed. The code is selected; press Control+C or Command+C to copy it.');
        });
      });
    });
  }

  /* ---------- 3. "/" focuses the search box ---------- */

  function slashToSearch() {
    doc.addEventListener('keydown', function (e) {
      if (e.key !== '/' || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
      var t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      var input = doc.getElementById('search-input');
      if (!input) return;
      e.preventDefault();
      input.focus();
      if (input.select) input.select();
    });
  }

  /* ---------- Start-up ---------- */

  // Add new features (e.g. search-as-you-type) to this list.
  var features = [themeToggle, copyButtons, slashToSearch];

  function init() {
    features.forEach(function (feature) {
      try {
        feature();
      } catch (e) {
        if (window.console && console.error) console.error('faultbook:', e);
      }
    });
  }

  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', init);
  else init();
})();
