// /desk: the property office's page. Everything is cut to the user's 小区 by the API.
import { api, events, formatDate, formatDateTime, today } from './net.js';
import { h, fill, $, say, errorText, makeForm, makeTabs, makeTable, openDialog, button, compact, dictionaryName, codeNames } from './ui.js';
import { staffPage } from './session.js';
import { placeTree, housesOf, findHouse, housePicker, invalidatePlaces } from './places.js';
import { renderStatistics } from './stats.js';
import { exportSection, KINDS } from './exports.js';
import { renderCases } from './cases.js';
import { todoBadge } from './badge.js';

const RENTAL = { 0: '未出租', 1: '出租', 2: '部分出租' };
const DOCUMENT_TYPES = [['1', '居民身份证'], ['2', '港澳台居民居住证'], ['3', '外国人永久居留身份证（2017版）'], ['4', '外国人永久居留身份证（2023版）'], ['9', '其他证件']];
const CARD_KINDS = { resident: '居民身份证', hkMacaoTaiwan: '港澳台居民居住证', foreignerOld: '外国人永久居留身份证（旧版）', foreignerNew: '外国人永久居留身份证（新版）', unknown: '其他证件' };
const STAY_FIELDS = [
  { key: 'arrivalDate', label: '到达本地日期', type: 'date', required: true },
  { key: 'relation', label: '与户主关系', type: 'dict', table: 'relation', required: true },
  { key: 'plannedStay', label: '拟居住期限', type: 'dict', table: 'plannedStay' },
  { key: 'residenceReason', label: '居住事由', type: 'dict', table: 'residenceReason' },
  { key: 'housingType', label: '住所类别', type: 'dict', table: 'housingType' },
];

let lastCard = null; // the last card.read event seen on this page: {name, kind, device, time}
const cardListeners = new Set();

staffPage({
  roles: ['desk'],
  title: '人房 · 物业服务台',
  start(session, { nav, main }) {
    events(['card', 'occupancy', 'reader'], {
      'card.read': (data, event) => {
        lastCard = { ...data, time: event && event.time ? event.time : new Date().toISOString() };
        for (const listener of cardListeners) listener(lastCard);
      },
      'occupancy.changed': () => invalidatePlaces(),
    });
    makeTabs(nav, main, [
      { id: 'tree', label: '以房管人', render: renderTree },
      { id: 'register', label: '人来登记', render: (panel) => renderRegister(panel, {}) },
      { id: 'matters', label: '服务事项', render: renderMatters },
      { id: 'todo', label: '待办提醒', render: renderTodo },
      { id: 'cases', label: '协查核查', render: renderCases },
      { id: 'import', label: '导入导出', render: renderImport },
      { id: 'stats', label: '统计', render: (panel) => renderStatistics(panel, { levels: ['xiaoqu', 'building', 'house'] }) },
    ]);
    todoBadge(nav, 'cases');
  },
});

// ---------------------------------------------------------------------------------------------
// 以房管人: the tree with occupancy, and one house

async function renderTree(panel) {
  const treeBox = h('div', { class: 'tree-box' }, h('p', { class: 'loading', text: '正在载入房屋……' }));
  const detail = h('div', { class: 'house-detail', id: 'house-detail' }, h('p', { class: 'empty', text: '在左侧选择一户查看在住人员和房屋信息。' }));
  fill(panel, h('h2', { class: 'visually-hidden', text: '以房管人' }), h('div', { class: 'split' }, treeBox, detail));
  const tree = await placeTree();
  const expanded = new Set(JSON.parse(sessionStorage.getItem('desk-expanded') || '[]'));
  const remember = () => sessionStorage.setItem('desk-expanded', JSON.stringify([...expanded]));
  const houseId = location.hash.split('/')[1];
  const target = houseId ? await findHouse(houseId) : null;
  if (target) {
    // Open the tree down to the house asked for in the address (#tree/<house>).
    for (const id of [target.xiaoqu.community.uuid, target.xiaoqu.uuid, target.house.buildingUuid, target.house.unitUuid]) if (id) expanded.add(id);
    remember();
  }
  const root = h('ul', { role: 'tree', class: 'tree', id: 'place-tree', 'aria-label': '社区、小区、楼栋、单元、户' });

  const node = (kind, uuid, label, living, children, extra) => {
    const open = expanded.has(uuid);
    const li = h('li', { role: 'treeitem', 'aria-expanded': children ? String(open) : null, class: 'node node-' + kind, dataset: { uuid, kind } });
    const btn = h('button', { type: 'button', class: 'node-label', id: 'node-' + uuid, dataset: { kind } },
      children ? h('span', { class: 'twisty', 'aria-hidden': 'true', text: open ? '▾' : '▸' }) : null,
      h('span', { class: 'name', text: label }), extra || null,
      h('span', { class: 'count', title: '在住人数', text: '在住 ' + living + ' 人' }));
    li.append(btn);
    if (children) {
      const ul = h('ul', { role: 'group', hidden: !open });
      li.append(ul);
      let filled = false;
      const fillChildren = async () => { if (!filled) { filled = true; ul.append(...await children()); } };
      if (open) fillChildren();
      btn.addEventListener('click', async () => {
        const nowOpen = ul.hidden;
        ul.hidden = !nowOpen;
        li.setAttribute('aria-expanded', String(nowOpen));
        btn.querySelector('.twisty').textContent = nowOpen ? '▾' : '▸';
        if (nowOpen) { expanded.add(uuid); await fillChildren(); } else expanded.delete(uuid);
        remember();
      });
    }
    return li;
  };

  const houseNode = (house) => {
    const usage = h('span', { class: 'tag usage', text: house.status === 1 ? '已注销' : (RENTAL[house.rentalStatus] === '未出租' ? '' : RENTAL[house.rentalStatus]) });
    const li = node('house', house.uuid, house.roomNumber + (house.floor != null ? '（' + house.floor + '层）' : ''), house.living, null, usage);
    if (house.status === 1) li.classList.add('cancelled');
    li.querySelector('button').addEventListener('click', () => { location.hash = '#tree/' + house.uuid; });
    return li;
  };

  const sum = (list) => list.reduce((n, hh) => n + hh.living, 0);
  for (const community of tree.communities) {
    const xqHouses = await Promise.all(community.xiaoqus.map((x) => housesOf(x.uuid)));
    const communityLiving = xqHouses.reduce((n, list) => n + sum(list), 0);
    root.append(node('community', community.uuid, community.name, communityLiving, async () => community.xiaoqus.map((x, xi) => {
      const houses = xqHouses[xi];
      return node('xiaoqu', x.uuid, x.name, sum(houses), async () => {
        const items = x.buildings.map((b) => {
          const bHouses = houses.filter((hh) => hh.buildingUuid === b.uuid);
          return node('building', b.uuid, b.name, sum(bHouses), async () => {
            const units = b.units.map((u) => {
              const uHouses = bHouses.filter((hh) => hh.unitUuid === u.uuid);
              return node('unit', u.uuid, u.name, sum(uHouses), async () => uHouses.map(houseNode));
            });
            return [...units, ...bHouses.filter((hh) => !hh.unitUuid).map(houseNode)];
          });
        });
        return [...items, ...houses.filter((hh) => !hh.buildingUuid).map(houseNode)];
      });
    })));
  }
  fill(treeBox, root);
  // Arrow keys move through the visible nodes; Right opens a node, Left closes it or goes to its parent.
  root.addEventListener('keydown', (event) => {
    const labels = [...root.querySelectorAll('.node-label')].filter((el) => el.offsetParent !== null);
    const i = labels.indexOf(document.activeElement);
    if (i < 0) return;
    const li = labels[i].parentElement;
    const open = li.getAttribute('aria-expanded');
    if (event.key === 'ArrowDown' && i + 1 < labels.length) labels[i + 1].focus();
    else if (event.key === 'ArrowUp' && i > 0) labels[i - 1].focus();
    else if (event.key === 'ArrowRight' && open === 'false') labels[i].click();
    else if (event.key === 'ArrowLeft' && open === 'true') labels[i].click();
    else if (event.key === 'ArrowLeft') { const parent = li.parentElement.closest('li'); if (parent) parent.querySelector('.node-label').focus(); }
    else return;
    event.preventDefault();
  });
  const mark = (id) => {
    for (const el of root.querySelectorAll('.node-label.current')) el.classList.remove('current');
    const el = id && root.querySelector('#node-' + CSS.escape(id));
    if (el) { el.classList.add('current'); el.setAttribute('aria-current', 'true'); el.scrollIntoView({ block: 'nearest' }); }
  };
  if (houseId) { await showHouse(detail, houseId); setTimeout(() => mark(houseId), 300); }
  const onHash = () => {
    const id = location.hash.startsWith('#tree/') ? location.hash.split('/')[1] : null;
    if (!id || !document.body.contains(detail)) return;
    if (root.querySelector('#node-' + CSS.escape(id))) { showHouse(detail, id); mark(id); }
    else renderTree(panel); // a house in a closed branch: open the tree down to it
  };
  window.addEventListener('hashchange', onHash);
}

async function showHouse(detail, uuid) {
  let house, residents, inspections, changes;
  try {
    [house, residents, inspections, changes] = await Promise.all([
      api.get('/api/v1/houses/' + uuid), api.get('/api/v1/houses/' + uuid + '/residents'),
      api.get('/api/v1/houses/' + uuid + '/inspections'), api.get('/api/v1/houses/' + uuid + '/status-changes'),
    ]);
  } catch (error) {
    fill(detail, h('p', { class: 'error', text: errorText(error) }));
    return;
  }
  const [usage, rentalUse] = await Promise.all([dictionaryName('houseUsage', house.usage), dictionaryName('rentalUse', house.rentalUse)]);
  let landlord = '';
  if (house.landlordUuid) {
    try { const p = await api.get('/api/v1/people/' + house.landlordUuid); landlord = p.name + '（' + (p.idNumberMasked || '') + '）' + (p.phone ? ' ' + p.phone : ''); } catch (e) { landlord = '（无权查看）'; }
  }
  const refresh = () => { invalidatePlaces(); showHouse(detail, uuid); };
  const cancelled = house.status === 1;
  const facts = [
    ['房屋详址', house.address], ['房屋用途', usage || '—'], ['出租状态', RENTAL[house.rentalStatus]],
    ['出租用途', rentalUse || '—'], ['出租间数', house.rentedRooms ?? '—'], ['出租面积', house.rentedArea != null ? house.rentedArea + ' 平方米' : '—'],
    ['建筑面积', house.area != null ? house.area + ' 平方米' : '—'], ['房东', landlord || '—'], ['租赁备案证号', house.rentalFilingNumber || '—'],
    ['状态', cancelled ? '已注销（' + formatDate(house.cancelledOn) + '，' + (house.cancelReason || '') + '）' : '正常' + (house.restoredOn ? '（' + formatDate(house.restoredOn) + '恢复）' : '')],
  ];
  const relationNames = await Promise.all(residents.map((r) => dictionaryName('relation', r.stay.relation)));
  const resultNames = await codeNames('inspectionResult');
  fill(detail,
    h('h2', { id: 'house-title', text: house.address }),
    h('div', { class: 'actions' },
      cancelled ? null : button('登记入住', () => registerDialog(uuid, refresh), { id: 'house-register', cls: 'primary' }),
      button('修改房屋', () => editHouseDialog(house, refresh), { id: 'house-edit' }),
      cancelled ? button('恢复出租', () => statusDialog(house, 'restore', refresh), { id: 'house-restore' })
        : button('注销房屋', () => statusDialog(house, 'cancel', refresh), { id: 'house-cancel' }),
      button('登记巡查', () => inspectionDialog(house, refresh), { id: 'house-inspect' })),
    h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', { text: k }), h('dd', { text: String(v) })])),
    h('h3', { text: '在住人员（' + residents.length + ' 人）' }),
    makeTable([
      { label: '姓名', value: (r) => r.person.name },
      { label: '身份号码', value: (r) => r.person.idNumberMasked || '—' },
      { label: '与户主关系', value: (r) => relationNames[residents.indexOf(r)] },
      { label: '到达日期', value: (r) => formatDate(r.stay.arrivalDate) },
      { label: '操作', value: (r) => h('span', { class: 'row-actions' },
        button('人走注销', () => checkOutDialog(r, refresh), { cls: 'small', id: 'checkout-' + r.stay.uuid }),
        button('迁移', () => transferDialog(r, refresh), { cls: 'small' }),
        button('续期', () => extendDialog(r, refresh), { cls: 'small' })) },
    ], residents, { id: 'residents', empty: '此户暂无在住人员' }),
    h('h3', { text: '巡查记录' }),
    makeTable([
      { label: '巡查日期', value: (i) => formatDate(i.inspectedOn) }, { label: '巡查人', value: (i) => i.inspectorName },
      { label: '结果', value: (i) => resultNames.get(i.result) || i.result }, { label: '发现问题', value: (i) => i.findings || '—' }, { label: '整改情况', value: (i) => i.rectification || '—' },
    ], inspections, { id: 'inspections', empty: '暂无巡查记录' }),
    changes.length ? h('h3', { text: '注销与恢复记录' }) : null,
    changes.length ? makeTable([
      { label: '日期', value: (c) => formatDate(c.date) }, { label: '事项', value: (c) => (c.action === 1 ? '注销' : '恢复') },
      { label: '原因', value: (c) => c.reason },
    ], changes) : null);
}

function dialogForm(title, formSpec, { id } = {}) {
  let dlg = null;
  const form = makeForm({ ...formSpec, onSubmit: async (values, f) => { await formSpec.onSubmit(values, f); dlg.close(); } });
  dlg = openDialog(title, form, { id });
  return dlg;
}

function checkOutDialog(resident, done) {
  dialogForm('人走注销：' + resident.person.name, {
    id: 'checkout-form', columns: 1, submitLabel: '注销',
    fields: [
      { key: 'departureDate', label: '离开日期', type: 'date', required: true, value: today() },
      { key: 'departureReason', label: '注销原因', type: 'dict', table: 'departureReason', required: true },
    ],
    onSubmit: async (values) => {
      await api.post('/api/v1/stays/' + resident.stay.uuid + '/check-out', compact(values));
      say('已注销：' + resident.person.name, 'ok');
      done();
    },
  });
}

function transferDialog(resident, done) {
  const picker = housePicker('transfer-house');
  const form = makeForm({
    id: 'transfer-form', columns: 2, submitLabel: '迁移',
    fields: [
      { key: 'departureDate', label: '离开日期', type: 'date', required: true, value: today() },
      { key: 'departureReason', label: '注销原因', type: 'dict', table: 'departureReason', required: true, value: '01' },
      ...STAY_FIELDS.map((f) => (f.key === 'arrivalDate' ? { ...f, required: false, hint: '默认为离开日期' } : f)),
    ],
    onSubmit: async (values) => {
      const house = picker.value();
      if (!house) { picker.showError('请选择迁入的房屋'); throw { message: '请选择迁入的房屋', fields: [{ field: 'house', message: '请选择迁入的房屋' }] }; }
      await withConfirmation(form, (confirm) => api.post('/api/v1/stays/' + resident.stay.uuid + '/transfer', { ...compact(values), house, confirm }), () => {
        dlg.close();
        say('已迁移：' + resident.person.name, 'ok');
        done();
      });
    },
  });
  form.prepend(picker);
  const dlg = openDialog('迁移：' + resident.person.name, form, { id: 'transfer-dialog' });
}

function extendDialog(resident, done) {
  dialogForm('续期：' + resident.person.name, {
    id: 'extend-form', columns: 1, submitLabel: '续期',
    fields: [{ key: 'plannedStay', label: '拟居住期限', type: 'dict', table: 'plannedStay', required: true }],
    onSubmit: async (values) => {
      await api.post('/api/v1/stays/' + resident.stay.uuid + '/extension', values);
      say('已续期：' + resident.person.name, 'ok');
      done();
    },
  });
}

function editHouseDialog(house, done) {
  dialogForm('修改房屋：' + house.address, {
    id: 'house-form', columns: 2, submitLabel: '保存',
    fields: [
      { key: 'usage', label: '房屋用途', type: 'dict', table: 'houseUsage', required: true, value: house.usage },
      { key: 'rentalStatus', label: '出租状态', type: 'select', options: [['0', '未出租'], ['1', '出租'], ['2', '部分出租']], value: String(house.rentalStatus) },
      { key: 'rentalUse', label: '出租用途', type: 'dict', table: 'rentalUse', value: house.rentalUse },
      { key: 'rentedRooms', label: '出租间数', type: 'number', min: 0, value: house.rentedRooms ?? '' },
      { key: 'rentedArea', label: '出租面积（平方米）', type: 'number', min: 0, step: '0.01', value: house.rentedArea ?? '' },
      { key: 'area', label: '建筑面积（平方米）', type: 'number', min: 0, step: '0.01', value: house.area ?? '' },
      { key: 'rentalFilingNumber', label: '租赁备案证号', value: house.rentalFilingNumber || '' },
      { key: 'landlordName', label: '新房东姓名', hint: '更换房东时填写，否则留空' },
      { key: 'landlordIdNumber', label: '新房东身份号码' },
      { key: 'landlordPhone', label: '新房东联系方式' },
    ],
    onSubmit: async (values) => {
      const body = compact({
        xiaoqu: house.xiaoquUuid, building: house.buildingUuid, unit: house.unitUuid, floor: house.floor,
        roomNumber: house.roomNumber, houseAddress: house.address, area: values.area, usage: values.usage,
        rentalStatus: Number(values.rentalStatus), rentalUse: values.rentalUse, rentedRooms: values.rentedRooms,
        rentedArea: values.rentedArea, rentalFilingNumber: values.rentalFilingNumber,
      });
      if (values.landlordName || values.landlordIdNumber) {
        body.landlord = compact({ name: values.landlordName, idNumber: values.landlordIdNumber, phone: values.landlordPhone });
      }
      try {
        await api.put('/api/v1/houses/' + house.uuid, body);
      } catch (error) {
        // The landlord's own fields come back as landlord.name etc.: show them on the landlord inputs.
        if (error && error.fields) error.fields = error.fields.map((f) => ({ ...f, field: String(f.field).replace(/^landlord\.(\w)/, (_, c) => 'landlord' + c.toUpperCase()) }));
        throw error;
      }
      say('房屋已保存', 'ok');
      done();
    },
  });
}

function statusDialog(house, action, done) {
  const cancel = action === 'cancel';
  dialogForm((cancel ? '注销房屋：' : '恢复出租：') + house.address, {
    id: 'status-form', columns: 1, submitLabel: cancel ? '注销' : '恢复',
    fields: [
      { key: 'statusDate', label: cancel ? '注销日期' : '恢复日期', type: 'date', required: true, value: today() },
      { key: 'statusReason', label: cancel ? '注销原因' : '恢复原因', type: 'textarea', required: true },
    ],
    onSubmit: async (values) => {
      await api.post('/api/v1/houses/' + house.uuid + '/' + action, values);
      say(cancel ? '房屋已注销' : '房屋已恢复', 'ok');
      done();
    },
  });
}

function inspectionDialog(house, done) {
  dialogForm('登记巡查：' + house.address, {
    id: 'inspection-form', columns: 1, submitLabel: '登记',
    fields: [
      { key: 'inspectedOn', label: '巡查日期', type: 'date', required: true, value: today() },
      { key: 'inspectorName', label: '巡查人', required: true },
      { key: 'inspectionResult', label: '巡查结果', type: 'dict', table: 'inspectionResult', required: true },
      { key: 'findings', label: '发现问题', type: 'textarea' },
      { key: 'rectification', label: '整改情况', type: 'textarea' },
    ],
    onSubmit: async (values) => {
      await api.post('/api/v1/houses/' + house.uuid + '/inspections', compact(values));
      say('巡查已登记', 'ok');
      done();
    },
  });
}

// ---------------------------------------------------------------------------------------------
// 人来登记: from the reader or by hand

/** Sends `send(confirm)` and hands the answer to `onDone`; on 409 confirmation.required shows the findings
 *  (一证多住, a likely duplicate) with a button that sends again with them confirmed. */
async function withConfirmation(form, send, onDone) {
  try {
    onDone(await send(undefined));
  } catch (error) {
    if (!(error && error.code === 'confirmation.required' && error.findings)) throw error;
    const old = form.querySelector('#findings');
    if (old) old.remove();
    const box = h('div', { class: 'findings', id: 'findings', role: 'alert' },
      h('p', { text: (error.message || '请确认以下情况') + '。确认无误后可继续登记：' }),
      h('ul', {}, error.findings.map((f) => h('li', { text: f.message }))),
      button('确认无误，继续登记', async () => {
        try {
          onDone(await send({ allowMultipleStays: true, confirmDuplicate: true }));
          box.remove();
        } catch (again) {
          form.showError(again);
        }
      }, { id: 'confirm-findings', cls: 'primary' }));
    form.prepend(box);
    say(error.message || '请确认提示的情况', 'error');
    $('#confirm-findings').focus();
  }
}

function registerDialog(houseUuid, done) {
  const box = h('div', {});
  const dlg = openDialog('人来登记', box, { id: 'register-dialog' });
  renderRegister(box, { house: houseUuid, done: () => { dlg.close(); done(); } });
}

async function renderRegister(panel, { house, done }) {
  const picker = housePicker('reg-house', { initial: house || null });
  const modeCard = h('input', { type: 'radio', name: 'reg-mode', id: 'reg-mode-card', value: 'card' });
  const modeHand = h('input', { type: 'radio', name: 'reg-mode', id: 'reg-mode-hand', value: 'hand', checked: true });
  const modes = h('fieldset', { class: 'modes' }, h('legend', { text: '登记方式' }),
    h('label', { for: 'reg-mode-hand' }, modeHand, ' 手工录入'), h('label', { for: 'reg-mode-card' }, modeCard, ' 读取身份证'));
  const body = h('div', { id: 'reg-body' });
  const result = h('div', { id: 'reg-result', role: 'status' });
  fill(panel, panel.tagName === 'SECTION' ? h('h2', { text: '人来登记' }) : null, picker, modes, body, result);
  await picker.ready;

  const success = (answer) => {
    const warnings = [...(answer.warnings || []), ...(answer.person && answer.person.warnings ? answer.person.warnings : [])];
    fill(result, h('div', { class: 'ok-box', id: 'reg-ok' },
      h('p', { text: '登记成功：' + answer.person.name + '（' + (answer.person.idNumberMasked || '') + '），' + formatDate(answer.stay.arrivalDate) + '到达。' }),
      warnings.length ? h('ul', { class: 'warnings' }, warnings.map((w) => h('li', { text: '提示：' + w.message }))) : null));
    say('登记成功：' + answer.person.name, 'ok');
    invalidatePlaces();
    if (done) setTimeout(done, 800);
  };
  const needHouse = () => {
    const value = picker.value();
    if (!value) { picker.showError('请选择房屋'); throw { message: '请选择“房屋”', fields: [] }; }
    picker.showError('');
    return value;
  };

  const handForm = () => {
    const form = makeForm({
      id: 'reg-form', columns: 2, submitLabel: '登记',
      fields: [
        { key: 'documentType', label: '证件类型', type: 'select', options: DOCUMENT_TYPES, value: '1', required: true },
        { key: 'idNumber', label: '身份号码', required: true },
        { key: 'name', label: '姓名', required: true },
        { key: 'sex', label: '性别', type: 'dict', table: 'sex', required: true },
        { key: 'nation', label: '民族', type: 'dict', table: 'nation' },
        { key: 'birthDate', label: '出生日期', type: 'date', hint: '不填则取自身份号码' },
        { key: 'address', label: '户籍地址', wide: true },
        { key: 'nativeRegion', label: '户籍地行政区划', type: 'dict', table: 'region', hint: '不填则取自身份号码' },
        { key: 'phone', label: '联系方式' },
        ...STAY_FIELDS.map((f) => (f.key === 'arrivalDate' ? { ...f, value: today() } : f)),
      ],
      onSubmit: async (values) => {
        const houseId = needHouse();
        await withConfirmation(form, (confirm) => api.post('/api/v1/registrations', { ...compact(values), house: houseId, confirm }), (answer) => {
          success(answer);
          form.resetAll();
        });
      },
    });
    return form;
  };

  const cardForm = async () => {
    const readers = await api.get('/api/v1/readers');
    const cardLine = h('p', { class: 'card-line', id: 'reg-card', role: 'status' });
    const showCard = (card) => {
      fill(cardLine, card
        ? '最近读取：' + card.name + '（' + (CARD_KINDS[card.kind] || card.kind) + '），读卡器 ' + card.device + '，' + formatDateTime(card.time) + '。两分钟内可用此证登记。'
        : '请将身份证放在读卡器上。读取后此处显示持证人（已脱敏）。');
    };
    showCard(lastCard);
    const listener = (card) => { showCard(card); const sel = $('#reg-card-form-reader'); if (sel && card.device) sel.value = card.device; };
    cardListeners.add(listener);
    const form = makeForm({
      id: 'reg-card-form', columns: 2, submitLabel: '用此证登记',
      fields: [
        { key: 'reader', label: '读卡器', type: 'select', required: true, options: readers.map((r) => [r.name, r.name + (r.lastReadAt ? '（' + formatDateTime(r.lastReadAt) + '读卡）' : '')]),
          value: lastCard ? lastCard.device : (readers[0] && readers[0].name) },
        { key: 'phone', label: '联系方式' },
        ...STAY_FIELDS.map((f) => (f.key === 'arrivalDate' ? { ...f, value: today() } : f)),
      ],
      onSubmit: async (values) => {
        const houseId = needHouse();
        await withConfirmation(form, (confirm) => api.post('/api/v1/registrations/card', { ...compact(values), house: houseId, confirm }), success);
      },
    });
    form.prepend(cardLine);
    return form;
  };

  const showMode = async () => {
    cardListeners.clear();
    fill(result);
    try {
      fill(body, modeCard.checked ? await cardForm() : handForm());
    } catch (error) {
      fill(body, h('p', { class: 'error', text: errorText(error) }));
    }
  };
  modeCard.addEventListener('change', showMode);
  modeHand.addEventListener('change', showMode);
  await showMode();
}

// ---------------------------------------------------------------------------------------------
// 服务事项

async function renderMatters(panel) {
  const tree = await placeTree();
  const xiaoquList = tree.communities.flatMap((c) => c.xiaoqus);
  const STATES = [['', '全部状态'], ['accepted', '受理'], ['inProgress', '办理中'], ['completed', '办结'], ['returned', '退回'], ['withdrawn', '撤销']];
  const STATE_LABELS = Object.fromEntries(STATES);
  const xq = h('select', { id: 'matters-xiaoqu' }, xiaoquList.map((x) => h('option', { value: x.uuid, text: x.name })));
  const st = h('select', { id: 'matters-state' }, STATES.map(([v, l]) => h('option', { value: v, text: l })));
  const list = h('div', { id: 'matters-list' });
  const newForm = makeForm({
    id: 'matter-form', columns: 3, submitLabel: '受理',
    fields: [
      { key: 'applicantName', label: '申请人', required: true },
      { key: 'applicantPhone', label: '联系电话' },
      { key: 'matterType', label: '事项类型', type: 'dict', table: 'serviceMatterType', required: true },
      { key: 'summary', label: '事项内容', type: 'textarea', required: true, wide: true },
      { key: 'openedOn', label: '受理日期', type: 'date', value: today() },
    ],
    onSubmit: async (values) => {
      await api.post('/api/v1/service-matters', { ...compact(values), xiaoqu: xq.value });
      newForm.resetAll();
      say('服务事项已受理', 'ok');
      await load();
    },
  });
  const types = await codeNames('serviceMatterType');
  const load = async () => {
    const query = { xiaoqu: xq.value };
    if (st.value) query.state = st.value;
    const matters = await api.get('/api/v1/service-matters', query);
    fill(list, makeTable([
      { label: '受理日期', value: (m) => formatDate(m.openedOn) }, { label: '申请人', value: (m) => m.applicantName },
      { label: '事项类型', value: (m) => types.get(m.matterType) || m.matterType }, { label: '内容', value: (m) => m.summary },
      { label: '状态', value: (m) => h('span', { class: 'state state-' + m.state, text: m.stateLabel || STATE_LABELS[m.state] }) },
    ], matters, { id: 'matters-table', empty: '没有服务事项', onRow: (m) => matterDialog(m, types, load) }));
  };
  xq.addEventListener('change', load);
  st.addEventListener('change', load);
  fill(panel, h('h2', { text: '服务事项' }),
    h('div', { class: 'toolbar' }, h('label', { for: 'matters-xiaoqu', text: '小区' }), xq, h('label', { for: 'matters-state', text: '状态' }), st),
    list, h('h3', { text: '受理新事项' }), newForm);
  await load();
}

function matterDialog(matter, types, done) {
  const STATE_NAMES = { accepted: '受理', inProgress: '办理中', completed: '办结', returned: '退回', withdrawn: '撤销' };
  const content = h('div', {},
    h('dl', { class: 'facts' }, [['申请人', matter.applicantName], ['联系电话', matter.applicantPhone || '—'], ['事项类型', types.get(matter.matterType) || matter.matterType],
      ['内容', matter.summary], ['状态', matter.stateLabel], ['受理日期', formatDate(matter.openedOn)], ['办结日期', matter.closedOn ? formatDate(matter.closedOn) : '—']]
      .map(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })])),
    h('h3', { text: '办理经过' }),
    makeTable([{ label: '时间', value: (x) => formatDateTime(x.at) }, { label: '状态', value: (x) => STATE_NAMES[x.to] || x.to },
      { label: '办理人', value: (x) => x.actor }, { label: '意见', value: (x) => x.note || '—' }], matter.history || []));
  if (matter.next && matter.next.length) {
    content.append(h('h3', { text: '办理' }), makeForm({
      id: 'matter-progress', columns: 1, submitLabel: '提交',
      fields: [
        { key: 'to', label: '办理为', type: 'select', required: true, options: matter.next.map((s) => [s, STATE_NAMES[s] || s]) },
        { key: 'note', label: '办理意见', type: 'textarea' },
      ],
      onSubmit: async (values) => {
        await api.post('/api/v1/service-matters/' + matter.uuid + '/progress', compact(values));
        dlg.close();
        say('已办理', 'ok');
        done();
      },
    }));
  }
  const dlg = openDialog('服务事项', content, { id: 'matter-dialog' });
}

// ---------------------------------------------------------------------------------------------
// 待办提醒 and 数据质量

const REMINDER_KINDS = {
  'stay.expiring': '居住期限将到期（10 日内续期或注销）', 'stay.expired': '居住期限已到期（30 日后自动注销）',
  'house.inspectionDue': '出租房屋待巡查（每 4 个月）', 'stay.lateRegistration': '承租人逾期登记（3 日内）',
  'declaration.unregistered': '已申报未登记', 'person.residencePermitEligible': '可申领居住证（居住满 6 个月）',
};

async function renderTodo(panel) {
  const [reminders, quality] = await Promise.all([api.get('/api/v1/reminders'), api.get('/api/v1/data-quality', { limit: '50' })]);
  const counts = Object.entries(reminders.counts || {}).filter(([, n]) => n > 0);
  fill(panel,
    h('h2', { text: '待办提醒' }),
    h('p', { class: 'summary', id: 'todo-summary', text: formatDate(reminders.today) + '：共 ' + reminders.items.length + ' 项待办' +
      (counts.length ? '（' + counts.map(([k, n]) => (REMINDER_KINDS[k] || k) + ' ' + n + ' 项').join('，') + '）' : '') }),
    makeTable([
      { label: '类型', value: (i) => REMINDER_KINDS[i.kind] || i.kind },
      { label: '到期日', value: (i) => formatDate(i.dueDate) },
      { label: '逾期', class: 'num', value: (i) => (i.overdueDays > 0 ? i.overdueDays + ' 天' : '—') },
      { label: '人员', value: (i) => (i.personName ? i.personName + (i.idNumberMasked ? '（' + i.idNumberMasked + '）' : '') : '—') },
      { label: '房屋', value: (i) => i.xiaoquName + ' ' + i.houseAddress },
      { label: '说明', value: (i) => i.message },
    ], reminders.items, { id: 'todo-table', empty: '没有待办事项', onRow: (i) => { location.hash = '#tree/' + i.houseUuid; } }),
    h('h2', { text: '数据质量' }),
    makeTable([
      { label: '问题', value: (f) => f.message }, { label: '项目', value: (f) => f.fieldLabel || '—' },
      { label: '人员', value: (f) => (f.personName ? f.personName + (f.idNumberMasked ? '（' + f.idNumberMasked + '）' : '') : '—') },
      { label: '小区', value: (f) => f.xiaoquName || '—' },
    ], quality.findings, { id: 'quality-table', empty: '没有发现数据问题' }));
}

// ---------------------------------------------------------------------------------------------
// 导入导出

async function renderImport(panel) {
  const report = h('div', { id: 'import-report', role: 'status' });
  const form = makeForm({
    id: 'import-form', columns: 2, submitLabel: '导入',
    fields: [
      { key: 'kind', label: '导入内容', type: 'select', options: KINDS, required: true },
      { key: 'file', label: '文件（.xlsx 或 .csv）', type: 'file', accept: '.xlsx,.csv', required: true },
      { key: 'dryRun', label: '只检查，不写入', type: 'checkbox' },
      { key: 'createPlaces', label: '自动新建楼栋、单元和房屋', type: 'checkbox' },
      { key: 'confirmFindings', label: '确认一证多住等提示', type: 'checkbox' },
    ],
    onSubmit: async (values) => {
      fill(report, h('p', { text: '正在导入……' }));
      const query = { kind: values.kind };
      for (const key of ['dryRun', 'createPlaces', 'confirmFindings']) if (values[key]) query[key] = 'true';
      let answer;
      try {
        answer = await api.upload('/api/v1/imports', values.file, query);
      } catch (error) {
        fill(report);
        throw error;
      }
      showReport(answer);
      invalidatePlaces();
    },
  });
  const showReport = (r) => {
    const line = (r.dryRun ? '检查完成（未写入）' : '导入完成') + '：共 ' + r.rows + ' 行，新增 ' + r.created + ' 行，更新 ' + r.updated +
      ' 行，未变 ' + r.unchanged + ' 行，有误 ' + r.invalid + ' 行' + (r.needsConfirmation ? '，待确认 ' + r.needsConfirmation + ' 行' : '') +
      (r.placesCreated ? '，新建房屋等 ' + r.placesCreated + ' 处' : '') + '。';
    fill(report,
      h('p', { class: r.invalid ? 'summary warn' : 'summary ok', id: 'import-summary', text: line }),
      r.problems.length ? h('h3', { text: '有误的行（逐行）' }) : null,
      makeTable([{ label: '行号', class: 'num', value: (p) => String(p.row) }, { label: '列', value: (p) => p.column || '—' },
        { label: '原因', value: (p) => p.message }], r.problems, { id: 'import-problems', empty: '所有行均无误' }),
      r.warnings.length ? h('h3', { text: '提示' }) : null,
      r.warnings.length ? makeTable([{ label: '行号', class: 'num', value: (p) => String(p.row) }, { label: '列', value: (p) => p.column || '—' },
        { label: '提示', value: (p) => p.message }], r.warnings, { id: 'import-warnings' }) : null,
      r.ignoredColumns && r.ignoredColumns.length ? h('p', { text: '未识别而忽略的列：' + r.ignoredColumns.join('、') }) : null);
    say(line, r.invalid ? 'error' : 'ok');
  };

  fill(panel,
    h('h2', { text: '导入' }),
    h('p', { class: 'hint' }, '请使用导入模板：', KINDS.map(([v, l]) => [h('a', { href: '/api/v1/templates/' + v + '?format=xlsx', download: '', text: l + '模板' }), ' '])),
    form, report,
    await exportSection());
}
