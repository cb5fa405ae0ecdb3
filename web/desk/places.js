// The places of the caller's scope: the tree 社区 → 小区 → 楼栋 → 单元, the houses of each 小区 and the
// number of people living in each, summed up the tree; and a keyboard-friendly house picker.
import { api } from './net.js';
import { h, fill } from './ui.js';

let treePromise = null;
const housesByXiaoqu = new Map();

export function invalidatePlaces() { treePromise = null; housesByXiaoqu.clear(); }

export function placeTree() {
  if (!treePromise) treePromise = api.get('/api/v1/places/tree').catch((e) => { treePromise = null; throw e; });
  return treePromise;
}

export async function xiaoqus() {
  const tree = await placeTree();
  return tree.communities.flatMap((c) => c.xiaoqus.map((x) => ({ ...x, community: c })));
}

/** The houses of a 小区 with `living` (people living there now) on each. */
export async function housesOf(xiaoquUuid) {
  if (!housesByXiaoqu.has(xiaoquUuid)) {
    housesByXiaoqu.set(xiaoquUuid, Promise.all([
      api.get('/api/v1/xiaoqus/' + xiaoquUuid + '/houses'),
      api.get('/api/v1/statistics/occupancy', { groupBy: 'house', xiaoqu: xiaoquUuid, breakdowns: 'false' }),
    ]).then(([houses, report]) => {
      const living = new Map(report.rows.map((r) => [r.uuid, r.counts.living]));
      return houses.map((house) => ({ ...house, living: living.get(house.uuid) || 0 }))
        .sort((a, b) => (a.floor ?? 0) - (b.floor ?? 0) || String(a.roomNumber).localeCompare(String(b.roomNumber), 'zh-CN', { numeric: true }));
    }).catch((e) => { housesByXiaoqu.delete(xiaoquUuid); throw e; }));
  }
  return housesByXiaoqu.get(xiaoquUuid);
}

export async function findHouse(uuid) {
  for (const x of await xiaoqus()) {
    const house = (await housesOf(x.uuid)).find((hh) => hh.uuid === uuid);
    if (house) return { house, xiaoqu: x };
  }
  return null;
}

/** A picker 小区 → 楼栋 → 单元 → 房屋 made of four select elements; `value()` is the house UUID. */
export function housePicker(prefix, { initial } = {}) {
  const sel = (key, label) => {
    const select = h('select', { id: prefix + '-' + key, 'aria-required': key === 'house' ? 'true' : null });
    return { select, row: h('div', { class: 'field' }, h('label', { for: select.id, class: key === 'house' ? 'required' : '', text: label }), select) };
  };
  const xq = sel('xiaoqu', '小区');
  const bd = sel('building', '楼栋');
  const un = sel('unit', '单元');
  const hs = sel('house', '房屋');
  const error = h('span', { class: 'field-error', id: prefix + '-house-error', role: 'status' });
  hs.row.append(error);
  const el = h('fieldset', { class: 'house-picker', id: prefix }, h('legend', { text: '房屋' }), xq.row, bd.row, un.row, hs.row);
  let houses = [];
  let tree = null;
  const options = (select, items, blank) => fill(select, blank ? h('option', { value: '', text: blank }) : null,
    items.map(([value, label]) => h('option', { value, text: label })));

  async function onXiaoqu() {
    const x = (await xiaoqus()).find((i) => i.uuid === xq.select.value);
    houses = x ? await housesOf(x.uuid) : [];
    options(bd.select, x ? x.buildings.map((b) => [b.uuid, b.name]) : [], '（全部楼栋）');
    onBuilding();
  }
  function onBuilding() {
    const x = tree && tree.find((i) => i.uuid === xq.select.value);
    const b = x && x.buildings.find((i) => i.uuid === bd.select.value);
    options(un.select, b ? b.units.map((u) => [u.uuid, u.name]) : [], '（全部单元）');
    onUnit();
  }
  function onUnit() {
    const list = houses.filter((house) => (!bd.select.value || house.buildingUuid === bd.select.value) &&
      (!un.select.value || house.unitUuid === un.select.value));
    options(hs.select, list.map((house) => [house.uuid, house.address + (house.status === 1 ? '（已注销）' : '')]), '请选择房屋');
  }
  xq.select.addEventListener('change', onXiaoqu);
  bd.select.addEventListener('change', onBuilding);
  un.select.addEventListener('change', onUnit);

  el.ready = (async () => {
    tree = await xiaoqus();
    options(xq.select, tree.map((x) => [x.uuid, x.name]));
    if (initial) {
      const found = await findHouse(initial);
      if (found) {
        xq.select.value = found.xiaoqu.uuid;
        await onXiaoqu();
        bd.select.value = found.house.buildingUuid || '';
        onBuilding();
        un.select.value = found.house.unitUuid || '';
        onUnit();
        hs.select.value = initial;
        return;
      }
    }
    await onXiaoqu();
  })();
  el.value = () => hs.select.value;
  el.showError = (message) => {
    error.textContent = message || '';
    if (message) { hs.select.setAttribute('aria-invalid', 'true'); hs.select.focus(); } else hs.select.removeAttribute('aria-invalid');
  };
  return el;
}
