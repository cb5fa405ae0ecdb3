// 公共大屏：各小区、楼栋的在住人口，近七日来与走，横幅；只显示数字，不显示任何个人信息。
// The public big screen (/screen/, no login): GET /api/v1/screen/state, then live updates from
// /api/v1/screen/events (occupancy.changed, banner.changed). Counts and place names only.
import { api } from "/common/api.js";
import { barChart, lineChart } from "/common/chart.js";
import { $, h } from "/common/dom.js";
import { formatCount, formatDateTime, formatMonthDay, formatTime } from "/common/format.js";
import { subscribe } from "/common/sse.js";

let lastOccupancy = null;

function sum(places, key) {
  return places.reduce((total, place) => total + (Number(place[key]) || 0), 0);
}

function renderOccupancy(data) {
  if (!data) return;
  lastOccupancy = data;
  const places = data.places || [];
  $("#total-living").textContent = formatCount(sum(places, "living"));
  $("#total-arrivals").textContent = formatCount(sum(places, "arrivalsToday"));
  $("#total-departures").textContent = formatCount(sum(places, "departuresToday"));
  $("#card-reads").textContent = data.cardReadsToday === undefined || data.cardReadsToday === null ? "—" : formatCount(data.cardReadsToday);

  $("#xiaoqu-chart").replaceChildren(barChart({
    labels: places.map((p) => p.name),
    series: [
      { name: "在住", values: places.map((p) => p.living) },
      { name: "今日来", values: places.map((p) => p.arrivalsToday) },
      { name: "今日走", values: places.map((p) => p.departuresToday) },
    ],
  }, { title: "各小区在住人口", width: 860, height: 340, empty: "暂无小区" }));

  const days = data.days || [];
  $("#days-chart").replaceChildren(lineChart({
    labels: days.map((d) => formatMonthDay(d.date)),
    series: [
      { name: "来（登记入住）", values: days.map((d) => d.arrivals), color: 1 },
      { name: "走（注销离开）", values: days.map((d) => d.departures), color: 2 },
    ],
  }, { title: `近${days.length || 7}日来与走`, width: 860, height: 340, empty: "暂无数据" }));

  $("#xiaoqus").replaceChildren(...places.map((place) => {
    const buildings = place.buildings || [];
    return h("article", { class: "panel xiaoqu", "data-xiaoqu": place.name },
      h("h2", {}, place.name, h("span", { class: "xiaoqu-living" }, `在住 ${formatCount(place.living)} 人`)),
      buildings.length
        ? barChart({ labels: buildings.map((b) => b.name), series: [{ name: "在住", values: buildings.map((b) => b.living) }] },
          { width: 560, height: 190, className: "chart-small" })
        : h("p", { class: "muted" }, "暂无楼栋"));
  }));
  $("#updated").textContent = `数据更新于 ${formatTime(new Date())}`;
  document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
}

function renderBanner(banner) {
  if (!banner) return;
  $("#welcome").textContent = banner.welcome || "社区人口动态";
  $("#banner-date").textContent = banner.date || "";
  const notices = banner.notices || [];
  $("#notices").textContent = notices.join("　　◆　　");
  $("#notices-bar").hidden = notices.length === 0;
}

function linkState(state) {
  const element = $("#link-state");
  element.textContent = state === "open" ? "● 实时更新中" : state === "reconnecting" ? "● 连接中断，正在重新连接…" : "● 已断开";
  element.className = `link-state ${state}`;
  if (state === "open") refresh(); // after a reconnection, the state may have moved on
}

async function refresh() {
  try {
    const state = await api("screen/state");
    renderBanner(state.banner);
    if (state.occupancy) renderOccupancy(state.occupancy);
  } catch (_) {
    linkState("reconnecting");
  }
}

function tick() {
  $("#clock").textContent = formatDateTime(new Date()).split(" ")[1] || "";
}

async function main() {
  tick();
  setInterval(tick, 1000);
  await refresh();
  subscribe("/api/v1/screen/events", {
    "occupancy.changed": renderOccupancy,
    "banner.changed": renderBanner,
  }, linkState);
  document.body.dataset.ready = "true";
  window.addEventListener("resize", () => renderOccupancy(lastOccupancy));
}

main();
