// 协查核查 on /desk: the to-do list (待办事宜: open cases with deadline and overdue state, unread notices, the
// register's reminders counted), one case with its pairing candidates and the answer form (each outcome's
// required fields, refused by the register naming the field), re-pairing, notices, and the progress table.
import { api, formatDate, formatDateTime, today, daysBefore } from './net.js';
import { h, fill, say, errorText, makeForm, makeTable, openDialog, button, compact } from './ui.js';
import { showTodoCounts, todoChanged } from './badge.js';

const STATES = { paired: '已配对', unpaired: '未配对', answered: '已反馈', new: '新收到' };
const OUTCOMES = {
  notFound: '查无此人',
  consistent: '流动人口，地址一致，确认核实信息',
  reRegistered: '流动人口，地址不一致，已注销原登记并按现址重新登记',
  residentConsistent: '常住人口，地址一致，确认核实信息',
  residentReRegistered: '常住人口，地址不一致，已注销原登记并按现址重新登记',
};
const SOURCES = { floating: '流动人口', resident: '常住人口' };
const REASONS = ['婚出', '迁出', '死亡', '其他'];
const SEX = { 0: '未知', 1: '男', 2: '女', 9: '未说明' };
const LEVELS = { info: '一般', warning: '重要', urgent: '紧急' };

function due(c) {
  if (c.state === 'answered') return c.overdue ? '逾期反馈' : '按期反馈';
  if (c.daysLeft < 0) return '逾期 ' + (-c.daysLeft) + ' 天';
  return c.daysLeft === 0 ? '今天到期' : '剩 ' + c.daysLeft + ' 天';
}

/** The 协查核查 tab. */
export async function renderCases(panel) {
  const todo = await api.get('/api/v1/todo');
  const answered = await api.get('/api/v1/cases', { state: 'answered', limit: '50' });
  const notices = await api.get('/api/v1/notices');
  const n = todo.counts || {};
  showTodoCounts(n);
  const reload = () => renderCases(panel).catch((error) => say(errorText(error), 'error'));
  fill(panel,
    h('h2', { text: '待办事宜' }),
    h('p', { class: 'summary' + (n.overdueCases ? ' warn' : ''), id: 'cases-summary', role: 'status',
      text: formatDate(todo.today) + '：协查案件 ' + (n.cases || 0) + ' 件（逾期 ' + (n.overdueCases || 0) + ' 件，未配对 ' +
        (n.unpairedCases || 0) + ' 件），待办提醒 ' + (n.reminders || 0) + ' 项，未读通知 ' + (n.notices || 0) + ' 条' }),
    h('h3', { text: '待反馈的协查案件' }),
    makeTable([
      { label: '编号', value: (c) => c.caseNo },
      { label: '类型', value: (c) => c.type },
      { label: '姓名', value: (c) => c.name + '（' + (SEX[c.sex] || c.sex) + '）' },
      { label: '发起单位', value: (c) => c.unit },
      { label: '反馈期限', value: (c) => formatDate(c.deadline) },
      { label: '期限', value: (c) => h('span', { class: c.overdue ? 'overdue error' : null, text: due(c) }) },
      { label: '配对', value: (c) => STATES[c.state] || c.state },
    ], todo.cases, { id: 'cases-table', empty: '没有待反馈的协查案件', onRow: (c) => caseDialog(c.uuid, reload) }),
    h('h3', { text: '通知公告' }),
    makeTable([
      { label: '标题', value: (x) => h('strong', { text: x.title }) },
      { label: '内容', value: (x) => x.text },
      { label: '级别', value: (x) => LEVELS[x.level] || x.level },
      { label: '收到', value: (x) => formatDateTime(x.receivedAt) },
      { label: '', value: (x) => (x.read ? '已读' : button('标记已读', async () => {
        await api.post('/api/v1/notices/' + x.uuid + '/read');
        todoChanged();
        say('已标记为已读', 'ok');
        reload();
      }, { id: 'notice-read-' + x.uuid })) },
    ], notices, { id: 'notices-table', empty: '没有通知公告' }),
    h('h3', { text: '已反馈' }),
    makeTable([
      { label: '编号', value: (c) => c.caseNo }, { label: '姓名', value: (c) => c.name }, { label: '发起单位', value: (c) => c.unit },
      { label: '反馈日期', value: (c) => formatDate(c.answeredOn) }, { label: '期限', value: (c) => due(c) },
    ], answered, { id: 'answered-table', empty: '还没有已反馈的案件', onRow: (c) => caseDialog(c.uuid, reload) }),
    progressSection());
}

async function caseDialog(uuid, done) {
  let c;
  try {
    c = await api.get('/api/v1/cases/' + uuid);
  } catch (error) {
    say(errorText(error), 'error');
    return;
  }
  const content = h('div', {},
    h('dl', { class: 'facts' }, [
      ['编号', c.caseNo + '（' + c.type + '）'], ['发起单位', c.unit], ['姓名', c.name], ['性别', SEX[c.sex] || c.sex],
      ['出生日期', formatDate(c.birthDate)], ['身份号码', c.idNumberMasked || '—'], ['协查地址', c.address],
      ['协查项目', (c.items || []).join('、') || '—'], ['反馈期限', formatDate(c.deadline) + '（' + due(c) + '）'],
      ['配对', (STATES[c.state] || c.state) + (c.pairBasis ? '（' + ({ idNumber: '身份号码', nameSexBirth: '姓名+性别+出生日期', manual: '人工' }[c.pairBasis]) + '）' : '')],
      ['人员来源', SOURCES[c.recordSource] || '—'],
      ['备注', c.note || '—'],
    ].map(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })])),
    h('h3', { text: '配对候选人' }),
    makeTable([
      { label: '姓名', value: (p) => p.name }, { label: '身份号码', value: (p) => p.idNumberMasked || '—' },
      { label: '出生日期', value: (p) => formatDate(p.birthDate) }, { label: '现住址', value: (p) => p.currentAddress || '—' },
      { label: '', value: (p) => (c.state !== 'answered' && p.personUuid !== c.personUuid
        ? button('配对此人', () => repair({ person: p.personUuid })) : (p.personUuid === c.personUuid ? '已配对' : '')) },
    ], c.candidates || [], { id: 'case-candidates', empty: '登记库中没有找到此人：只能答复“查无此人”，或先登记此人（登记后自动配对）' }));
  if (c.feedback) {
    const f = c.feedback;
    content.append(h('h3', { text: '反馈' }), h('dl', { class: 'facts', id: 'case-feedback' }, [
      ['核查结果', OUTCOMES[f.outcome] || f.outcome], ['查无此人原因', f.reason || '—'],
      ['去向', [f.destinationRegion, f.destinationTownship].filter(Boolean).join(' ') || '—'], ['核实地址', f.verifiedAddress || '—'],
      ['备注', f.remark || '—'], ['常驻人口信息员确认', f.residentOfficerConfirmed ? '已确认' : '—'],
      ['反馈人', f.answeredBy + '，' + formatDateTime(f.answeredAt)],
    ].map(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })])));
  } else {
    const allowed = c.allowedOutcomes || [];
    content.append(h('h3', { text: '答复' }), makeForm({
      id: 'case-answer', columns: 1, submitLabel: '提交反馈',
      fields: [
        { key: 'outcome', label: '核查结果', type: 'select', required: true, options: [['', '请选择']].concat(allowed.map((o) => [o, OUTCOMES[o]])) },
        { key: 'reason', label: '查无此人原因', type: 'select', options: [['', '—']].concat(REASONS.map((r) => [r, r])) },
        { key: 'destinationRegion', label: '婚出地/迁出地行政区划', hint: '6 位代码，婚出、迁出时必填' },
        { key: 'destinationTownship', label: '婚出地/迁出地乡镇（街道）', hint: '婚出、迁出时必填' },
        { key: 'remark', label: '备注', type: 'textarea', hint: '原因为“其他”时必填' },
        { key: 'residentOfficerConfirmed', label: '常驻人口信息员确认', type: 'checkbox',
          hint: '确认核实信息（找到此人的各项结果）前，须经常驻人口信息员签字确认后勾选' },
      ],
      extraButtons: [button('重新配对', () => repair({}), { id: 'case-repair' })],
      onSubmit: async (values) => {
        await api.post('/api/v1/cases/' + c.uuid + '/answer', compact(values));
        todoChanged();
        dlg.close();
        say('已反馈：' + c.caseNo, 'ok');
        done();
      },
    }));
  }
  const dlg = openDialog('协查案件 ' + c.caseNo, content, { id: 'case-dialog' });

  async function repair(body) {
    try {
      const again = await api.post('/api/v1/cases/' + c.uuid + '/repair', body);
      todoChanged();
      dlg.close();
      say('重新配对：' + (STATES[again.state] || again.state), again.state === 'paired' ? 'ok' : 'info');
      done();
      caseDialog(c.uuid, done);
    } catch (error) {
      say(errorText(error), 'error');
    }
  }
}

function progressSection() {
  const box = h('div', { id: 'progress-result' });
  const form = makeForm({
    id: 'progress-form', columns: 3, submitLabel: '统计',
    fields: [
      { key: 'from', label: '开始日期', type: 'date', required: true, value: daysBefore(29) },
      { key: 'to', label: '结束日期', type: 'date', required: true, value: today() },
    ],
    onSubmit: async (values) => {
      const p = await api.get('/api/v1/case-progress', values);
      const query = new URLSearchParams({ from: p.from, to: p.to });
      const cells = (r) => [
        { label: '发起单位', value: () => r.unit }, { label: '收到', class: 'num', value: () => String(r.received) },
        { label: '已反馈', class: 'num', value: () => String(r.answered) }, { label: '未反馈', class: 'num', value: () => String(r.open) },
        { label: '逾期', class: 'num', value: () => String(r.overdue) },
      ].concat(Object.keys(OUTCOMES).map((o) => ({ label: OUTCOMES[o], class: 'num', value: () => String((r.byOutcome || {})[o] || 0) })));
      const columns = cells(p.total).map((col, i) => ({ label: col.label, class: col.class, value: (r) => cells(r)[i].value() }));
      fill(box, makeTable(columns, p.rows.concat([p.total]), { id: 'progress-table', empty: '此期间没有收到协查案件',
        caption: formatDate(p.from) + '至' + formatDate(p.to) + '收到的协查案件' }),
      h('p', {}, h('a', { href: '/api/v1/case-progress/export?' + query + '&format=xlsx', id: 'progress-xlsx', text: '导出 Excel' }), ' · ',
        h('a', { href: '/api/v1/case-progress/export?' + query + '&format=csv', id: 'progress-csv', text: '导出 CSV' })));
    },
  });
  return h('section', {}, h('h2', { text: '协查进度表' }), form, box);
}
