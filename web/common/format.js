// 日期与数字的中文格式：2026年11月22日 09:30。
// Chinese-style dates and times in the register's time zone (Asia/Shanghai), whatever the browser's.

const ZONE = "Asia/Shanghai";
const WEEKDAYS = ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"];

function parts(date) {
  const d = date instanceof Date ? date : new Date(date);
  if (Number.isNaN(d.getTime())) return null;
  const fields = new Intl.DateTimeFormat("en-US", {
    timeZone: ZONE, year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit",
    second: "2-digit", hourCycle: "h23", weekday: "short",
  }).formatToParts(d);
  const get = (type) => fields.find((p) => p.type === type)?.value;
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(get("weekday"));
  return {
    year: Number(get("year")), month: Number(get("month")), day: Number(get("day")),
    hour: get("hour"), minute: get("minute"), second: get("second"), weekday,
  };
}

/** 2026年11月22日 09:30 (a Date, a timestamp or an ISO 8601 text). */
export function formatDateTime(value) {
  const p = parts(value);
  return p ? `${p.year}年${p.month}月${p.day}日 ${p.hour}:${p.minute}` : "";
}

/** 2026年11月22日 (a Date, or a register date "2026-11-22", taken as that calendar day). */
export function formatDate(value) {
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split("-").map(Number);
    return `${y}年${m}月${d}日`;
  }
  const p = parts(value);
  return p ? `${p.year}年${p.month}月${p.day}日` : "";
}

/** 11月22日 (for chart labels). */
export function formatMonthDay(value) {
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [, m, d] = value.split("-").map(Number);
    return `${m}月${d}日`;
  }
  const p = parts(value);
  return p ? `${p.month}月${p.day}日` : "";
}

/** 星期日 … 星期六. */
export function formatWeekday(value) {
  const p = parts(value);
  return p ? WEEKDAYS[p.weekday] : "";
}

/** 09:30:05. */
export function formatTime(value) {
  const p = parts(value);
  return p ? `${p.hour}:${p.minute}:${p.second}` : "";
}

/** Today in Asia/Shanghai as "2026-11-22". */
export function todayText(now = new Date()) {
  const p = parts(now);
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

/** 12,345 → "12,345" (grouping as in Chinese text). */
export function formatCount(n) {
  return Number(n || 0).toLocaleString("zh-CN");
}
