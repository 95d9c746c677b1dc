// The dashboard's charts: four SVG documents the server draws
// (/v1/caseload/charts/*.svg) for the caller's scope, put into #charts
// whenever the caseload is shown or its district filter changes. The SVG
// is parsed as XML and imported as elements; nothing is run from it.
'use strict';

(function () {
  const CHARTS = ['milestones', 'districts', 'contacts', 'plans'];
  let loading = '';

  function auth() {
    const h = { Accept: 'image/svg+xml' };
    const key = sessionStorage.getItem('jobmatch.key');
    if (key) h.Authorization = 'Bearer ' + key;
    return h;
  }

  async function chart(name, q) {
    const res = await fetch('/v1/caseload/charts/' + name + '.svg' + q, { headers: auth(), cache: 'no-store', credentials: 'same-origin', referrerPolicy: 'no-referrer' });
    if (!res.ok) throw new Error(name + ': ' + res.status);
    const doc = new DOMParser().parseFromString(await res.text(), 'image/svg+xml');
    const svg = doc.documentElement;
    if (svg.nodeName !== 'svg') throw new Error(name + ': not an SVG');
    for (const s of svg.querySelectorAll('script, foreignObject')) s.remove();
    const fig = document.createElement('figure');
    fig.className = 'chart';
    fig.dataset.chart = name;
    fig.append(document.importNode(svg, true));
    return fig;
  }

  async function load() {
    const view = document.getElementById('caseload-view');
    const box = document.getElementById('charts');
    // Signed in (by key or by the session cookie): the sign-out button shows.
    const out = document.getElementById('signout');
    if (!view || !box || view.hidden || !out || out.hidden) return;
    const sel = document.getElementById('f-district');
    const d = sel && !sel.closest('[hidden]') ? sel.value : '';
    const q = d ? '?district=' + encodeURIComponent(d) : '';
    if (loading === q && box.childElementCount) return;
    loading = q;
    const figs = await Promise.all(CHARTS.map((c) => chart(c, q).catch((e) => {
      const p = document.createElement('p');
      p.className = 'muted';
      p.textContent = '图表加载失败：' + e.message;
      return p;
    })));
    if (loading !== q) return;
    box.replaceChildren(...figs);
    box.dataset.ready = String(figs.filter((f) => f.nodeName === 'FIGURE').length);
  }

  document.addEventListener('DOMContentLoaded', () => {
    const view = document.getElementById('caseload-view');
    if (view) new MutationObserver(() => { if (view.hidden) { loading = ''; document.getElementById('charts').replaceChildren(); } else { load(); } }).observe(view, { attributes: true, attributeFilter: ['hidden'] });
    document.addEventListener('change', (e) => { if (e.target && e.target.id === 'f-district') { loading = ''; load(); } });
    load();
  });
})();
