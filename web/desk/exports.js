// 导出 (audited by the API: every export is an entry of the audit log) for /desk and /police.
import { h } from './ui.js';
import { xiaoqus } from './places.js';

export const KINDS = [['residents', '人员居住登记'], ['houses', '房屋'], ['declarations', '居住登记申报']];

/** The export form: what, format, 小区, current residents only, masked numbers; a download link. */
export async function exportSection({ maskByDefault = true } = {}) {
  const list = await xiaoqus();
  const link = h('a', { id: 'export-link', class: 'button primary', text: '导出', download: '' });
  const kind = h('select', { id: 'export-kind' }, KINDS.map(([v, l]) => h('option', { value: v, text: l })));
  const format = h('select', { id: 'export-format' }, h('option', { value: 'xlsx', text: 'Excel（.xlsx）' }), h('option', { value: 'csv', text: 'CSV' }));
  const xiaoqu = h('select', { id: 'export-xiaoqu' }, h('option', { value: '', text: '全部小区' }), list.map((x) => h('option', { value: x.uuid, text: x.name })));
  const current = h('input', { type: 'checkbox', id: 'export-current' });
  const mask = h('input', { type: 'checkbox', id: 'export-mask', checked: maskByDefault });
  const update = () => {
    const q = new URLSearchParams({ format: format.value });
    if (xiaoqu.value) q.set('xiaoqu', xiaoqu.value);
    if (current.checked) q.set('currentOnly', 'true');
    if (mask.checked) q.set('mask', 'true');
    link.href = '/api/v1/exports/' + kind.value + '?' + q;
  };
  for (const el of [kind, format, xiaoqu, current, mask]) el.addEventListener('change', update);
  update();
  const field = (label, el) => h('div', { class: 'field' }, h('label', { for: el.id, text: label }), el);
  return h('div', { class: 'export' },
    h('h2', { text: '导出' }),
    h('p', { class: 'hint', text: '每次导出都记入审计日志（操作人、时间、内容和范围）。' }),
    h('div', { class: 'form cols-3', id: 'export-form' },
      field('导出内容', kind), field('格式', format), field('小区', xiaoqu), field('只导出在住人员', current), field('证件号码脱敏', mask),
      h('div', { class: 'buttons' }, link)));
}
