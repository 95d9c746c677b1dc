// The 一人一策 handout's print view. print.html?graduate=ID shows one
// graduate's handout, print.html?caseload=1[&district=D] the handouts of
// the caller's 一人一策 caseload, one A4 sheet each. It reads the same
// handout the PDF is drawn from (GET /v1/graduates/{id}/handout,
// /v1/caseload/handouts) with the workspace's sign-in, builds the sheets
// with DOM calls only (no HTML from data), and sets a long plan smaller
// until it fits its page.
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

const day = (s) => (s || '').slice(0, 10);

function postDetails(it) {
  let where = it.address || it.district || '—';
  if (it.address && it.district && !it.address.includes(it.district)) where = it.district + ' ' + it.address;
  const out = ['地址：' + where + '；薪资：' + (it.salary_text || '—') + '；报名截止：' + (it.deadline ? day(it.deadline) : '招满为止')];
  if (it.requirements && it.requirements.length) out.push('要求：' + it.requirements.join('；'));
  if (it.how_to_apply) out.push('报名方式：' + it.how_to_apply);
  return out;
}

function courseDetails(it) {
  const first = [];
  if (it.start_date) first.push('时间：' + day(it.start_date) + (it.end_date ? ' 至 ' + day(it.end_date) : ''));
  first.push('地点：' + (it.district || '—'), '名额：' + (it.places || 0) + '人');
  const out = [first.join('；')];
  if (it.sessions && it.sessions.length) out.push('其他班期：' + it.sessions.join('、'));
  if (it.how_to_apply) out.push('报名方式：' + it.how_to_apply);
  return out;
}

function section(n, title, items, details) {
  const frag = document.createDocumentFragment();
  frag.append(el('h2', '', n + '、' + title + '（' + items.length + '）'));
  if (!items.length) { frag.append(el('p', 'none', '暂无')); return frag; }
  const ol = el('ol');
  for (const it of items) {
    const li = el('li', 'item', el('div', 't', it.title + ' — ' + (it.employer || '')));
    for (const d of details(it)) li.append(el('div', 'd', d));
    ol.append(li);
  }
  frag.append(ol);
  return frag;
}

function sheet(h) {
  const g = h.graduate, c = h.counselor;
  const inner = el('div', 'inner');
  inner.append(el('header', '', el('div', 'bureau', h.header.bureau), el('h1', '', h.header.title),
    el('div', 'office', h.header.office + '　制表日期：' + day(h.as_of))));
  const who = el('div', 'who');
  for (const [k, v] of [['姓名', g.name], ['编号', g.id], ['学校', g.school], ['专业', g.major], ['学历', g.degree]]) {
    if (v) who.append(el('span', '', k + '：' + v));
  }
  if (g.graduation_year) who.append(el('span', '', g.graduation_year + '届'));
  inner.append(who);
  inner.append(el('div', 'who', '就业指导员：' + (c.name || '—') + (c.district ? '（' + c.district + '）' : '') + '　联系方式：' +
    (c.contact || '请到' + h.header.office + '咨询')));
  inner.append(section('一', '推荐岗位', h.posts, postDetails));
  if (h.channel_note && h.posts.length) inner.append(el('div', 'channel-note', '岗位渠道：' + h.channel_note));
  inner.append(section('二', '就业见习', h.internships, postDetails));
  inner.append(section('三', '培训课程', h.courses, courseDetails));
  inner.append(el('h2', '', '四、可申请的补贴（' + h.subsidies.length + '）'));
  if (!h.subsidies.length) inner.append(el('p', 'none', '暂无'));
  const ol = el('ol');
  for (const s of h.subsidies) {
    const li = el('li', 'item', el('div', 't', s.name + '：' + s.amount));
    if (s.apply) li.append(el('div', 'd', '申请：' + s.apply));
    if (s.verify && s.verify.length) li.append(el('div', 'd', '需核实：' + s.verify.join('；')));
    li.append(el('div', 'q', '依据：' + s.item + '　' + s.quote));
    ol.append(li);
  }
  inner.append(ol);
  if (h.missing && h.missing.length) inner.append(el('div', 'missing', '尚待补充：' + h.missing.join('；')));
  inner.append(el('div', 'foot', '依据：' + h.header.source + '　' + h.header.quote));
  const art = el('article', 'sheet', inner);
  art.dataset.graduate = g.id;
  return art;
}

// fit sets a sheet's text smaller, in steps down to 55%, until it fits
// the sheet's A4 height.
function fit(art) {
  const inner = art.firstChild;
  for (let k = 1; k >= 0.55; k -= 0.05) {
    inner.style.fontSize = k + 'em';
    if (inner.scrollHeight <= art.clientHeight) return;
  }
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
    const art = sheet(h);
    root.append(art);
    fit(art);
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
