// /police: live alerts (预警) with a sound and the workflow 签收 → 派警 → 结束, search of people and
// history across the station, 协查核查 cases and notices from above (the station's to-do list, shared with
// /desk), statistics drill-down, queue and reader health, audited exports.
import { api, events, formatDate, formatDateTime } from '../desk/net.js';
import { h, fill, $, say, errorText, makeForm, makeTabs, makeTable, openDialog, button, compact } from '../desk/ui.js';
import { staffPage } from '../desk/session.js';
import { xiaoqus } from '../desk/places.js';
import { renderStatistics } from '../desk/stats.js';
import { exportSection } from '../desk/exports.js';
import { renderCases } from '../desk/cases.js';
import { todoBadge } from '../desk/badge.js';
import { alarm, enableSound, soundEnabled } from './sound.js';

const STATE_LABELS = { new: '新预警', acknowledged: '已签收', dispatched: '已派警', closed: '已结束' };
const ACTIONS = { acknowledged: '签收', dispatched: '派警', closed: '结束' };
const alerts = new Map(); // uuid → alert
let selected = null;
let renderAlerts = null; // set while the alerts tab is shown

staffPage({
  roles: ['police'],
  title: '人房 · 民警工作台',
  start(session, { nav, main }) {
    enableSound(); // the login click was the user's gesture
    const banner = h('div', { id: 'alert-banner', class: 'alert-banner', role: 'alert', hidden: true });
    nav.after(banner);
    events(['alert', 'reader'], {
      'alert.opened': (data) => onAlertEvent(data, true),
      'alert.updated': (data) => onAlertEvent(data, false),
      'alert.progressed': (data) => onAlertProgressed(data),
    });
    makeTabs(nav, main, [
      { id: 'alerts', label: '预警', render: renderAlertsTab },
      { id: 'search', label: '人员查询', render: renderSearch },
      { id: 'cases', label: '协查与通知', render: renderCases },
      { id: 'stats', label: '统计', render: (panel) => renderStatistics(panel, { levels: ['community', 'xiaoqu', 'building', 'house'] }) },
      { id: 'health', label: '运行状态', render: renderHealth },
      { id: 'export', label: '导出', render: async (panel) => fill(panel, await exportSection({ maskByDefault: false })) },
    ], { onShow: (tab) => { if (tab.id !== 'alerts') renderAlerts = null; } });
    todoBadge(nav, 'cases');
  },
});

async function onAlertEvent(data, opened) {
  if (!data.alertId) {
    // Not stored (no 小区 for the reader): still tell the officer.
    showBanner('新预警：' + (data.maskedName || '') + ' ' + (data.category || '') + '（读卡器 ' + data.device + '，未能入库）');
    alarm();
    return;
  }
  let alert;
  try {
    alert = await api.get('/api/v1/alerts/' + data.alertId);
  } catch (error) {
    say(errorText(error), 'error');
    return;
  }
  alerts.set(alert.uuid, alert);
  // A new alert, or the same person read again (a repeat scan counts on the open alert): both are news.
  showBanner((opened ? '新预警：' : '再次发现：') + (alert.maskedName || '') + '，' + alert.category + '（' + levelText(alert.level) + '），' +
    formatDateTime(alert.lastSeenAt || alert.firstSeenAt) + '，第 ' + alert.scanCount + ' 次');
  alarm();
  if (renderAlerts) renderAlerts();
}

/** Another console (or this one) moved an alert through its workflow: show its new state, quietly. */
async function onAlertProgressed(data) {
  if (!data.alertId) return;
  try {
    const alert = await api.get('/api/v1/alerts/' + data.alertId);
    alerts.set(alert.uuid, alert);
  } catch (error) {
    return; // gone from this officer's scope
  }
  if (renderAlerts) renderAlerts();
}

function showBanner(text) {
  const banner = $('#alert-banner');
  if (!banner) return;
  fill(banner, h('span', { text }), ' ', h('a', { href: '#alerts', text: '查看' }),
    button('知道了', () => { banner.hidden = true; }, { cls: 'small', id: 'banner-dismiss' }));
  banner.hidden = false;
}

function levelText(level) { return ['', '一级', '二级', '三级', '四级', '五级'][level] || level + '级'; }

// ---------------------------------------------------------------------------------------------
// 预警

async function renderAlertsTab(panel) {
  const filter = h('select', { id: 'alerts-state' },
    h('option', { value: 'open', text: '未结束' }), h('option', { value: '', text: '全部' }),
    Object.entries(STATE_LABELS).map(([v, l]) => h('option', { value: v, text: l })));
  const soundButton = button(soundEnabled() ? '提示音已开启' : '开启提示音', () => { enableSound(); alarm(); soundButton.textContent = '提示音已开启'; }, { id: 'sound' });
  const listBox = h('div', { id: 'alerts-list', class: 'alerts-list' });
  const detail = h('div', { id: 'alert-detail', class: 'alert-detail' }, h('p', { class: 'empty', text: '选择一条预警查看详情并处置。' }));
  fill(panel, h('h2', { text: '预警' }),
    h('div', { class: 'toolbar' }, h('label', { for: 'alerts-state', text: '状态' }), filter, soundButton,
      h('span', { class: 'live', id: 'live', text: '实时接收中' })),
    h('div', { class: 'split' }, listBox, detail));

  const list = await api.get('/api/v1/alerts', { limit: '200' });
  for (const a of list) alerts.set(a.uuid, a);

  renderAlerts = () => {
    const wanted = filter.value;
    const rows = [...alerts.values()]
      .filter((a) => (wanted === 'open' ? a.state !== 'closed' : !wanted || a.state === wanted))
      .sort((a, b) => String(b.firstSeenAt).localeCompare(String(a.firstSeenAt)));
    fill(listBox, makeTable([
      { label: '级别', value: (a) => h('span', { class: 'level level-' + a.level, text: levelText(a.level) }) },
      { label: '类别', value: (a) => a.category },
      { label: '人员', value: (a) => (a.maskedName || '—') + ' ' + (a.maskedIdNumber || '') },
      { label: '读卡器', value: (a) => a.device },
      { label: '首次发现', value: (a) => formatDateTime(a.firstSeenAt) },
      { label: '次数', class: 'num', value: (a) => String(a.scanCount) },
      { label: '状态', value: (a) => h('span', { class: 'state state-' + a.state, text: a.stateLabel || STATE_LABELS[a.state] }) },
    ], rows, { id: 'alerts-table', empty: '没有预警', onRow: (a) => { selected = a.uuid; showAlert(detail, a.uuid); } }));
    for (const tr of listBox.querySelectorAll('tbody tr')) {
      const a = rows[tr.sectionRowIndex];
      tr.dataset.uuid = a.uuid;
      tr.classList.toggle('is-new', a.state === 'new');
      tr.classList.toggle('selected', a.uuid === selected);
    }
    if (selected && alerts.has(selected)) showAlert(detail, selected, { quiet: true });
  };
  filter.addEventListener('change', renderAlerts);
  renderAlerts();
}

let shownKey = null; // the alert (and its state) the detail shows: quiet refreshes of the same are skipped

async function showAlert(detail, uuid, { quiet } = {}) {
  const alert = alerts.get(uuid);
  if (!alert) return;
  const key = [uuid, alert.state, alert.scanCount, alert.updatedAt].join('|');
  if (quiet && key === shownKey && detail.querySelector('#alert-facts')) return;
  shownKey = key;
  let xiaoquName = alert.xiaoquUuid;
  try { const x = (await xiaoqus()).find((i) => i.uuid === alert.xiaoquUuid); if (x) xiaoquName = x.name; } catch (e) { /* keep the id */ }
  const step = (label, s) => (s ? h('li', { text: label + '：' + formatDateTime(s.at) + '，' + s.by + (s.note ? '，' + s.note : '') }) : null);
  const note = h('textarea', { id: 'alert-note', rows: 3, 'aria-describedby': 'alert-note-error' });
  const noteError = h('span', { class: 'field-error', id: 'alert-note-error', role: 'status' });
  const actions = (alert.next || []).map((to) => button(ACTIONS[to] || to, () => progress(to), { id: 'alert-' + to, cls: to === 'closed' ? '' : 'primary' }));
  async function progress(to) {
    noteError.textContent = '';
    note.removeAttribute('aria-invalid');
    if (to === 'closed' && !note.value.trim()) {
      noteError.textContent = '请填写“处置结果”';
      note.setAttribute('aria-invalid', 'true');
      note.focus();
      say('结束预警须填写“处置结果”', 'error');
      return;
    }
    try {
      const updated = await api.post('/api/v1/alerts/' + uuid + '/progress', compact({ to, note: note.value.trim() }));
      alerts.set(uuid, updated);
      say('预警已' + (ACTIONS[to] || to), 'ok');
      note.value = '';
      if (renderAlerts) renderAlerts(); else showAlert(detail, uuid);
    } catch (error) {
      const fieldError = (error.fields || []).find((f) => f.field === 'note');
      if (fieldError || error.field === 'note') { noteError.textContent = fieldError ? fieldError.message : error.message; note.setAttribute('aria-invalid', 'true'); }
      say(errorText(error), 'error');
    }
  }
  const facts = [['级别', levelText(alert.level)], ['类别', alert.category], ['处置要求', alert.instructions || '—'],
    ['人员', (alert.maskedName || '—') + '（' + (alert.maskedIdNumber || '—') + '）'], ['比中方式', alert.matchedBy === 'idNumber' ? '身份号码' : '姓名和出生日期'],
    ['地点', xiaoquName], ['读卡器', alert.device], ['首次发现', formatDateTime(alert.firstSeenAt)], ['最近发现', formatDateTime(alert.lastSeenAt)],
    ['发现次数', String(alert.scanCount)], ['名单', alert.listId + ' 第 ' + alert.listVersion + ' 版'], ['状态', alert.stateLabel || STATE_LABELS[alert.state]]];
  const keepNote = quiet && $('#alert-note') ? $('#alert-note').value : '';
  fill(detail, h('h3', { id: 'alert-title', text: '预警详情' }),
    h('dl', { class: 'facts', id: 'alert-facts' }, facts.map(([k, v]) => [h('dt', { text: k }), h('dd', { text: v, dataset: { key: k } })])),
    h('ol', { class: 'steps', id: 'alert-steps' }, step('签收', alert.acknowledged), step('派警', alert.dispatched), step('结束', alert.closed)),
    actions.length ? h('div', { class: 'field' }, h('label', { for: 'alert-note', text: '处置意见／处置结果（结束时必填）' }), note, noteError) : null,
    actions.length ? h('div', { class: 'actions' }, actions) : h('p', { class: 'done', text: '此预警已处置完毕。' }));
  note.value = keepNote;
}

// ---------------------------------------------------------------------------------------------
// 人员查询

async function renderSearch(panel) {
  const list = await xiaoqus();
  const results = h('div', { id: 'search-results' });
  let offset = 0;
  let last = null;
  const form = makeForm({
    id: 'search-form', columns: 4, submitLabel: '查询',
    fields: [
      { key: 'name', label: '姓名', placeholder: '姓名开头' },
      { key: 'pinyin', label: '拼音首字母' },
      { key: 'idNumber', label: '身份号码' },
      { key: 'xiaoqu', label: '小区', type: 'select', options: [['', '全部小区'], ...list.map((x) => [x.uuid, x.community.name + ' ' + x.name])] },
      { key: 'arrivalFrom', label: '到达日期从', type: 'date' },
      { key: 'arrivalTo', label: '到达日期至', type: 'date' },
      { key: 'activeOnly', label: '只查在住', type: 'checkbox' },
    ],
    onSubmit: async (values) => { offset = 0; last = values; await run(); },
  });
  async function run() {
    const query = compact({ ...last, activeOnly: last.activeOnly ? 'true' : '', limit: '50', offset: String(offset) });
    const page = await api.get('/api/v1/search/stays', query);
    fill(results,
      makeTable([
        { label: '姓名', value: (r) => r.name }, { label: '身份号码', value: (r) => r.idNumber || '—' },
        { label: '出生日期', value: (r) => formatDate(r.birthDate) },
        { label: '住址', value: (r) => r.communityName + ' ' + r.xiaoquName + ' ' + r.houseAddress },
        { label: '到达', value: (r) => formatDate(r.arrivalDate) },
        { label: '离开', value: (r) => (r.departureDate ? formatDate(r.departureDate) : '在住') },
      ], page.hits, { id: 'search-table', empty: '没有符合条件的记录', onRow: (r) => personDialog(r.personUuid) }),
      h('div', { class: 'pager' },
        offset > 0 ? button('上一页', () => { offset = Math.max(0, offset - 50); run(); }) : null,
        h('span', { text: '第 ' + (offset / 50 + 1) + ' 页' }),
        page.hasMore ? button('下一页', () => { offset += 50; run(); }) : null));
    say('找到 ' + page.hits.length + (page.hasMore ? '+' : '') + ' 条记录');
  }
  fill(panel, h('h2', { text: '人员与居住历史查询' }), form, results);
}

async function personDialog(uuid) {
  try {
    const [person, history] = await Promise.all([api.get('/api/v1/people/' + uuid), api.get('/api/v1/people/' + uuid + '/history')]);
    openDialog('人员：' + person.name, h('div', {},
      h('dl', { class: 'facts' }, [['姓名', person.name], ['身份号码', person.idNumber || person.idNumberMasked || '—'],
        ['出生日期', formatDate(person.birthDate)], ['户籍地址', person.address || '—'], ['联系方式', person.phone || '—'],
        ['登记方式', person.entryMethod === 'cardRead' ? '读卡' : '手工录入']].map(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })])),
      h('h3', { text: '居住历史' }),
      makeTable([
        { label: '小区', value: (i) => i.xiaoquName }, { label: '房屋', value: (i) => i.houseAddress },
        { label: '到达', value: (i) => formatDate(i.stay.arrivalDate) },
        { label: '离开', value: (i) => (i.stay.departureDate ? formatDate(i.stay.departureDate) : '在住') },
      ], history, { id: 'history-table' })), { id: 'person-dialog' });
  } catch (error) {
    say(errorText(error), 'error');
  }
}

// ---------------------------------------------------------------------------------------------
// 运行状态

const READER_STATES = { opening: '正在打开', ready: '就绪', reading: '正在读卡', waitingForRemoval: '等待取走证件', faulted: '故障', gone: '已断开' };
const DESTINATIONS = { bureau: '分局', province: '省厅' };

async function renderHealth(panel) {
  const box = h('div', { id: 'health' });
  fill(panel, h('h2', { text: '运行状态' }), h('div', { class: 'toolbar' }, button('刷新', () => load(), { id: 'health-refresh' })), box);
  async function load() {
    const [readers, queue, watchlists] = await Promise.all([
      api.get('/api/v1/readers'),
      api.get('/api/v1/queue').catch((e) => ({ error: e })),
      api.get('/api/v1/watchlist/status').catch((e) => ({ error: e })),
    ]);
    const millis = (v) => (v ? formatDateTime(new Date(v).toISOString()) : '—');
    fill(box,
      h('h3', { text: '读卡器' }),
      makeTable([
        { label: '名称', value: (r) => r.name }, { label: '连接方式', value: (r) => r.transport },
        { label: '状态', value: (r) => h('span', { class: 'state reader-' + r.state, text: READER_STATES[r.state] || r.state }) },
        { label: 'SAM 编号', value: (r) => r.samId || '—' }, { label: '已读卡', class: 'num', value: (r) => String(r.readCount) },
        { label: '最近读卡', value: (r) => (r.lastReadAt ? formatDateTime(r.lastReadAt) : '—') }, { label: '最近错误', value: (r) => r.lastError || '—' },
      ], readers, { id: 'readers-table', empty: '没有读卡器' }),
      h('h3', { text: '上报队列' }),
      queue.error ? h('p', { class: 'empty', text: errorText(queue.error) }) : makeTable([
        { label: '上级', value: (d) => DESTINATIONS[d.destination] || d.destination },
        { label: '待发送', class: 'num', value: (d) => String(d.pending) }, { label: '其中预警', class: 'num', value: (d) => String(d.pendingPriority) },
        { label: '最早待发', value: (d) => millis(d.oldestPendingAtMillis) }, { label: '已送达', class: 'num', value: (d) => String(d.delivered) },
        { label: '隔离', class: 'num', value: (d) => String(d.quarantined) }, { label: '最近成功', value: (d) => millis(d.lastSuccessAtMillis) },
        { label: '最近错误', value: (d) => (d.lastError ? d.lastError + '（' + millis(d.lastErrorAtMillis) + '）' : '—') },
      ], queue.destinations || [], { id: 'queue-table', empty: '未配置上级服务器' }),
      h('h3', { text: '预警名单' }),
      watchlists.error ? h('p', { class: 'empty', text: errorText(watchlists.error) }) : makeTable([
        { label: '名单', value: (w) => w.listId }, { label: '发布方', value: (w) => w.issuer }, { label: '版本', class: 'num', value: (w) => String(w.version) },
        { label: '条目', class: 'num', value: (w) => String(w.entries) }, { label: '导入时间', value: (w) => formatDateTime(w.imported) },
        { label: '有效期至', value: (w) => (w.validUntil ? formatDateTime(w.validUntil) : '长期') + (w.expired ? '（已过期）' : '') },
      ], Array.isArray(watchlists) ? watchlists : [], { id: 'watchlist-table', empty: '没有在用的名单' }));
  }
  await load();
  const timer = setInterval(() => { if (document.body.contains(box)) load().catch(() => {}); else clearInterval(timer); }, 15000);
}
