// jobmatch counselor workspace. Plain JavaScript, no dependencies: the
// machines it runs on are offline. Every call goes to the REST API with the
// session cookie a password sign-in set (HttpOnly: this script never sees
// it; state-changing calls send the session's CSRF token, kept in memory
// only), or with an API key from sessionStorage as Authorization: Bearer.
// The page is built with
// textContent only, never by parsing HTML strings, so stored data cannot
// become markup.
'use strict';

const KEY = 'jobmatch.key';
const NOTICE = 'jobmatch.notice';
const PAGE = 20;

const DEGREES = ['不限', '中专/高中', '大专', '本科', '硕士', '博士'];
const STATUS = { unregistered: '未登记', seeking: '求职中', placed: '已落实', employed: '已就业', studying: '升学' };
const CHANNELS = {
  public_sector: '党政机关事业单位', state_owned: '国有企业', sme: '中小微企业',
  grassroots: '基层服务项目', military: '征兵入伍', self_employed: '自主创业灵活就业',
};
const KINDS = { job: '岗位', internship: '就业见习', course: '培训课程' };
const HARDSHIP = {
  poverty_family: '脱贫家庭', low_income: '低保/低收入家庭', zero_employment: '零就业家庭',
  disability: '残疾', long_unemployed: '长期未就业',
};
const METHODS = { phone: '电话', sms: '短信', wechat: '微信', visit: '上门走访', meeting: '面谈', email: '邮件', other: '其他' };
const OUTCOMES = { reached: '已联系上', no_answer: '未接通', wrong_number: '号码错误', declined: '拒绝服务' };
const DISTRICTS = ['天山区', '沙依巴克区', '新市区', '水磨沟区', '头屯河区', '达坂城区', '米东区', '乌鲁木齐县'];
const PERIOD = { month: '元/月', day: '元/天', hour: '元/时', year: '元/年' };

// The caseload opens on the graduates still looking (unregistered or
// seeking): they are the work. "全部" in the status filter shows everyone.
const DEFAULT_STATUS = 'looking';

const state = {
  me: null,
  csrf: '', // the session's CSRF token (memory only)
  filters: { q: '', district: '', status: DEFAULT_STATUS, hardship: '', overdue: false },
  offset: 0,
  graduate: null, // the open graduate's id
  shortlist: null,
  tab: 'job',
  recs: {},
};

// ---------------------------------------------------------------- helpers

const $ = (id) => document.getElementById(id);

// el builds an element: el('td', {class: 'x'}, 'text', child, …).
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids.flat()) {
    if (k === undefined || k === null || k === false) continue;
    e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return e;
}

function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

// date shows the date part of an RFC 3339 time; "" for none or Go's zero time.
function date(s) {
  if (!s || s.startsWith('0001-')) return '';
  return s.slice(0, 10);
}

function dateTime(s) {
  if (!s || s.startsWith('0001-')) return '';
  const d = new Date(s);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

function pct(x) { return (Math.round(x * 1000) / 10).toFixed(1) + '%'; }

function salary(s) {
  if (!s) return '';
  if (s.negotiable && !s.min && !s.max) return '面议';
  const unit = PERIOD[s.period] || '元/月';
  if (s.min && s.max && s.min !== s.max) return `${s.min}–${s.max}${unit}`;
  if (s.min || s.max) return `${s.min || s.max}${unit}${s.open_ended ? '起' : ''}`;
  return s.negotiable ? '面议' : '';
}

function flash(msg, kind) {
  const f = $('flash');
  f.textContent = msg;
  f.className = 'flash ' + (kind || 'info');
  f.hidden = !msg;
  clearTimeout(flash.t);
  if (msg && kind !== 'error') flash.t = setTimeout(() => { f.hidden = true; }, 4000);
}

class APIError extends Error {
  constructor(status, problem) {
    super((problem && problem.message) || `请求失败（${status}）`);
    this.status = status;
    this.problem = problem;
  }
}

// api calls the REST API with the signed-in key. A 401 signs out.
async function api(method, path, body) {
  const key = sessionStorage.getItem(KEY);
  const headers = { Accept: 'application/json' };
  if (key) headers.Authorization = 'Bearer ' + key;
  else if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  // A key goes in its header and no cookie rides along; a session is the
  // cookie of this origin.
  const init = { method, headers, cache: 'no-store', credentials: key ? 'omit' : 'same-origin', referrerPolicy: 'no-referrer' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new APIError(0, { message: '无法连接服务器，请检查网络' });
  }
  let data = null;
  try { data = await res.json(); } catch (e) { /* empty or not JSON */ }
  if (!res.ok) {
    const err = new APIError(res.status, data);
    // A 401 while signed in (key revoked or expired) signs out; during
    // sign-in it is the form's error.
    if (res.status === 401 && state.me) signOut(err.message);
    throw err;
  }
  return data;
}

function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v !== undefined && v !== null) u.set(k, v);
  const s = u.toString();
  return s ? '?' + s : '';
}

// ---------------------------------------------------------------- sign-in

async function signIn(key) {
  sessionStorage.setItem(KEY, key);
  try {
    const me = await api('GET', '/v1/me');
    state.me = me;
    return me;
  } catch (e) {
    sessionStorage.removeItem(KEY);
    if (e.status === 403) throw new APIError(403, { message: '该密钥不是就业指导员或管理员密钥，无法使用工作台' });
    throw e;
  }
}

// signInPassword signs in with a name and password: the server sets the
// session cookie and answers the CSRF token, which stays in this page's
// memory only (a reload asks /v1/me for it again).
async function signInPassword(name, password) {
  sessionStorage.removeItem(KEY);
  const me = await api('POST', '/v1/session', { name, password });
  state.me = me;
  state.csrf = me.csrf_token || '';
  return me;
}

// resumeSession finds a session the cookie still holds (a reload, a new
// tab): null when there is none.
async function resumeSession() {
  try {
    const me = await api('GET', '/v1/me');
    state.me = me;
    state.csrf = me.csrf_token || '';
    return me;
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

// signOut leaves no trace of the person in the page: the session ends on
// the server (which also clears the cookie and tells the browser to drop
// the site's storage), the session storage is emptied and the page
// reloaded, so the next person starts from the page as served — no
// filters, paging, open graduate or rendered rows of the previous one.
// The only thing carried over is why (a notice).
async function signOut(msg) {
  const me = state.me;
  state.me = null;
  if (me && me.via === 'session') {
    try {
      await fetch('/v1/session', { method: 'DELETE', headers: { 'X-CSRF-Token': state.csrf || '' }, credentials: 'same-origin', cache: 'no-store' });
    } catch (e) { /* offline: the session times out on the server */ }
  }
  state.csrf = '';
  sessionStorage.clear();
  if (msg) sessionStorage.setItem(NOTICE, msg);
  location.replace(location.pathname);
}

// showSignIn shows the sign-in form, with the notice a sign-out left.
function showSignIn() {
  const msg = sessionStorage.getItem(NOTICE) || '';
  sessionStorage.removeItem(NOTICE);
  state.me = null;
  if (location.hash) history.replaceState(null, '', location.pathname);
  show('signin-view');
  $('signout').hidden = true;
  $('who').textContent = '';
  const e = $('signin-error');
  e.textContent = msg;
  e.hidden = !msg;
}

function show(id) {
  for (const v of ['signin-view', 'caseload-view', 'graduate-view']) $(v).hidden = v !== id;
}

function renderWho() {
  const me = state.me;
  const role = me.role === 'admin' ? '管理员' : '就业指导员';
  $('who').textContent = me.district ? `${me.district} · ${role}${me.name ? '（' + me.name + '）' : ''}` : `全市 · ${role}${me.name ? '（' + me.name + '）' : ''}`;
  $('signout').hidden = false;
  $('f-district-wrap').hidden = me.role !== 'admin';
}

// ---------------------------------------------------------------- caseload

// caseloadSeq numbers caseload loads: filters changed in quick succession
// start overlapping loads, and only the latest may render (an earlier answer
// arriving last would show the rows of the old filters).
let caseloadSeq = 0;

async function loadCaseload() {
  show('caseload-view');
  const seq = ++caseloadSeq;
  const f = state.filters;
  const district = state.me.role === 'admin' ? f.district : '';
  const [sum, list] = await Promise.all([
    api('GET', '/v1/caseload/summary' + qs({ district })),
    api('GET', '/v1/graduates' + qs({
      q: f.q, district, status: f.status, hardship: f.hardship, overdue: f.overdue ? 'yes' : '',
      limit: PAGE, offset: state.offset,
    })),
  ]);
  if (seq !== caseloadSeq) return;
  renderDashboard(sum);
  renderCaseload(list);
}

// ratePart says what a rate counts: numerator / denominator and the
// population the plan means (this year's graduates; registration on Urumqi
// hukou), so a rate is never read as one of the whole ledger (issue 9, item 7).
function ratePart(verb, r, n) {
  if (!r || !r.population) return `${verb} ${n} 人`;
  return `${verb} ${r.numerator} / ${r.denominator} 人（${r.population}）`;
}

function renderDashboard(s) {
  const d = clear($('dashboard'));
  const next = (s.milestones || []).find((m) => m.next);
  const card = (label, value, sub, cls, attrs) => el('div', Object.assign({ class: 'stat ' + (cls || '') }, attrs || {}),
    el('div', { class: 'stat-label' }, label), el('div', { class: 'stat-value' }, value), el('div', { class: 'stat-sub' }, sub || ''));
  d.append(
    card('服务对象', String(s.total), (s.district || '全市') + (s.hardship ? ` · 就业困难 ${s.hardship} 人` : '')),
    card('登记率', pct(s.registration_rate), ratePart('已登记', s.registration, s.registered) + (next && next.registered_target ? ` · 目标 ${pct(next.registered_target)}` : ''),
      next && next.registered_met === false ? 'warn' : 'ok', { id: 'stat-registered' }),
    card('去向落实率', pct(s.placement_rate), ratePart('已落实', s.placement, s.placed) + (next && next.placed_target ? ` · 目标 ${pct(next.placed_target)}` : ''),
      next && next.placed_met === false ? 'warn' : 'ok', { id: 'stat-placed' }),
    card('超期未联系', String(s.contact_overdue), `登记超过 ${s.contact_sla_days} 天仍未联系`, s.contact_overdue > 0 ? 'alert clickable' : 'ok',
      { id: 'stat-overdue', title: '点击只看超期未联系', onclick: () => { $('f-overdue').checked = true; applyFilters(); } }),
  );
  const rows = (s.milestones || []).map((m) => {
    const cell = (target, met, gapN, what) => {
      if (target === undefined || target === null) return el('td', { class: 'muted' }, '—');
      const ok = met;
      return el('td', { class: ok ? 'ok' : (m.passed ? 'bad' : 'warn') },
        `目标 ${pct(target)} · ` + (ok ? '已达成' : `还差 ${gapN} 人${what}`));
    };
    return el('tr', { class: m.next ? 'next' : '' },
      el('td', {}, m.date + (m.next ? '（下一节点）' : m.passed ? '（已过）' : '')),
      cell(m.registered_target, m.registered_met, m.registered_gap, '登记'),
      cell(m.placed_target, m.placed_met, m.placed_gap, '落实'));
  });
  d.append(el('div', { class: 'milestones card' },
    el('h3', {}, '工作目标节点'),
    el('table', { class: 'grid compact', id: 'milestones' },
      el('thead', {}, el('tr', {}, el('th', {}, '节点'), el('th', {}, '实名登记'), el('th', {}, '去向落实'))),
      el('tbody', {}, rows))));
}

function renderCaseload(list) {
  const tb = clear($('caseload').tBodies[0]);
  if (!list.items.length) {
    tb.append(el('tr', {}, el('td', { colspan: 10, class: 'empty' }, state.filters.q ? `没有找到“${state.filters.q}”` : '没有符合条件的毕业生')));
  }
  for (const g of list.items) {
    const open = () => { location.hash = '#/g/' + encodeURIComponent(g.id); };
    const hard = g.hardship && g.hardship.length ? el('span', { class: 'tag hard', title: g.hardship.map((h) => HARDSHIP[h] || h).join('、') }, '困难') : null;
    tb.append(el('tr', { class: 'row' + (g.contact_overdue ? ' overdue' : ''), tabindex: 0, dataset: { id: g.id },
      onclick: open, onkeydown: (e) => { if (e.key === 'Enter') open(); } },
      el('td', {}, el('a', { href: '#/g/' + encodeURIComponent(g.id), class: 'name' }, g.name || '（未填）'), ' ', hard),
      el('td', { class: 'mono' }, g.national_id || ''),
      el('td', { class: 'mono' }, g.phone || ''),
      el('td', {}, g.school || ''),
      el('td', {}, g.major || ''),
      el('td', {}, DEGREES[g.degree] || ''),
      el('td', {}, el('span', { class: 'tag st-' + (g.status || 'unregistered') }, STATUS[g.status] || '未登记')),
      el('td', {}, date(g.registered_at)),
      el('td', {}, date(g.contacted_at) || el('span', { class: 'muted' }, g.looking ? '未联系' : '—')),
      el('td', {}, g.contact_overdue
        ? el('span', { class: 'flag', title: `登记已超过 ${list.contact_sla_days} 天仍未联系` }, `⚑ 超期 ${g.overdue_days || 0} 天`)
        : (g.looking ? '' : el('span', { class: 'tag done' }, '已落实去向')))));
  }
  const from = list.total ? list.offset + 1 : 0;
  const to = list.offset + list.items.length;
  $('page-info').textContent = `第 ${from}–${to} 条，共 ${list.total} 条`;
  $('prev').disabled = list.offset === 0;
  $('next').disabled = to >= list.total;
}

function applyFilters() {
  state.filters = {
    q: $('f-q').value.trim(), district: $('f-district').value, status: $('f-status').value,
    hardship: $('f-hardship').value, overdue: $('f-overdue').checked,
  };
  state.offset = 0;
  loadCaseload().catch(showError);
}

// ---------------------------------------------------------------- graduate page

async function loadGraduate(id) {
  show('graduate-view');
  state.graduate = id;
  state.recs = {};
  clear($('print-sheet'));
  clear($('profile')).append(el('p', { class: 'muted' }, '加载中……'));
  clear($('rec-list'));
  const [g, sl, cs] = await Promise.all([
    api('GET', '/v1/graduates/' + encodeURIComponent(id)),
    api('GET', '/v1/graduates/' + encodeURIComponent(id) + '/shortlist'),
    api('GET', '/v1/graduates/' + encodeURIComponent(id) + '/contacts'),
  ]);
  if (state.graduate !== id) return;
  renderProfile(g);
  renderShortlist(sl);
  renderContacts(cs);
  selectTab(state.tab);
}

// loadPrintSheet sets the graduate's handout (handout.js), off-screen, in
// #print-sheet: what the browser prints from this page (app.css, @media
// print) is the handout's one A4 page, not the workspace with its forms,
// buttons and recommendations. Called whenever the shortlist is drawn, so
// the sheet follows every edit.
let printSeq = 0;
async function loadPrintSheet(id) {
  const seq = ++printSeq;
  let h = null;
  try {
    h = await api('GET', '/v1/graduates/' + encodeURIComponent(id) + '/handout');
  } catch (e) { /* printing falls back to the page without its controls */ }
  if (seq !== printSeq || state.graduate !== id) return;
  const box = clear($('print-sheet'));
  if (!h || !window.JobmatchHandout) return;
  const art = JobmatchHandout.sheet(h);
  box.append(art);
  JobmatchHandout.fit(art);
}

function renderProfile(g) {
  const p = clear($('profile'));
  const row = (k, v) => (v === '' || v === undefined || v === null ? null : el('div', { class: 'kv' }, el('dt', {}, k), el('dd', {}, v)));
  const hard = (g.hardship || []).map((h) => el('span', { class: 'tag hard' }, HARDSHIP[h] || h));
  p.append(
    el('h2', { id: 'g-name' }, g.name || '（未填姓名）', ' ', el('span', { class: 'tag st-' + (g.status || 'unregistered') }, STATUS[g.status] || '未登记')),
    el('dl', { class: 'profile' },
      row('身份证号', g.national_id ? el('span', { class: 'mono', id: 'g-id' }, g.national_id) : ''),
      row('手机', g.phone ? el('span', { class: 'mono', id: 'g-phone' }, g.phone) : ''),
      row('性别', g.gender),
      row('出生日期', date(g.birth_date)),
      row('学校', g.school),
      row('专业', g.major),
      row('学历', DEGREES[g.degree] || ''),
      row('毕业年份', g.graduation_year ? String(g.graduation_year) : ''),
      row('户籍', g.hukou_district),
      row('居住地', g.residence_district),
      row('技能', (g.skills || []).join('、')),
      row('证书', (g.certificates || []).join('、')),
      row('意向渠道', (g.preferred_channels || []).map((c) => CHANNELS[c] || c).join('、')),
      row('意向区域', (g.preferred_districts || []).join('、')),
      row('期望月薪', g.expected_salary ? g.expected_salary + ' 元' : ''),
      row('就业困难', hard.length ? el('span', {}, hard) : ''),
      row('登记日期', date(g.registered_at)),
      row('首次联系', date(g.contacted_at)),
      row('落实日期', date(g.placed_at))));
}

// onList reports whether id is on the current shortlist.
function onList(id) {
  const sl = state.shortlist;
  if (!sl) return false;
  return [...sl.posts, ...sl.internships, ...sl.courses].some((it) => it.id === id);
}

function renderShortlist(sl) {
  state.shortlist = sl;
  if (state.graduate) loadPrintSheet(state.graduate);
  const c = sl.check;
  const st = clear($('shortlist-status'));
  if (c.settled) {
    // A graduate with a destination: the plan asks nothing more; the list
    // is kept for reference only.
    st.className = 'status settled';
    st.append(
      el('strong', { id: 'shortlist-message' }, '✓ ' + c.message),
      el('div', { class: 'rules' }, `名单仅供参考：岗位 ${c.posts} 个，培训课程 ${c.courses} 门`));
  } else {
    st.className = 'status ' + (c.complete ? 'complete' : 'incomplete');
    st.append(
      el('strong', { id: 'shortlist-message' }, (c.complete ? '✓ ' : '⚠ ') + c.message),
      el('div', { class: 'rules' },
        `规则：岗位 ${c.posts_min}–${c.posts_max} 个（当前 ${c.posts} 个）` +
        (c.courses_min ? `；就业困难毕业生培训课程至少 ${c.courses_min} 门（当前 ${c.courses} 门）` : `；培训课程 ${c.courses} 门`)));
  }
  // The plan's state: a proposal waits for the counselor's confirmation;
  // pins and removals are kept when the nightly run proposes again.
  const planNote = { proposed: '建议方案（待确认）：标“建议”的项目由系统推荐，置顶即保留，移除后不再推荐', confirmed: '已确认的帮扶计划', draft: '' }[sl.status] || '';
  if (planNote) {
    st.append(el('div', { class: 'plan-state', id: 'plan-state', dataset: { status: sl.status } }, planNote,
      sl.status === 'proposed' ? el('button', { type: 'button', class: 'small', id: 'plan-confirm', onclick: () => edit('confirm', '') }, '确认计划') : null));
  }
  const lists = clear($('shortlist-lists'));
  const section = (title, items, kind) => {
    const ul = el('ul', { class: 'items', id: 'sl-' + kind });
    if (!items.length) ul.append(el('li', { class: 'muted' }, '暂无'));
    for (const it of items) {
      ul.append(el('li', { class: 'item' + (it.pinned ? ' pinned' : '') + (it.open ? '' : ' closed') + (it.origin === 'proposed' ? ' proposed' : ''), dataset: { id: it.id, origin: it.origin } },
        el('div', { class: 'item-main' },
          el('span', { class: 'item-title' }, it.pinned ? el('span', { class: 'tag pin' }, '置顶') : null,
            it.origin === 'proposed' ? el('span', { class: 'tag' }, '建议') : null, it.title),
          el('span', { class: 'item-sub' }, [it.employer, it.district, CHANNELS[it.channel], it.salary_text || salary(it.salary),
            it.start_date ? '开班 ' + date(it.start_date) : ''].filter(Boolean).join(' · ')),
          it.open ? null : el('span', { class: 'tag bad' }, '已满员或截止'),
          it.ineligible ? el('span', { class: 'tag bad', title: it.ineligible }, '不符合条件' + (it.override ? '（管理员已注明理由）' : '')) : null),
        el('div', { class: 'item-actions' },
          el('button', { type: 'button', class: 'ghost small', onclick: () => edit(it.pinned ? 'unpin' : 'pin', it.id) }, it.pinned ? '取消置顶' : '置顶'),
          el('button', { type: 'button', class: 'ghost small danger', onclick: () => edit('remove', it.id) }, '移除'))));
    }
    lists.append(el('h3', {}, `${title}（${items.length}）`), ul);
  };
  section('目标岗位', sl.posts, 'posts');
  // Why the posts span the channels they do (跨渠道): the channel a post
  // was added from for the spread, or why all are of one channel.
  if (c.channel_note) lists.append(el('div', { class: 'channel-note muted small', id: 'channel-note' }, '岗位渠道：' + c.channel_note));
  section('就业见习', sl.internships, 'internships');
  section('培训课程', sl.courses, 'courses');
  const sub = clear($('subsidies'));
  if (!sl.subsidies.length) sub.append(el('li', { class: 'muted' }, '暂无适用补贴（加入见习岗位、培训课程后会自动判断）'));
  for (const s of sl.subsidies) {
    sub.append(el('li', { dataset: { code: s.code } },
      el('div', {}, el('strong', {}, s.name), ' ', el('span', { class: 'amount' }, s.amount_text),
        s.payee !== 'graduate' ? el('span', { class: 'tag' }, '发给用人单位') : null),
      el('div', { class: 'muted small' }, s.text),
      el('div', { class: 'muted small' }, '依据（措施' + s.item + '）：' + s.quote)));
  }
  // Add buttons in the recommendation list follow the list's state.
  for (const b of document.querySelectorAll('#rec-list button[data-add]')) setAddButton(b);
}

function setAddButton(b) {
  const id = b.dataset.add;
  const on = onList(id);
  const sl = state.shortlist;
  const full = sl && b.dataset.kind === 'job' && sl.check.posts >= sl.check.posts_max;
  b.disabled = on || full;
  b.textContent = on ? '已在名单' : full ? '岗位已满' : '加入名单';
}

async function edit(action, id) {
  try {
    const sl = await api('POST', '/v1/graduates/' + encodeURIComponent(state.graduate) + '/shortlist', id ? { action, post_id: id } : { action });
    renderShortlist(sl);
    const verb = { add: '已加入名单', remove: '已从名单移除', pin: '已置顶', unpin: '已取消置顶', confirm: '帮扶计划已确认' }[action];
    flash(verb, 'info');
  } catch (e) { showError(e); }
}

function selectTab(tab) {
  state.tab = tab;
  for (const b of document.querySelectorAll('.tab')) b.classList.toggle('active', b.dataset.tab === tab);
  $('search-form').hidden = tab !== 'search';
  if (tab === 'search') { clear($('rec-list')); return; }
  loadRecs(tab).catch(showError);
}

async function loadRecs(kind) {
  const id = state.graduate;
  const list = clear($('rec-list'));
  list.append(el('li', { class: 'muted' }, '正在计算推荐……'));
  let res = state.recs[kind];
  if (!res) {
    res = await api('GET', '/v1/graduates/' + encodeURIComponent(id) + '/recommendations' + qs({ kind, limit: kind === 'job' ? 20 : 10 }));
    state.recs[kind] = res;
  }
  if (state.graduate !== id || state.tab !== kind) return;
  clear(list);
  if (!res.items.length) list.append(el('li', { class: 'muted' }, '暂无推荐'));
  // Scores are the matcher's weighted sums, not percentages: they are shown
  // as 匹配度 高/中/低 (scoreView), with a bar relative to the best item of
  // this list.
  const top = Math.max(0, ...res.items.map((it) => it.score || 0));
  for (const it of res.items) list.append(recItem(it, top));
}

const MISSING = '缺少：';

// scoreView shows how well a recommendation fits as a counselor reads it:
// 匹配度 高/中/低. The matcher's score is a weighted sum of feature
// contributions, unbounded and not a percentage, so the band is judged
// on two things the counselor can check: the item's share of the best
// score in this list, and how many of the skills and certificates it
// asks for the graduate lacks. 高: lacks nothing and at least 75% of the
// best; 低: under 40% of the best or lacks two or more; 中 otherwise. The
// raw figure stays in the tooltip; the bar is the share of the best.
function fitBand(score, top, missing) {
  const rel = top > 0 ? Math.max(0, Math.min(1, score / top)) : 0;
  const lacks = (missing || []).length;
  if (lacks === 0 && rel >= 0.75) return { band: '高', rel };
  if (rel < 0.4 || lacks >= 2) return { band: '低', rel };
  return { band: '中', rel };
}

function scoreView(score, top, missing) {
  if (typeof score !== 'number') return null;
  const { band, rel } = fitBand(score, top, missing);
  const title = `匹配度${band}：本列表最高分的 ${Math.round(rel * 100)}%，缺少 ${(missing || []).length} 项技能或证书（高：不缺且不低于75%；低：低于40%或缺两项以上）。推荐得分 ${score.toFixed(2)}，为各项匹配特征的加权和，不是百分比`;
  return el('span', { class: 'score band-' + { 高: 'high', 中: 'mid', 低: 'low' }[band], title, dataset: { band, score: score.toFixed(2) } },
    el('span', { class: 'score-value' }, '匹配度 ' + band),
    top > 0 ? el('span', { class: 'score-bar', 'aria-hidden': 'true' }, el('span', { class: 'score-fill', dataset: { rel: rel.toFixed(3) } })) : null);
}

function recItem(it, top) {
  const kind = it.kind || 'job';
  const add = el('button', { type: 'button', class: 'small', dataset: { add: it.post_id, kind }, onclick: () => edit('add', it.post_id) }, '加入名单');
  setAddButton(add);
  // The matcher's reasons already end with "缺少：…" when something is
  // missing; it is shown once, from the structured list, on its own line.
  const missing = it.missing && it.missing.length ? it.missing : null;
  const reasons = (it.reasons || []).filter((r) => !(missing && r.startsWith(MISSING)));
  const sv = scoreView(it.score, top, it.missing);
  if (sv) {
    // CSP forbids inline styles in markup, not style properties set from script.
    const fill = sv.querySelector('.score-fill');
    if (fill) fill.style.width = (Number(fill.dataset.rel) * 100).toFixed(1) + '%';
  }
  return el('li', { class: 'rec', dataset: { id: it.post_id, kind } },
    el('div', { class: 'rec-head' },
      el('div', {},
        el('span', { class: 'rank' }, it.rank ? '#' + it.rank : ''),
        el('span', { class: 'rec-title' }, it.title),
        el('span', { class: 'tag' }, KINDS[kind] || kind)),
      add),
    el('div', { class: 'item-sub' }, [it.employer, it.district, CHANNELS[it.channel], salary(it.salary)].filter(Boolean).join(' · '), sv ? ' ' : null, sv),
    reasons.length ? el('ul', { class: 'reasons', title: reasons.join('；') }, reasons.slice(0, 3).map((r) => el('li', {}, r))) : null,
    missing ? el('div', { class: 'missing' }, MISSING + missing.join('、')) : null,
    it.opens && it.opens.length ? el('div', { class: 'muted small' }, '可补足 ' + it.opens.length + ' 个推荐岗位的要求') : null);
}

async function search(q, type) {
  const list = clear($('rec-list'));
  if (!q.trim()) return;
  const res = await api('GET', '/v1/posts/search' + qs({ q: q.trim(), type, limit: 20 }));
  if (!res.hits.length) list.append(el('li', { class: 'muted' }, '没有找到'));
  for (const h of res.hits) {
    const kind = type === 'course' ? 'course' : (h.kind || 'job');
    list.append(recItem({ post_id: h.id, title: h.title, employer: h.employer, district: h.district, channel: h.channel, kind }));
  }
}

function renderContacts(cs) {
  const st = $('contact-state');
  st.className = cs.contact_overdue ? 'flag-line' : 'muted';
  st.textContent = cs.contacted_at
    ? `首次联系：${date(cs.contacted_at)}`
    : cs.contact_overdue
      ? `⚑ 登记已超过 ${cs.contact_sla_days} 天仍未联系，请尽快联系`
      : (cs.registered_at ? `尚未联系（须在登记后 ${cs.contact_sla_days} 天内联系）` : '尚未登记');
  const log = clear($('contact-log'));
  if (!cs.items.length) log.append(el('li', { class: 'muted' }, '暂无联系记录'));
  for (const c of cs.items.slice().reverse()) {
    log.append(el('li', { class: 'contact' },
      el('div', {}, el('strong', {}, dateTime(c.at)), ' ', METHODS[c.method] || c.method, ' · ',
        el('span', { class: c.outcome === 'reached' ? 'ok' : 'warn' }, OUTCOMES[c.outcome] || c.outcome)),
      c.note ? el('div', { class: 'note' }, c.note) : null));
  }
}

async function submitContact(ev) {
  ev.preventDefault();
  const btn = $('c-submit');
  btn.disabled = true;
  try {
    const cs = await api('POST', '/v1/graduates/' + encodeURIComponent(state.graduate) + '/contacts', {
      method: $('c-method').value, outcome: $('c-outcome').value, note: $('c-note').value,
    });
    $('c-note').value = '';
    renderContacts(cs);
    flash('联系记录已保存', 'info');
  } catch (e) { showError(e); } finally { btn.disabled = false; }
}

// ---------------------------------------------------------------- wiring

function showError(e) {
  if (e && e.status === 401) return; // signOut already shows it
  flash((e && e.message) || '出错了', 'error');
}

async function route() {
  if (!state.me) return;
  const m = location.hash.match(/^#\/g\/(.+)$/);
  try {
    if (m) await loadGraduate(decodeURIComponent(m[1]));
    else await loadCaseload();
  } catch (e) {
    showError(e);
  }
}

async function boot() {
  const ds = $('f-district');
  ds.append(el('option', { value: '' }, '全市'));
  for (const d of DISTRICTS) ds.append(el('option', { value: d }, d));
  $('f-status').value = DEFAULT_STATUS;
  for (const id of ['f-district', 'f-status', 'f-hardship', 'f-overdue']) $(id).addEventListener('change', applyFilters);
  $('filters').addEventListener('submit', (e) => { e.preventDefault(); applyFilters(); });
  // Search as the counselor types, once they pause (a quarter second).
  $('f-q').addEventListener('input', () => {
    clearTimeout(applyFilters.t);
    applyFilters.t = setTimeout(applyFilters, 250);
  });
  $('prev').addEventListener('click', () => { state.offset = Math.max(0, state.offset - PAGE); loadCaseload().catch(showError); });
  $('next').addEventListener('click', () => { state.offset += PAGE; loadCaseload().catch(showError); });
  $('signout').addEventListener('click', () => signOut(''));
  $('contact-form').addEventListener('submit', submitContact);
  for (const b of document.querySelectorAll('.tab')) b.addEventListener('click', () => selectTab(b.dataset.tab));
  $('search-form').addEventListener('submit', (e) => { e.preventDefault(); search($('search-q').value, $('search-type').value).catch(showError); });
  $('password-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('password-submit').disabled = true;
    try {
      await signInPassword($('signin-name').value.trim(), $('signin-password').value);
      $('signin-password').value = '';
      $('signin-error').hidden = true;
      renderWho();
      await route();
    } catch (err) {
      $('signin-password').value = '';
      $('signin-error').textContent = err.message;
      $('signin-error').hidden = false;
    } finally {
      $('password-submit').disabled = false;
    }
  });
  $('signin-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const key = $('signin-key').value.trim();
    $('signin-submit').disabled = true;
    try {
      await signIn(key);
      $('signin-key').value = '';
      $('signin-error').hidden = true;
      renderWho();
      await route();
    } catch (err) {
      $('signin-error').textContent = err.message;
      $('signin-error').hidden = false;
    } finally {
      $('signin-submit').disabled = false;
    }
  });
  window.addEventListener('hashchange', route);
  if (sessionStorage.getItem(KEY)) {
    try {
      await signIn(sessionStorage.getItem(KEY));
      renderWho();
      await route();
      return;
    } catch (e) {
      sessionStorage.removeItem(KEY);
      if (e && e.message) sessionStorage.setItem(NOTICE, e.message);
    }
  } else {
    try {
      if (await resumeSession()) {
        renderWho();
        await route();
        return;
      }
    } catch (e) {
      if (e && e.message) sessionStorage.setItem(NOTICE, e.message);
    }
  }
  showSignIn();
}

document.addEventListener('DOMContentLoaded', boot);
