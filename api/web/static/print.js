// The 一人一策 handout's print view. print.html?graduate=ID shows one
// graduate's handout, print.html?caseload=1[&district=D] the handouts of
// the caller's 一人一策 caseload, one A4 sheet each. It reads the same
// handout the PDF is drawn from (GET /v1/graduates/{id}/handout,
// /v1/caseload/handouts) with the workspace's sign-in, and builds the
// sheets with handout.js (a long plan set smaller until it fits its page).
'use strict';

const KEY = 'jobmatch.key';
const params = new URLSearchParams(location.search);
const state = document.getElementById('state');

function headers() {
  const h = { Accept: 'application/json' };
  const key = sessionStorage.getItem(KEY);
  if (key) h.Authorization = 'Bearer ' + key;
  return h;
}

async function get(path) {
  const res = await fetch(path, { headers: headers(), cache: 'no-store', credentials: 'same-origin', referrerPolicy: 'no-referrer' });
  if (!res.ok) {
    let msg = '请求失败（' + res.status + '）';
    try { msg = (await res.json()).message || msg; } catch (e) { /* not JSON */ }
    if (res.status === 401) msg = '请先在工作台登录';
    throw new Error(msg);
  }
  return res;
}

function el(tag, cls, ...kids) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  for (const k of kids) if (k !== null && k !== undefined && k !== '') e.append(k);
  return e;
}

async function download(path, fallback) {
  const res = await get(path);
  const blob = await res.blob();
  const a = el('a');
  a.href = URL.createObjectURL(blob);
  a.download = fallback;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

async function main() {
  const id = params.get('graduate');
  const district = params.get('district') || '';
  const dq = district ? '?district=' + encodeURIComponent(district) : '';
  let hs, pdf, name;
  try {
    if (id) {
      const h = await (await get('/v1/graduates/' + encodeURIComponent(id) + '/handout')).json();
      hs = [h];
      pdf = '/v1/graduates/' + encodeURIComponent(id) + '/handout.pdf';
      name = '一人一策-' + id;
      document.getElementById('to-workspace').href = './#/g/' + encodeURIComponent(id);
    } else if (params.get('caseload')) {
      hs = (await (await get('/v1/caseload/handouts' + dq)).json()).handouts;
      pdf = '/v1/caseload/handouts.pdf' + dq;
      name = '一人一策-' + (district || '本区');
      const x = document.getElementById('do-xlsx');
      x.hidden = false; x.disabled = false;
      x.addEventListener('click', () => download('/v1/caseload/plans.xlsx' + dq, name + '.xlsx').catch((e) => { state.textContent = e.message; }));
    } else {
      throw new Error('缺少参数：graduate 或 caseload');
    }
  } catch (e) {
    state.textContent = e.message;
    return;
  }
  const root = document.getElementById('sheets');
  for (const h of hs) {
    const art = JobmatchHandout.sheet(h);
    root.append(art);
    JobmatchHandout.fit(art);
  }
  state.textContent = '共 ' + hs.length + ' 人，每人一页（A4）';
  document.body.dataset.ready = String(hs.length);
  const p = document.getElementById('do-print');
  p.disabled = false;
  p.addEventListener('click', () => window.print());
  const d = document.getElementById('do-pdf');
  d.disabled = false;
  d.addEventListener('click', () => download(pdf, name + '.pdf').catch((e) => { state.textContent = e.message; }));
}

main();
