// 人口居住统计 with drill-down (社区 → 小区 → 楼栋 → 户) and SVG charts; used by /desk and /police.
import { api, barChart, formatDate, today, daysBefore } from './net.js';
import { h, fill, makeForm, makeTable, say, errorText, button, compact } from './ui.js';

const LEVEL_LABELS = { community: '社区', xiaoqu: '小区', building: '楼栋', house: '户' };
const BREAKDOWNS = [
  ['residenceReason', '按居住事由'], ['housingType', '按住所类别'], ['nativeProvince', '按户籍省份'], ['ageBand', '按年龄段'],
];

/** Renders the statistics into `panel`; `levels` is the drill-down order of the role
 *  (police: community, xiaoqu, building, house; desk: xiaoqu, building, house). */
export function renderStatistics(panel, { levels }) {
  const path = []; // [{level, uuid, name}] chosen so far
  let filters = { from: daysBefore(29), to: today() };

  const form = makeForm({
    id: 'stats-filter',
    columns: 4,
    submitLabel: '统计',
    fields: [
      { key: 'from', label: '开始日期', type: 'date', required: true, value: filters.from },
      { key: 'to', label: '结束日期', type: 'date', required: true, value: filters.to },
      { key: 'name', label: '姓名', placeholder: '姓名开头' },
      { key: 'idNumber', label: '身份号码' },
    ],
    onSubmit: async (values) => { filters = compact(values); await load(); },
  });
  const crumbs = h('nav', { class: 'crumbs', id: 'stats-crumbs', 'aria-label': '统计层级' });
  const tableBox = h('div', { id: 'stats-table' });
  const chartBox = h('div', { class: 'chart', id: 'stats-chart' });
  const breakdownBox = h('div', { class: 'breakdowns', id: 'stats-breakdowns' });
  fill(panel, h('h2', { text: '人口居住统计' }), form, crumbs, h('div', { class: 'stats-grid' }, tableBox, chartBox), breakdownBox);

  function levelNow() { return levels[Math.min(path.length, levels.length - 1)]; }

  async function load() {
    const level = levelNow();
    const query = { groupBy: level, from: filters.from, to: filters.to, breakdowns: 'true' };
    if (filters.name) query.name = filters.name;
    if (filters.idNumber) query.idNumber = filters.idNumber;
    const last = path[path.length - 1];
    if (last) query[last.level] = last.uuid;
    let report;
    try {
      report = await api.get('/api/v1/statistics/occupancy', query);
    } catch (error) {
      form.showError(error);
      return;
    }
    renderCrumbs();
    const canDrill = path.length + 1 < levels.length;
    const rows = report.rows;
    const total = report.total;
    fill(tableBox, makeTable([
      { label: LEVEL_LABELS[level], value: (r) => canDrill && r.uuid ? h('span', { class: 'drill', text: r.name + ' ›' }) : r.name },
      { label: '期间到达', class: 'num', value: (r) => String(r.counts.arrivals) },
      { label: '期间离开', class: 'num', value: (r) => String(r.counts.departures) },
      { label: '现居住', class: 'num', value: (r) => String(r.counts.living) },
    ], rows, {
      id: 'stats-rows',
      caption: formatDate(report.query.from) + '至' + formatDate(report.query.to) + '，按' + LEVEL_LABELS[level] + '统计' +
        '：到达 ' + total.arrivals + ' 人，离开 ' + total.departures + ' 人，现居住 ' + total.living + ' 人',
      onRow: canDrill ? (r) => { if (r.uuid) { path.push({ level, uuid: r.uuid, name: r.name }); load(); } } : null,
      empty: '此范围内没有' + LEVEL_LABELS[level],
    }));
    fill(chartBox, barChart({
      title: '各' + LEVEL_LABELS[level] + '人数',
      labels: rows.slice(0, 30).map((r) => r.name),
      series: [
        { name: '现居住', values: rows.slice(0, 30).map((r) => r.counts.living) },
        { name: '期间到达', values: rows.slice(0, 30).map((r) => r.counts.arrivals) },
        { name: '期间离开', values: rows.slice(0, 30).map((r) => r.counts.departures) },
      ],
    }));
    fill(breakdownBox, BREAKDOWNS.map(([key, title]) => {
      const items = (report.breakdowns && report.breakdowns[key]) || [];
      if (!items.length) return null;
      return h('figure', { class: 'chart small' }, barChart({
        title: title + '（现居住）',
        labels: items.map((i) => i.label),
        series: [{ name: '现居住', values: items.map((i) => i.counts.living) }],
      }));
    }));
    say('统计完成：' + rows.length + ' 个' + LEVEL_LABELS[level]);
  }

  function renderCrumbs() {
    const parts = [button('全部', () => { path.length = 0; load(); }, { cls: 'link', id: 'crumb-0' })];
    path.forEach((p, i) => {
      parts.push(h('span', { class: 'sep', text: ' › ' }));
      parts.push(i === path.length - 1
        ? h('span', { class: 'here', 'aria-current': 'location', text: LEVEL_LABELS[p.level] + '：' + p.name })
        : button(p.name, () => { path.length = i + 1; load(); }, { cls: 'link', id: 'crumb-' + (i + 1) }));
    });
    fill(crumbs, parts);
  }

  load().catch((error) => say(errorText(error), 'error'));
}
