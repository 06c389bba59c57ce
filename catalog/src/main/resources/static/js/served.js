// Says how this page reached the browser. The server repeats its page cache's X-Cache header as Server-Timing,
// the one response header a page can read about its own load; a page from the page cache is the bytes stored when
// it was rendered, so the footer's first line describes that rendering, and this line says when it was.
(function () {
  'use strict';
  function describe() {
    var footer = document.getElementById('served');
    var line = document.getElementById('page-cache');
    if (!footer || !line || footer.dataset.signedIn === 'true') {
      return;
    }
    var navigation = performance.getEntriesByType('navigation')[0];
    var timings = navigation && navigation.serverTiming ? navigation.serverTiming : [];
    var cache = timings.filter(function (timing) { return timing.name === 'page-cache'; })[0];
    var outcome = document.createElement('span');
    line.textContent = 'Page cache: ';
    line.appendChild(outcome);
    if (!cache) {
      outcome.textContent = 'not used for this page.';
      return;
    }
    outcome.textContent = cache.description;
    outcome.className = cache.description === 'HIT' ? 'hit' : 'miss';
    var seconds = Math.max(0, Math.round((Date.now() - Date.parse(footer.dataset.renderedAt)) / 1000));
    if (cache.description === 'HIT') {
      line.appendChild(document.createTextNode(': this copy was rendered ' + seconds
        + ' s ago, for an earlier visitor; serving it ran no query and rendered nothing.'));
    } else if (cache.description === 'MISS') {
      line.appendChild(document.createTextNode(': rendered for this request, and kept for the next visitor.'));
    }
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', describe);
  } else {
    describe();
  }
})();
