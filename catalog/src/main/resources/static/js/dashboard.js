// The cache dashboard: polls the service's sampled cache meters every few seconds, draws each cache's hit ratio
// over time with uPlot, and fills the tables of caches, Redis servers and alert rules.
(function () {
  'use strict';
  var COLORS = ['#2456c9', '#067647', '#b54708', '#7a2ec7', '#b42318', '#0e7490', '#4d5761'];
  var root = document.getElementById('dashboard');
  var chart = null;
  var chartCaches = '';

  function cell(row, text, className) {
    var td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '–' : String(text);
    if (className) {
      td.className = className;
    }
    row.appendChild(td);
    return td;
  }

  function number(value) {
    return value === null || value === undefined ? '–' : Number(value).toLocaleString('en');
  }

  function percent(ratio) {
    return ratio === null || ratio === undefined ? '–' : (ratio * 100).toFixed(1) + ' %';
  }

  function bytes(value) {
    if (value === null || value === undefined) {
      return '–';
    }
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    var unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return value.toFixed(unit === 0 ? 0 : 1) + ' ' + units[unit];
  }

  function fill(table, rows, render) {
    var body = document.querySelector('#' + table + ' tbody');
    body.replaceChildren();
    rows.forEach(function (item) {
      var row = document.createElement('tr');
      render(row, item);
      body.appendChild(row);
    });
  }

  function caches(view) {
    fill('caches', view.caches, function (row, cache) {
      row.dataset.cache = cache.alias;
      cell(row, cache.alias);
      cell(row, cache.store);
      cell(row, number(cache.hits));
      cell(row, number(cache.misses));
      cell(row, number(cache.stale));
      cell(row, percent(cache.hitRatio), 'hit-ratio');
      cell(row, number(cache.firstTier));
      cell(row, number(cache.secondTier));
      cell(row, number(cache.loads));
      cell(row, cache.loadMillis === null ? null : cache.loadMillis.toFixed(1) + ' ms');
      cell(row, number(cache.loadFailures));
      var errors = Object.keys(cache.errors).filter(function (cause) { return cache.errors[cause] > 0; })
        .map(function (cause) { return cause + ' ' + number(cache.errors[cause]); });
      cell(row, errors.length ? errors.join(', ') : 'none', errors.length ? 'warn' : '');
      cell(row, cache.breaker, 'breaker breaker-' + cache.breaker);
      cell(row, number(cache.pendingInvalidations), cache.pendingInvalidations > 0 ? 'warn' : '');
      cell(row, number(cache.localEntries));
    });
  }

  function redis(view) {
    if (!view.redis.length) {
      fill('redis', [null], function (row) {
        var td = cell(row, 'No Redis: every cache is in process (cachet.defaults.store=local).');
        td.colSpan = 7;
      });
      return;
    }
    fill('redis', view.redis, function (row, server) {
      cell(row, server.server);
      if (!server.up) {
        var down = cell(row, 'down: ' + server.error, 'warn-bad');
        down.colSpan = 6;
        return;
      }
      var info = server.summary;
      var memory = cell(row, '');
      if (server.memoryRatio !== null) {
        var bar = document.createElement('span');
        bar.className = 'bar';
        var filled = document.createElement('span');
        filled.style.width = Math.min(100, server.memoryRatio * 100).toFixed(1) + '%';
        bar.appendChild(filled);
        memory.appendChild(bar);
      }
      memory.appendChild(document.createTextNode(bytes(info.usedMemory) + ' of '
        + (info.maxMemory ? bytes(info.maxMemory) + ' (' + percent(server.memoryRatio) + ')' : 'unbounded (no maxmemory)')));
      cell(row, server.noEviction ? info.policy + ': writes fail when full' : info.policy, server.noEviction ? 'warn-bad' : '');
      cell(row, number(info.evictedKeys));
      cell(row, number(server.keys));
      cell(row, number(info.keyspaceHits) + ' / ' + number(info.keyspaceMisses));
      cell(row, number(info.clients));
    });
  }

  function alerts(view) {
    fill('alerts', view.alerts, function (row, alert) {
      row.dataset.rule = alert.rule;
      cell(row, alert.rule);
      cell(row, alert.severity);
      cell(row, alert.state, 'state-' + alert.state);
      cell(row, alert.subject);
      cell(row, alert.state === 'inactive' ? '' : alert.heldSeconds + ' s / ' + alert.forSeconds + ' s');
      cell(row, alert.summary);
    });
  }

  function plot(view) {
    var names = Object.keys(view.hitRatio.ratios);
    var data = [view.hitRatio.at].concat(names.map(function (name) { return view.hitRatio.ratios[name]; }));
    var box = document.getElementById('hit-ratio-chart');
    if (!chart || chartCaches !== names.join()) {
      if (chart) {
        chart.destroy();
      }
      chartCaches = names.join();
      chart = new uPlot({
        width: Math.max(320, box.clientWidth),
        height: 240,
        scales: { y: { range: [0, 1] } },
        axes: [{}, { values: function (self, ticks) { return ticks.map(function (tick) { return Math.round(tick * 100) + '%'; }); } }],
        series: [{}].concat(names.map(function (name, i) {
          return { label: name, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true,
            value: function (self, ratio) { return percent(ratio); } };
        }))
      }, data, box);
    } else {
      chart.setData(data);
    }
  }

  function refresh() {
    fetch(root.dataset.stats, { headers: { Accept: 'application/json' }, cache: 'no-store' })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('the service answered ' + response.status);
        }
        return response.json();
      })
      .then(function (view) {
        document.getElementById('updated').textContent = view.at
          ? 'Sampled at ' + new Date(view.at).toLocaleTimeString('en-GB') + ', every ' + view.intervalSeconds + ' s; this page asks every 3 s.'
          : 'Waiting for the first sample…';
        caches(view);
        redis(view);
        alerts(view);
        plot(view);
        root.dataset.loaded = 'true';
      })
      .catch(function (error) {
        document.getElementById('updated').textContent = 'Could not read the caches: ' + error.message;
      });
  }

  refresh();
  setInterval(refresh, 3000);
})();
