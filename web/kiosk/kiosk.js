// 自助终端：放置身份证 → 核对信息 → 居住登记申报 → 回执；无操作超时自动清空。
// The self-service kiosk page (/kiosk/?device=NAME[&idle=SECONDS]). No login: the API serves the kiosk's
// own client addresses only, and only for the card just read on its reader. The page polls that card at a
// fixed pace whatever happens, and answers the same for everyone: nothing here depends on who the person is.
import { api, dictionary, showError, ApiError } from "/common/api.js";
import { $, $$, h, showOnly } from "/common/dom.js";
import { formatDate, formatDateTime } from "/common/format.js";

const params = new URLSearchParams(location.search);
const device = params.get("device") || "";
const idleSeconds = clampNumber(params.get("idle"), 60, 2, 3600);
const pollMs = clampNumber(params.get("poll"), 800, 200, 10000);
const openedAt = Date.now();

const sections = { wait: $("#wait"), form: $("#form"), receipt: $("#receipt") };
const TABLES = ["relation", "residenceReason", "housingType", "plannedStay"];
const FIELDS = ["house", ...TABLES, "applyResidencePermit", "hasEmployer", "phone"];

let mode = "wait";
let card = null; // the card view being declared
const dismissed = new Set(); // tokens already used or timed out: not shown again
let places = null; // {xiaoqus: [{uuid, name, buildings: [{key, name, units: [{key, name, rooms: [house]}]}]}]}
let choice = {}; // field -> value
let picked = { xiaoqu: null, building: null, unit: null };
let lastActivity = Date.now();
let submitting = false;
let polling = false;

function clampNumber(text, fallback, min, max) {
  const n = Number(text);
  return Number.isFinite(n) && n >= min && n <= max ? n : fallback;
}

function show(name) {
  mode = name;
  showOnly(Object.values(sections), sections[name]);
  lastActivity = Date.now();
  window.scrollTo(0, 0);
}

// --- the card on the reader -------------------------------------------------------------------------
async function pollCard() {
  if (polling || submitting) return;
  polling = true;
  try {
    const view = await api(`kiosk/${encodeURIComponent(device)}/card`);
    showError($("#setup-error"), null);
    const fresh = view.present && !dismissed.has(view.token) && Date.parse(view.readAt) >= openedAt - 2000;
    if (fresh && (!card || card.token !== view.token)) {
      await startDeclaration(view);
    } else if (!view.present && mode === "form") {
      reset(); // the card expired or was used elsewhere
    }
  } catch (error) {
    if (error instanceof ApiError && (error.code === "kiosk.unknown" || error.code === "kiosk.forbidden")) {
      showError($("#setup-error"), new Error(`${error.message}（终端：${device || "未指定"}）`));
    } else if (mode === "wait") {
      showError($("#setup-error"), error);
    }
  } finally {
    polling = false;
  }
}

async function startDeclaration(view) {
  card = view;
  choice = {};
  picked = { xiaoqu: null, building: null, unit: null };
  $("#holder-name").textContent = view.maskedName || "—";
  $("#holder-id").textContent = view.maskedIdNumber || "—";
  $("#holder-sex").textContent = view.sex || "—";
  $("#holder-birth").textContent = view.birthYear ? `${view.birthYear}年` : "—";
  $("#holder-photo").textContent = view.hasPhoto ? "已读取" : "未读取到照片";
  clearErrors();
  await loadPlaces();
  renderHouse();
  clearChoices();
  renderPhone();
  show("form");
}

// --- houses: 楼栋 / 单元 / 户 -------------------------------------------------------------------------
async function loadPlaces() {
  const answer = await api(`kiosk/${encodeURIComponent(device)}/places`);
  const names = new Map();
  const xiaoquNames = new Map();
  for (const community of answer.tree.communities || []) {
    for (const xiaoqu of community.xiaoqus || []) {
      xiaoquNames.set(xiaoqu.uuid, xiaoqu.name);
      for (const building of xiaoqu.buildings || []) {
        names.set(building.uuid, building.name);
        for (const unit of building.units || []) names.set(unit.uuid, unit.name);
      }
    }
  }
  const xiaoqus = new Map();
  for (const house of answer.houses) {
    const x = xiaoqus.get(house.xiaoquUuid) || { uuid: house.xiaoquUuid, name: xiaoquNames.get(house.xiaoquUuid) || "小区", buildings: new Map() };
    xiaoqus.set(house.xiaoquUuid, x);
    const bKey = house.buildingUuid || "none";
    const b = x.buildings.get(bKey) || { key: bKey, name: names.get(house.buildingUuid) || "其他房屋", units: new Map() };
    x.buildings.set(bKey, b);
    const uKey = house.unitUuid || "none";
    const u = b.units.get(uKey) || { key: uKey, name: names.get(house.unitUuid) || "无单元", rooms: [] };
    b.units.set(uKey, u);
    u.rooms.push(house);
  }
  const byName = (a, b) => a.name.localeCompare(b.name, "zh-CN", { numeric: true });
  places = {
    xiaoqus: [...xiaoqus.values()].sort(byName).map((x) => ({
      ...x,
      buildings: [...x.buildings.values()].sort(byName).map((b) => ({
        ...b,
        units: [...b.units.values()].sort(byName).map((u) => ({
          ...u, rooms: u.rooms.sort((p, q) => p.roomNumber.localeCompare(q.roomNumber, "zh-CN", { numeric: true })),
        })),
      })),
    })),
  };
  if (places.xiaoqus.length === 1) picked.xiaoqu = places.xiaoqus[0].uuid;
}

function renderHouse() {
  const xiaoqu = places.xiaoqus.find((x) => x.uuid === picked.xiaoqu);
  const buildings = xiaoqu ? xiaoqu.buildings : places.xiaoqus.flatMap((x) => x.buildings.map((b) => ({ ...b, xiaoqu: x })));
  const building = buildings.find((b) => b.key === picked.building);
  const unit = building && building.units.find((u) => u.key === picked.unit);
  const room = unit && unit.rooms.find((r) => r.uuid === choice.house);
  $("#buildings").replaceChildren(...buildings.map((b) => choiceButton(b.name, b.key === picked.building, () => {
    picked = { xiaoqu: b.xiaoqu ? b.xiaoqu.uuid : picked.xiaoqu, building: b.key, unit: b.units.length === 1 ? b.units[0].key : null };
    delete choice.house;
    renderHouse();
  })));
  $("#units").replaceChildren(...(building ? building.units : []).map((u) => choiceButton(u.name, u.key === picked.unit, () => {
    picked.unit = u.key;
    delete choice.house;
    renderHouse();
  })));
  $("#rooms").replaceChildren(...(unit ? unit.rooms : []).map((r) => choiceButton(r.roomNumber, r.uuid === choice.house, () => {
    choice.house = r.uuid;
    clearFieldError("house");
    renderHouse();
  })));
  if (!building) $("#units").append(h("span", { class: "muted" }, "请先选择楼栋"));
  else if (!unit) $("#rooms").append(h("span", { class: "muted" }, "请先选择单元"));
  $("#house-address").textContent = room ? `已选择：${room.address}` : "";
}

function choiceButton(label, chosen, onPick) {
  return h("button", { type: "button", class: chosen ? "choice chosen" : "choice", "aria-pressed": chosen ? "true" : "false", onclick: onPick }, label);
}

// --- pick lists from the code tables ----------------------------------------------------------------
async function loadDictionaries() {
  for (const table of TABLES) {
    const entries = await dictionary(table, { limit: 100 });
    const group = $(`#${table}`);
    group.replaceChildren(...entries.map((entry) => h("button", { type: "button", class: "choice", "aria-pressed": "false", dataset: { value: entry.code } }, entry.name)));
  }
}

function markChosen(group, value) {
  for (const button of $$(".choice", group)) {
    const on = value !== null && button.dataset.value === value;
    button.classList.toggle("chosen", on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }
}

function clearChoices() {
  for (const group of $$(".choices[data-table], #applyResidencePermit, #hasEmployer")) markChosen(group, null);
  $("#employer-note").hidden = true;
}

function onChoice(event) {
  const button = event.target.closest(".choice[data-value]");
  if (!button) return;
  const group = button.closest(".choices");
  const field = group.id;
  const raw = button.dataset.value;
  choice[field] = field === "applyResidencePermit" || field === "hasEmployer" ? raw === "true" : raw;
  markChosen(group, raw);
  clearFieldError(field);
  if (field === "hasEmployer") $("#employer-note").hidden = raw !== "true";
}

// --- phone keypad -------------------------------------------------------------------------------------
function onKey(event) {
  const key = event.target.closest(".key");
  if (!key) return;
  const digits = choice.phone || "";
  if (key.dataset.key === "clear") choice.phone = "";
  else if (key.dataset.key === "back") choice.phone = digits.slice(0, -1);
  else if (digits.length < 15) choice.phone = digits + key.dataset.key;
  clearFieldError("phone");
  renderPhone();
}

function renderPhone() {
  const digits = choice.phone || "";
  $("#phone-display").textContent = digits ? digits.replace(/^(\d{3})(\d{0,4})(\d{0,4})(.*)$/, (_, a, b, c, d) => [a, b, c, d].filter(Boolean).join(" ")) : "请用下方数字键输入手机号码";
  $("#phone-display").classList.toggle("empty", !digits);
}

// --- errors -------------------------------------------------------------------------------------------
function clearErrors() {
  showError($("#form-error"), null);
  for (const field of FIELDS) clearFieldError(field);
}

function clearFieldError(field) {
  for (const element of $$(`[data-error-for="${field}"]`)) {
    element.hidden = true;
    element.textContent = "";
  }
  const step = document.querySelector(`.kiosk-step[data-field="${field}"]`);
  if (step) step.classList.remove("has-error");
}

function showFieldErrors(error) {
  let first = null;
  const named = new Map();
  for (const f of error.fields || []) if (!named.has(f.field)) named.set(f.field, f.message);
  if (error.field && !named.has(error.field)) named.set(error.field, error.message);
  for (const [field, message] of named) {
    const key = field === "token" ? null : field;
    const target = key && document.querySelector(`[data-error-for="${key}"]`);
    if (!target) continue;
    target.textContent = message;
    target.hidden = false;
    const step = target.closest(".kiosk-step");
    step.classList.add("has-error");
    first = first || step;
  }
  return first;
}

// --- submit, receipt, reset ---------------------------------------------------------------------------
async function submit() {
  if (!card || submitting) return;
  submitting = true;
  $("#submit").disabled = true;
  $("#busy").hidden = false;
  clearErrors();
  const body = { token: card.token };
  for (const field of FIELDS) if (choice[field] !== undefined && choice[field] !== "") body[field] = choice[field];
  try {
    const receipt = await api(`kiosk/${encodeURIComponent(device)}/declaration`, { method: "POST", body });
    dismissed.add(card.token);
    $("#receipt-name").textContent = receipt.maskedName;
    $("#receipt-address").textContent = receipt.houseAddress;
    $("#receipt-date").textContent = formatDate(receipt.declaredOn);
    $("#receipt-number").textContent = String(receipt.declaration).slice(0, 8).toUpperCase();
    card = null;
    show("receipt");
  } catch (error) {
    showError($("#form-error"), error);
    const first = error instanceof ApiError ? showFieldErrors(error) : null;
    (first || $("#form-error")).scrollIntoView({ block: "center" });
  } finally {
    submitting = false;
    $("#submit").disabled = false;
    $("#busy").hidden = true;
  }
}

/** Back to "请放置身份证": everything the person chose or saw is cleared. */
function reset() {
  if (card) dismissed.add(card.token);
  card = null;
  choice = {};
  picked = { xiaoqu: null, building: null, unit: null };
  for (const id of ["holder-name", "holder-id", "holder-sex", "holder-birth", "holder-photo", "receipt-name", "receipt-address", "receipt-date", "receipt-number", "house-address"]) {
    $(`#${id}`).textContent = "";
  }
  for (const id of ["buildings", "units", "rooms"]) $(`#${id}`).replaceChildren();
  clearChoices();
  clearErrors();
  renderPhone();
  show("wait");
}

function tick() {
  $("#clock").textContent = formatDateTime(new Date());
  const left = Math.ceil(idleSeconds - (Date.now() - lastActivity) / 1000);
  if (mode !== "wait" && !submitting && left <= 0) reset();
  $("#idle-note").textContent = mode === "wait" ? "" : `${Math.max(0, left)} 秒无操作将自动返回首页`;
}

function activity() {
  lastActivity = Date.now();
}

async function main() {
  for (const type of ["pointerdown", "keydown", "touchstart", "click"]) document.addEventListener(type, activity, { passive: true });
  for (const id of [...TABLES, "applyResidencePermit", "hasEmployer"]) $(`#${id}`).addEventListener("click", onChoice);
  $("#keypad").addEventListener("click", onKey);
  $("#submit").addEventListener("click", submit);
  $("#cancel").addEventListener("click", reset);
  $("#done").addEventListener("click", reset);
  tick();
  setInterval(tick, 250);
  if (!device) {
    showError($("#setup-error"), new Error("未指定自助终端：请在地址中加上 ?device=终端名称"));
    return;
  }
  try {
    await loadDictionaries();
  } catch (error) {
    showError($("#setup-error"), error);
  }
  renderPhone();
  document.body.dataset.ready = "true";
  await pollCard();
  setInterval(pollCard, pollMs);
}

main();
