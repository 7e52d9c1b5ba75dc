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

  // The theme's words: English here, a page in another language carries
  // its own (site.toml's strings included) as JSON.
  var WORDS = {
    switch_to_light: 'Switch to light mode',
    switch_to_dark: 'Switch to dark mode',
    copy: 'Copy',
    copy_code: 'Copy code',
    copy_lang_code: 'Copy {lang} code',
    copied: 'Copied',
    copied_announce: 'Code copied to clipboard',
    copy_failed: 'Failed',
    copy_failed_announce: 'Copy failed. The code is selected; press Control+C or Command+C to copy it.',
    shown_of_total: '{shown} of {total} from {provider}',
    kind_error: 'Error',
    kind_compare: 'Compare guide',
    kind_playbook: 'Playbook',
    kind_page: 'Page',
    search_results: 'Search results',
    results_one: '{count} result',
    results_other: '{count} results',
    results_for: '{results} for “{query}”',
    results_first_shown: '{results} for “{query}” (the first {shown} shown)',
    results_partial: '{results} with some of the words',
    no_results: 'No results for “{query}”',
    no_results_hint: 'No results for “{query}”. Try the number inside a code, or fewer words.',
    no_results_symbols: 'No results for “{query}”: search finds codes, numbers and words.',
    search_unavailable: 'Search is unavailable right now.',
    search_index_failed: 'Search is unavailable right now: the index could not be loaded.'
  };
  try {
    var own = doc.getElementById('faultbook-words');
    if (own) {
      var words = JSON.parse(own.textContent);
      Object.keys(words).forEach(function (k) { WORDS[k] = words[k]; });
    }
  } catch (e) { /* the English words stay */ }
  // A phrase with each {name} replaced.
  function say(key, args) {
    return (WORDS[key] || '').replace(/\{(\w+)\}/g, function (m, name) {
      return args && name in args ? String(args[name]) : m;
    });
  }
  function countResults(n) { return say(n === 1 ? 'results_one' : 'results_other', { count: n }); }

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
      var label = say(effectiveTheme() === 'dark' ? 'switch_to_light' : 'switch_to_dark');
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
      var head = pre.previousElementSibling;
      if (!head || !head.classList.contains('code-head')) {
        // A block written by a site's own template: give it a head.
        head = doc.createElement('div');
        head.className = 'code-head';
        var wrap = doc.createElement('div');
        wrap.className = 'code-wrap';
        pre.parentNode.insertBefore(wrap, pre);
        wrap.appendChild(head);
        wrap.appendChild(pre);
      }
      if (head.querySelector('.copy-button')) return;
      var button = doc.createElement('button');
      button.type = 'button';
      button.className = 'copy-button';
      button.textContent = say('copy');
      var lang = pre.getAttribute('data-lang');
      button.setAttribute('aria-label', lang ? say('copy_lang_code', { lang: lang }) : say('copy_code'));
      head.appendChild(button);

      var timer = 0;
      function show(label) {
        button.textContent = label;
        clearTimeout(timer);
        timer = setTimeout(function () { button.textContent = say('copy'); }, 2000);
      }

      button.addEventListener('click', function () {
        var code = pre.querySelector('code') || pre;
        // Drop the final newline so pasting into a shell does not run the command.
        var text = (code.textContent || '').replace(/\n$/, '');
        copyText(text).then(function () {
          button.focus(); // the fallback may have moved focus
          show(say('copied'));
          announce(say('copied_announce'));
        }, function () {
          selectContents(code);
          show(say('copy_failed'));
          announce(say('copy_failed_announce'));
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
      var input = doc.getElementById('search-input') || doc.getElementById('search-page-input');
      if (!input) return;
      e.preventDefault();
      input.focus();
      if (input.select) input.select();
    });
  }

  /* ---------- Provider filter on the A-Z listing ---------- */

  // Buttons (a menu, for many providers) that show one provider's errors;
  // the choice is kept in the address by the provider's key
  // (?provider=http) so a filtered list can be shared.
  function providerFilter() {
    var bar = doc.querySelector('.filter');
    if (!bar) return;
    var listing = bar.closest('.listing');
    var select = bar.querySelector('select');
    var choices = Array.prototype.slice.call(select ? select.options : bar.querySelectorAll('button[data-provider]'));
    var keyOf = function (c) { return select ? c.value : c.getAttribute('data-provider'); };
    var count = listing.querySelector('.list-count');
    var total = count ? count.textContent : '';
    var items = listing.querySelectorAll('.items > li');

    function apply(provider) {
      var shown = 0, name = '';
      choices.forEach(function (c) {
        if (keyOf(c) === provider) name = c.textContent;
        if (!select) c.setAttribute('aria-pressed', keyOf(c) === provider ? 'true' : 'false');
      });
      if (select) select.value = provider;
      Array.prototype.forEach.call(items, function (li) {
        var hide = !!provider && li.getAttribute('data-provider') !== provider;
        li.hidden = hide;
        if (!hide) shown++;
      });
      // A letter with nothing left loses its heading and its jump link.
      Array.prototype.forEach.call(listing.querySelectorAll('.items'), function (ul) {
        var empty = !ul.querySelector('li:not([hidden])');
        ul.hidden = empty;
        var h = ul.previousElementSibling;
        if (h && h.tagName === 'H2' && h.id) {
          h.hidden = empty;
          var jump = listing.querySelector('.letters a[href="#' + h.id + '"]');
          if (jump) jump.parentNode.hidden = empty;
        }
      });
      if (count) count.textContent = provider ? say('shown_of_total', { shown: shown, total: total, provider: name }) : total;
      if (window.history && history.replaceState) {
        var url = new URL(window.location.href);
        if (provider) url.searchParams.set('provider', provider); else url.searchParams.delete('provider');
        history.replaceState(null, '', url);
      }
    }

    if (select) {
      select.addEventListener('change', function () { apply(select.value); });
    } else {
      bar.addEventListener('click', function (e) {
        var b = e.target.closest('button[data-provider]');
        if (b) apply(b.getAttribute('data-provider'));
      });
    }
    var wanted = new URLSearchParams(window.location.search).get('provider') || '';
    if (wanted && choices.some(function (c) { return keyOf(c) === wanted; })) apply(wanted);
    bar.hidden = false;
  }

  /* ---------- 4. Search (index format: src/search.rs) ---------- */

  // Field weights, by the field number packed into each posting:
  // body, heading, summary, title, part of a code, the code itself.
  var WEIGHTS = [1, 3, 4, 6, 12, 40];
  var STOPWORDS = ' a an and are as at be but by for from if in into is it its of on or that the then this to was with ';
  var SUGGESTIONS = 8;
  var PAGE_RESULTS = 50;

  // Same rules as `search::words` (src/search/words.rs), term for term:
  // NFC; marks belong to the character before them; runs of letters,
  // digits and "_" are words, lowercased with final sigma folded and Hebrew
  // points and Arabic harakat dropped, split at "_" too; scripts written
  // without spaces give overlapping bigrams (a lone character gives
  // itself), every one of which a page must hold; each emoji is a term.
  // tests/fixtures/scripts/search-terms.json holds samples that both
  // tokenizers are tested against.
  var MARK = /\p{M}/u;
  var WORD_CHAR = /[\p{Alphabetic}\p{N}_]/u;
  var UNSPACED = /[\u0E00-\u0EFF\u1000-\u109F\u1780-\u17FF\u3005-\u3007\u3040-\u30FF\u31F0-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF66-\uFF9F\u{20000}-\u{3FFFF}]/u;
  var EMOJI = /[\u2600-\u27BF\u{1F300}-\u{1F3FA}\u{1F400}-\u{1F64F}\u{1F680}-\u{1F6FF}\u{1F900}-\u{1F9FF}\u{1FA70}-\u{1FAFF}]/u;
  var OPTIONAL_MARK = /[\u0591-\u05C7\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED]/u;
  var SEPARATOR = 0, MARK_CLASS = 1, WORD = 2, UNSPACED_WORD = 3, EMOJI_CLASS = 4;

  function charClass(ch) {
    if (MARK.test(ch)) return MARK_CLASS;
    if (WORD_CHAR.test(ch)) return UNSPACED.test(ch) ? UNSPACED_WORD : WORD;
    return EMOJI.test(ch) ? EMOJI_CLASS : SEPARATOR;
  }

  function queryWords(text) {
    var out = [];
    function add(t) {
      if (out.indexOf(t) < 0) out.push(t);
    }
    function emit(w) {
      // Hebrew points and Arabic harakat are left out, as most writers do.
      w = Array.from(w.toLowerCase()).filter(function (ch) {
        return !(OPTIONAL_MARK.test(ch) && MARK.test(ch));
      }).join('').replace(/ς/g, 'σ').normalize('NFC');
      // One letter says nothing; one digit may ("HTTP 5").
      if (Array.from(w).length < 2 && !/^[0-9]/.test(w)) return;
      if (STOPWORDS.indexOf(' ' + w + ' ') >= 0) return;
      add(w);
    }
    var chars = Array.from(String(text).normalize('NFC'));
    var open = SEPARATOR, start = 0, previous = -1;
    function close(end) {
      if (open === WORD) {
        var run = chars.slice(start, end).join('').replace(/^_+|_+$/g, '');
        if (run) {
          emit(run);
          if (run.indexOf('_') >= 0) run.split('_').forEach(function (p) { if (p) emit(p); });
        }
      } else if (open === UNSPACED_WORD) {
        add(chars.slice(previous >= 0 ? previous : start, end).join(''));
      }
      open = SEPARATOR;
    }
    chars.forEach(function (ch, i) {
      var c = charClass(ch);
      if (c === MARK_CLASS || (c === WORD && open === WORD)) return;
      if (c === UNSPACED_WORD && open === UNSPACED_WORD) {
        // The current character is complete: it ends a bigram.
        if (previous >= 0) add(chars.slice(previous, i).join(''));
        previous = start;
        start = i;
        return;
      }
      close(i);
      if (c === EMOJI_CLASS) add(ch);
      else if (c !== SEPARATOR) {
        open = c;
        start = i;
        previous = -1;
      }
    });
    close(chars.length);
    return out;
  }

  // The query tokenizer, for tests that hold it to the same samples as the
  // index's (tests/browser/scripts.test.mjs) and for sites' own scripts.
  window.faultbook = window.faultbook || {};
  window.faultbook.searchTerms = queryWords;

  // `base`: where the index is (a language's section has its own);
  // `site`: what the rows' paths are below.
  function SearchIndex(base, site) {
    this.base = base;
    this.site = site || base;
    this.meta = null;
    this.cache = {};
  }

  SearchIndex.prototype.fetchJson = function (path) {
    var self = this;
    if (!self.cache[path]) {
      var url = self.base + path + (self.meta ? '?v=' + self.meta.version : '');
      self.cache[path] = fetch(url, { cache: self.meta ? 'default' : 'no-cache' }).then(function (r) {
        if (!r.ok) throw new Error('search index: ' + r.status + ' for ' + url);
        return r.json();
      });
      self.cache[path].catch(function () { delete self.cache[path]; });
    }
    return self.cache[path];
  };

  SearchIndex.prototype.load = function () {
    var self = this;
    if (!self.ready) {
      self.ready = self.fetchJson('search/index.json').then(function (meta) { self.meta = meta; });
      self.ready.catch(function () { self.ready = null; });
    }
    return self.ready;
  };

  // The term chunk whose range holds `term`: the last one starting at or before it.
  SearchIndex.prototype.chunkOf = function (term) {
    var firsts = this.meta.chunks, lo = 0, hi = firsts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (firsts[mid] <= term) lo = mid; else hi = mid - 1;
    }
    return lo;
  };

  // doc -> best weight for one query term. A prefix also matches the
  // longer terms it starts, at half weight, in its chunk and the next.
  SearchIndex.prototype.lookup = function (term, prefix) {
    var self = this;
    var first = self.chunkOf(term);
    var next = self.meta.chunks[first + 1];
    return self.fetchJson('search/t/' + first + '.json').then(function (terms) {
      // Longer terms may go on into the next chunk: worth fetching only
      // for a prefix of 3 or more that is not a whole word already.
      var more = prefix && term.length >= 3 && !Object.prototype.hasOwnProperty.call(terms, term) && next !== undefined && next.indexOf(term) === 0;
      return more
        ? self.fetchJson('search/t/' + (first + 1) + '.json').then(function (n) { return [terms, n]; })
        : [terms];
    }).then(function (parts) {
      var scores = new Map();
      parts.forEach(function (terms) {
        Object.keys(terms).forEach(function (t) {
          var factor = t === term ? 1 : (prefix && t.indexOf(term) === 0 ? 0.5 : 0);
          if (!factor) return;
          var doc = 0;
          terms[t].forEach(function (p) {
            doc += Math.floor(p / 8);
            var w = WEIGHTS[p % 8] * factor;
            if (!(scores.get(doc) >= w)) scores.set(doc, w);
          });
        });
      });
      return scores;
    });
  };

  // Ranked [doc, score] pairs for a query: pages with every word first;
  // when none has them all, pages with any. A query equal to a code
  // (with its spaces, dots or dashes) ranks that code first.
  SearchIndex.prototype.query = function (text) {
    var self = this;
    var words = queryWords(text);
    if (!words.length) return Promise.resolve({ words: words, hits: [] });
    var prefix = !/\s$/.test(text);
    var whole = text.trim().toLowerCase();
    return self.load().then(function () {
      var lookups = words.map(function (w, i) { return self.lookup(w, prefix && i === words.length - 1); });
      if (words.indexOf(whole) < 0) lookups.push(self.lookup(whole, false));
      return Promise.all(lookups);
    }).then(function (maps) {
      var bonus = maps.length > words.length ? maps.pop() : new Map();
      function rank(all) {
        var total = new Map();
        maps.forEach(function (m, i) {
          m.forEach(function (w, doc) {
            var prev = total.get(doc);
            if (i > 0 && all && prev === undefined) return;
            total.set(doc, (prev || 0) + w);
          });
          if (all && i > 0) total.forEach(function (_, doc) { if (!m.has(doc)) total.delete(doc); });
        });
        bonus.forEach(function (w, doc) { if (total.has(doc)) total.set(doc, total.get(doc) + w); });
        return Array.from(total.entries()).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
      }
      var hits = rank(true);
      var partial = false;
      if (!hits.length && maps.length > 1) { hits = rank(false); partial = hits.length > 0; }
      if (!hits.length && bonus.size) hits = Array.from(bonus.entries()).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
      return { words: words, hits: hits, partial: partial };
    });
  };

  // Documents for ranked hits: {kind, code, title, provider, summary, href}.
  SearchIndex.prototype.documents = function (hits) {
    var self = this, per = self.meta.docs_per_chunk;
    return Promise.all(hits.map(function (h) {
      return self.fetchJson('search/d/' + Math.floor(h[0] / per) + '.json').then(function (rows) {
        var r = rows[h[0] % per];
        return { kind: r[0], code: r[1], title: r[2], provider: r[3], summary: r[4], href: self.site + r[5], lang: r[6] };
      });
    }));
  };


  function el(tag, className, text) {
    var node = doc.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // A result as a link; every string goes in as text, never as HTML.
  function hitLink(d) {
    var a = el('a', 'search-hit');
    a.href = d.href;
    var head = el('span', 'search-hit-head');
    if (d.code) head.appendChild(el('span', 'search-hit-code', d.code));
    var title = el('span', 'search-hit-title', d.title);
    head.appendChild(title);
    // A page not in the reader's language, named by its own.
    if (d.lang) {
      a.hreflang = d.lang;
      title.lang = d.lang;
      head.appendChild(el('span', 'item-lang', d.lang.toUpperCase()));
    }
    a.appendChild(head);
    a.appendChild(el('span', 'search-hit-provider', d.provider || say('kind_' + d.kind)));
    if (d.summary) a.appendChild(el('span', 'search-hit-summary', d.summary));
    return a;
  }

  /* Why a result matched: the passage of its page around the first query
     word found, with each word marked. The page is fetched when its result
     scrolls into view, so a query costs the pages the visitor sees (and the
     one clicked next is then in the browser's cache). */

  // [start, end) character ranges of `chars` that hold a query word: a whole
  // word, or a word's start for the last word typed (searched as a prefix);
  // inside text written without spaces, anywhere.
  function matches(chars, words, prefix) {
    var lower = chars.map(function (c) { return c === 'ς' ? 'σ' : c.toLowerCase(); });
    // "_" separates words here, as the index splits DEADLINE_EXCEEDED.
    var isWord = function (i) { return i >= 0 && i < chars.length && chars[i] !== '_' && WORD_CHAR.test(chars[i]); };
    var DIGIT = /\p{N}/u;
    var out = [];
    words.forEach(function (w, n) {
      var t = Array.from(w);
      var unspaced = UNSPACED.test(t[0]);
      var open = prefix && n === words.length - 1;
      for (var i = 0; i + t.length <= chars.length; i++) {
        var k = 0;
        while (k < t.length && lower[i + k] === t[k]) k++;
        if (k < t.length) continue;
        var end = i + t.length;
        if (!unspaced) {
          // A number matches inside a code: 53003 in AADSTS53003.
          if (isWord(i - 1) && !(DIGIT.test(t[0]) && !DIGIT.test(chars[i - 1]))) continue;
          if (open) while (isWord(end)) end++;
          else if (isWord(end)) continue;
        }
        out.push([i, end, n]);
        i = end - 1;
      }
    });
    return out.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
  }

  var EXCERPT_BEFORE = 60, EXCERPT_LENGTH = 220;

  // Fills `target` with the excerpt of `text` around its first match, as
  // text nodes and <mark>s; false when `text` holds no query word.
  function showExcerpt(target, text, words, prefix) {
    var chars = Array.from(text.replace(/\s+/g, ' ').trim());
    var found = matches(chars, words, prefix);
    if (!found.length) return false;
    // The passage that holds the most of the query's words, the first of those.
    var best = found[0], most = 0;
    found.slice(0, 300).forEach(function (m, i) {
      var seen = {}, distinct = 0;
      for (var j = i; j < found.length && found[j][1] <= m[0] + EXCERPT_LENGTH - EXCERPT_BEFORE; j++) {
        if (!seen[found[j][2]]) { seen[found[j][2]] = true; distinct++; }
      }
      if (distinct > most) { most = distinct; best = m; }
    });
    var from = Math.max(0, best[0] - EXCERPT_BEFORE);
    var to = Math.min(chars.length, from + EXCERPT_LENGTH);
    // Start and end on word boundaries where there is one near.
    if (from > 0) { var sp = chars.indexOf(' ', from); if (sp >= 0 && sp < best[0]) from = sp + 1; }
    if (to < chars.length) { var back = chars.lastIndexOf(' ', to); if (back > best[1]) to = back; }
    target.textContent = '';
    var at = from;
    function plain(a, b) { if (b > a) target.appendChild(doc.createTextNode(chars.slice(a, b).join(''))); }
    if (from > 0) target.appendChild(doc.createTextNode('… '));
    found.forEach(function (m) {
      if (m[0] < at || m[1] > to) return;
      plain(at, m[0]);
      target.appendChild(el('mark', '', chars.slice(m[0], m[1]).join('')));
      at = m[1];
    });
    plain(at, to);
    if (to < chars.length) target.appendChild(doc.createTextNode(' …'));
    return true;
  }

  // A parsed page's text as it reads: blocks and cells apart, without the
  // heading anchors and the code blocks' labels and buttons.
  function readableText(node) {
    Array.prototype.forEach.call(node.querySelectorAll('.anchor, .code-head, button, script, style, template'), function (n) {
      n.remove();
    });
    Array.prototype.forEach.call(node.querySelectorAll('p, li, td, th, dt, dd, h1, h2, h3, h4, h5, h6, pre, blockquote, div, br, tr'), function (n) {
      n.appendChild(n.ownerDocument.createTextNode(/^H\d$/.test(n.tagName) ? ' · ' : ' '));
    });
    return node.textContent;
  }

  function excerpts(words, prefix) {
    var pending = [];
    function load(link) {
      fetch(link.href).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.text();
      }).then(function (html) {
        var page = new DOMParser().parseFromString(html, 'text/html');
        var target = link.querySelector('.search-hit-summary');
        if (!target) {
          target = el('span', 'search-hit-summary');
          link.appendChild(target);
        }
        // The body, else the summary; a page that matched by its title or
        // code alone keeps the summary it shows.
        var sources = ['main .body', 'main .page-summary'];
        target.classList.add('search-hit-excerpt');
        for (var i = 0; i < sources.length; i++) {
          var node = page.querySelector(sources[i]);
          if (node && showExcerpt(target, readableText(node), words, prefix)) return;
        }
        target.classList.remove('search-hit-excerpt');
      }).catch(function () { /* the summary stays */ });
    }
    if (!window.IntersectionObserver || !window.DOMParser) {
      return { watch: function (link) { if (pending.length < 10) { pending.push(link); load(link); } } };
    }
    var seen = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting) {
          seen.unobserve(e.target);
          load(e.target);
        }
      });
    }, { rootMargin: '200px 0px' });
    return { watch: function (link) { seen.observe(link); } };
  }

  function debounce(fn, ms) {
    var timer = 0;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  // Runs queries in order, dropping answers to queries typed over.
  function searcher(index, show, fail) {
    var seq = 0;
    return function (text, limit) {
      var mine = ++seq;
      return index.query(text).then(function (r) {
        return index.documents(r.hits.slice(0, limit)).then(function (docs) {
          if (mine === seq) show(text, r, docs);
        });
      }).catch(function (e) {
        if (mine === seq) fail(e);
      });
    };
  }

  function searchBox(index) {
    var input = doc.getElementById('search-input');
    var form = input && input.form;
    if (!form) return;
    var list = el('ul', 'search-suggest');
    list.id = 'search-suggest';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', say('search_results'));
    list.hidden = true;
    var status = el('p', 'search-suggest-status');
    status.id = 'search-suggest-status';
    status.setAttribute('aria-live', 'polite');
    status.hidden = true;
    form.appendChild(list);
    form.appendChild(status);
    form.classList.add('has-suggest');
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', 'search-suggest');
    input.setAttribute('aria-expanded', 'false');
    var active = -1;

    function options() { return list.querySelectorAll('[role=option]'); }

    function close() {
      list.hidden = true;
      status.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }

    function select(n) {
      var opts = options();
      if (!opts.length) return;
      active = (n + opts.length) % opts.length;
      Array.prototype.forEach.call(opts, function (o, i) { o.setAttribute('aria-selected', i === active ? 'true' : 'false'); });
      input.setAttribute('aria-activedescendant', opts[active].id);
      opts[active].scrollIntoView({ block: 'nearest' });
    }

    var run = searcher(index, function (text, r, docs) {
      list.textContent = '';
      active = -1;
      input.removeAttribute('aria-activedescendant');
      docs.forEach(function (d, i) {
        // The link is the option, so no control sits inside another.
        var li = el('li');
        li.setAttribute('role', 'none');
        var a = hitLink(d);
        a.id = 'search-option-' + i;
        a.setAttribute('role', 'option');
        a.setAttribute('aria-selected', 'false');
        a.tabIndex = -1;
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = !docs.length;
      input.setAttribute('aria-expanded', docs.length ? 'true' : 'false');
      status.hidden = false;
      // With options on screen the count is for screen readers only.
      status.className = 'search-suggest-status' + (docs.length ? ' visually-hidden' : '');
      status.textContent = docs.length
        ? (r.partial ? say('results_partial', { results: countResults(r.hits.length) }) : countResults(r.hits.length))
        : say('no_results', { query: text.trim() });
    }, function () {
      list.hidden = true;
      status.hidden = false;
      status.className = 'search-suggest-status';
      status.textContent = say('search_unavailable');
    });

    var update = debounce(function () {
      if (input.value.trim().length < 2 || !queryWords(input.value).length) close();
      else run(input.value, SUGGESTIONS);
    }, 60);

    input.addEventListener('focus', function () { index.load().catch(function () {}); });
    input.addEventListener('input', update);
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        if (list.hidden) return;
        e.preventDefault();
        select(active + (e.key === 'ArrowDown' ? 1 : -1));
      } else if (e.key === 'Enter' && active >= 0) {
        e.preventDefault();
        window.location.href = options()[active].href;
      } else if (e.key === 'Escape') {
        if (!list.hidden || !status.hidden) { e.preventDefault(); close(); }
      }
    });
    doc.addEventListener('click', function (e) {
      if (!form.contains(e.target)) close();
    });
  }

  function searchPage(index) {
    var results = doc.getElementById('search-results');
    var input = doc.getElementById('search-page-input');
    if (!results || !input) return;
    var status = doc.getElementById('search-status');
    var run = searcher(index, function (text, r, docs) {
      results.textContent = '';
      var ol = el('ol', 'search-list');
      var prefix = !/\s$/.test(text);
      var excerpt = excerpts(queryWords(text), prefix);
      docs.forEach(function (d) {
        var li = el('li');
        var link = hitLink(d);
        li.appendChild(link);
        ol.appendChild(li);
        excerpt.watch(link);
      });
      if (docs.length) results.appendChild(ol);
      var all = r.hits.length <= docs.length;
      status.textContent = docs.length
        ? say(all ? 'results_for' : 'results_first_shown', { results: countResults(r.hits.length), query: text.trim(), shown: docs.length })
        : say('no_results_hint', { query: text.trim() });
    }, function () {
      status.textContent = say('search_index_failed');
    });
    function go() {
      var q = input.value;
      if (window.history && history.replaceState) {
        var url = new URL(window.location.href);
        if (q.trim()) url.searchParams.set('q', q); else url.searchParams.delete('q');
        history.replaceState(null, '', url);
      }
      if (queryWords(q).length) {
        run(q, PAGE_RESULTS);
        return;
      }
      results.textContent = '';
      status.textContent = q.trim() ? say('no_results_symbols', { query: q.trim() }) : '';
    }
    var q = new URLSearchParams(window.location.search).get('q') || '';
    input.value = q;
    input.addEventListener('input', debounce(go, 60));
    input.form.addEventListener('submit', function (e) { e.preventDefault(); go(); });
    if (q) go();
  }

  function search() {
    if (!window.fetch || !window.Map || !window.Promise) return;
    // A language's section has its own index.
    var site = root.getAttribute('data-base') || '/';
    var index = new SearchIndex(root.getAttribute('data-section') || site, site);
    searchBox(index);
    searchPage(index);
  }

  /* ---------- Start-up ---------- */

  var features = [themeToggle, copyButtons, slashToSearch, providerFilter, search];

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
