// The 一人一策 handout as an A4 sheet, built with DOM calls only (no HTML
// from data). Shared by the print view (print.js: print.html) and the
// workspace (app.js: the sheet the browser prints from a graduate's page),
// so that whatever prints a graduate prints the same page. One global:
// window.JobmatchHandout = { sheet, fit }.
'use strict';

window.JobmatchHandout = (function () {
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

return { sheet, fit };
})();
