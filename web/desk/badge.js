// The to-do badge (待办计数) on a tab of the staff pages' navigation: the cases awaiting an answer in the
// user's scope plus their unread notices (GET /api/v1/todo/counts), the overdue cases highlighted. Kept
// current by polling (a background request: it does not keep an unattended session alive), by every render
// of the 协查 tab (which has the counts already), and at once after an answer, a re-pairing or a notice
// marked read on this page (todoChanged()).
import { api } from './net.js';
import { h } from './ui.js';

const POLL_MS = 10000;
const CHANGED = 'renfang:todo-changed';

/** Shows `counts` ({cases, overdueCases, notices}) in the badge, if the page has one. */
export function showTodoCounts(counts) {
  const badge = document.getElementById('todo-badge');
  if (!badge || !counts) return;
  const cases = counts.cases || 0;
  const overdue = counts.overdueCases || 0;
  const notices = counts.notices || 0;
  const total = cases + notices;
  const label = '待反馈协查 ' + cases + ' 件（逾期 ' + overdue + ' 件），未读通知 ' + notices + ' 条';
  badge.replaceChildren(h('span', { class: 'badge-count', text: String(total) }),
    overdue ? h('span', { class: 'badge-overdue', text: '逾期 ' + overdue }) : null);
  badge.dataset.total = String(total);
  badge.dataset.overdue = String(overdue);
  badge.classList.toggle('overdue', overdue > 0);
  badge.hidden = total === 0;
  badge.title = label;
  badge.setAttribute('aria-label', label);
}

/** Asks the badge to refresh now (something on this page changed the to-do list). */
export function todoChanged() {
  window.dispatchEvent(new Event(CHANGED));
}

/** Puts the badge on the tab `tabId` of `nav` and keeps it current while the page shows it. */
export function todoBadge(nav, tabId) {
  const tab = nav.querySelector('#tab-' + tabId);
  if (!tab) return;
  const badge = h('span', { id: 'todo-badge', class: 'badge', hidden: true });
  tab.append(' ', badge);
  let timer = null;
  const refresh = async () => {
    if (!document.body.contains(badge)) { stop(); return; } // logged out: the page was replaced
    try {
      showTodoCounts(await api.poll('/api/v1/todo/counts'));
    } catch (error) { /* the next poll tries again; a 401 brings the login form */ }
  };
  const onVisible = () => { if (!document.hidden) refresh(); };
  function stop() {
    clearInterval(timer);
    window.removeEventListener(CHANGED, refresh);
    document.removeEventListener('visibilitychange', onVisible);
  }
  window.addEventListener(CHANGED, refresh);
  document.addEventListener('visibilitychange', onVisible);
  timer = setInterval(() => { if (!document.hidden) refresh(); }, POLL_MS);
  refresh();
}
