// Building blocks of the staff pages (/desk and /police): elements, forms with field errors,
// dictionary fields that complete from a code, pinyin initials or characters, tabs, dialogs.
// Network, events, charts and dates come from /common through net.js.
import { h as commonH } from '../common/dom.js';
import { api, fieldErrors, formatDate, today as todayText } from './net.js';

/** /common's h(), plus `text` (the text content), `value` and `checked` (set as properties, so a select or
 *  checkbox starts right). Strings become text, never HTML. */
export function h(tag, attrs = {}, ...children) {
  const { text, value, checked, ...rest } = attrs || {};
  const el = commonH(tag, rest, ...children.flat(Infinity));
  if (text !== undefined && text !== null) el.textContent = text;
  if (value !== undefined && value !== null) el.value = value;
  if (checked !== undefined) el.checked = !!checked;
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** The page's status line (aria-live): a message, or an error naming the field. */
export function say(text, kind = 'info') {
  const line = $('#status');
  if (!line) return;
  line.textContent = text;
  line.className = 'status status-' + kind;
}

/** An error's text for a person: the API's Chinese message (it names the field). */
export function errorText(error) {
  if (!error) return '操作失败';
  if (error.message) return error.message;
  return String(error);
}

// ---------------------------------------------------------------------------------------------
// Dictionaries

const dictCache = new Map();

/** Entries of a code table matching `q` (code, pinyin initials or characters), from the API. */
export async function searchDictionary(table, q, limit = 30) {
  const key = table + '\u0000' + q;
  if (!dictCache.has(key)) {
    const query = { limit: String(limit) };
    if (q) query.q = q;
    dictCache.set(key, api.get('/api/v1/dictionaries/' + encodeURIComponent(table), query)
      .then((d) => d.entries)
      .catch((e) => { dictCache.delete(key); throw e; }));
  }
  return dictCache.get(key);
}

/** The name of `code` in `table` ('' when unknown). */
export async function dictionaryName(table, code) {
  if (!code) return '';
  const all = await searchDictionary(table, '', 5000);
  const hit = all.find((e) => e.code === code);
  return hit ? hit.name : code;
}

/** code → name of a whole table, for showing stored codes in lists. */
export async function codeNames(table) {
  return new Map((await searchDictionary(table, '', 5000)).map((e) => [e.code, e.name]));
}

let comboCount = 0;

/** A dictionary field: type a code ("01"), pinyin initials ("hz") or characters ("汉"), pick with the
 *  arrow keys and Enter or the mouse. The chosen code is `input.dataset.code`; text typed that matches
 *  nothing is sent as typed, so the register names the field if it is wrong. */
export function dictionaryInput(table, { id, required, placeholder } = {}) {
  const listId = 'dict-list-' + (++comboCount);
  const input = h('input', {
    id, type: 'text', class: 'dict-input', autocomplete: 'off', role: 'combobox', 'aria-autocomplete': 'list',
    'aria-expanded': 'false', 'aria-controls': listId, 'aria-required': required ? 'true' : null,
    placeholder: placeholder || '代码、拼音首字母或汉字',
  });
  input.dataset.table = table;
  const list = h('ul', { id: listId, class: 'dict-list', role: 'listbox', hidden: true });
  const wrap = h('div', { class: 'dict' }, input, list);
  let entries = [];
  let active = -1;
  let timer = null;
  let serial = 0;

  const close = () => { list.hidden = true; input.setAttribute('aria-expanded', 'false'); active = -1; };
  const pick = (entry) => {
    input.value = entry.code + ' ' + entry.name;
    input.dataset.code = entry.code;
    close();
    input.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const render = () => {
    fill(list, entries.map((entry, i) => h('li', {
      role: 'option', id: listId + '-' + i, class: i === active ? 'active' : '', 'aria-selected': i === active ? 'true' : 'false',
      dataset: { code: entry.code },
      onmousedown: (event) => { event.preventDefault(); pick(entry); },
    }, h('span', { class: 'code', text: entry.code }), ' ', entry.name)));
    if (active >= 0) input.setAttribute('aria-activedescendant', listId + '-' + active);
    else input.removeAttribute('aria-activedescendant');
    list.hidden = entries.length === 0;
    input.setAttribute('aria-expanded', list.hidden ? 'false' : 'true');
  };
  const lookup = async () => {
    const mine = ++serial;
    const q = input.value.trim();
    try {
      const found = await searchDictionary(table, q);
      if (mine !== serial) return;
      entries = found.slice(0, 30);
      active = entries.length ? 0 : -1;
      render();
    } catch (error) {
      say(errorText(error), 'error');
    }
  };
  input.addEventListener('input', () => {
    delete input.dataset.code;
    clearTimeout(timer);
    timer = setTimeout(lookup, 120);
  });
  input.addEventListener('focus', () => { if (!input.value) lookup(); });
  input.addEventListener('keydown', (event) => {
    if (list.hidden) {
      if (event.key === 'ArrowDown') { event.preventDefault(); lookup(); }
      return;
    }
    if (event.key === 'ArrowDown') { event.preventDefault(); active = Math.min(entries.length - 1, active + 1); render(); }
    else if (event.key === 'ArrowUp') { event.preventDefault(); active = Math.max(0, active - 1); render(); }
    else if (event.key === 'Enter' && active >= 0) { event.preventDefault(); pick(entries[active]); }
    else if (event.key === 'Escape') { event.preventDefault(); close(); }
    else if (event.key === 'Tab' && active >= 0 && input.value.trim() && !input.dataset.code) { pick(entries[active]); }
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
  input.dictionaryValue = () => {
    if (input.dataset.code) return input.dataset.code;
    const text = input.value.trim();
    if (!text) return '';
    const exact = entries.find((e) => e.code === text || e.name === text || (e.code + ' ' + e.name) === text);
    return exact ? exact.code : text.split(' ')[0];
  };
  input.setDictionaryValue = async (code) => {
    if (!code) { input.value = ''; delete input.dataset.code; return; }
    input.dataset.code = code;
    input.value = code + ' ' + await dictionaryName(table, code);
  };
  wrap.input = input;
  return wrap;
}

// ---------------------------------------------------------------------------------------------
// Forms

let formCount = 0;

/** A form from field definitions: {key, label, type: text|date|number|dict|select|textarea|checkbox|password|file,
 *  table (dict), options [[value, label]] (select), required, hint, value}. Required fields are marked with *;
 *  `onSubmit(values, form)` runs on Enter or the submit button after the required fields are checked here
 *  (the register checks everything again and its errors name the field too). */
export function makeForm({ id, fields, submitLabel = '提交', onSubmit, extraButtons = [], columns = 2 }) {
  const prefix = id || 'form' + (++formCount);
  const form = h('form', { id, class: 'form cols-' + columns, novalidate: true });
  const summary = h('div', { class: 'form-errors', role: 'alert', id: prefix + '-errors', hidden: true });
  form.append(summary);
  const controls = new Map();
  for (const field of fields) {
    const inputId = prefix + '-' + field.key;
    let control;
    let input;
    if (field.type === 'dict') {
      control = dictionaryInput(field.table, { id: inputId, required: field.required });
      input = control.input;
      if (field.value) input.setDictionaryValue(field.value);
    } else if (field.type === 'select') {
      input = control = h('select', { id: inputId, 'aria-required': field.required ? 'true' : null },
        (field.options || []).map(([value, label]) => h('option', { value, text: label })));
      if (field.value !== undefined) input.value = field.value;
    } else if (field.type === 'textarea') {
      input = control = h('textarea', { id: inputId, rows: field.rows || 3, 'aria-required': field.required ? 'true' : null });
      if (field.value) input.value = field.value;
    } else if (field.type === 'date') {
      // A text field for dates: typed as 2026-11-22, 2026/11/22, 20261122 or 2026年11月22日, shown back
      // Chinese-style beside it (a native date picker follows the browser's locale, not the page's).
      input = h('input', { id: inputId, type: 'text', inputmode: 'numeric', autocomplete: 'off', class: 'date-input',
        placeholder: '年-月-日，如 ' + todayText(), 'aria-required': field.required ? 'true' : null, value: field.value || '' });
      const shown = h('span', { class: 'date-shown', 'aria-hidden': 'true' });
      const update = () => { const v = normalizeDate(input.value); shown.textContent = v ? formatDate(v) : ''; };
      input.addEventListener('input', update);
      input.addEventListener('change', update);
      input.refreshDate = update;
      update();
      control = h('div', { class: 'date-field' }, input, shown);
    } else if (field.type === 'file') {
      // The browser's own file button speaks the browser's language: ours says 选择文件 and shows the name.
      input = h('input', { id: inputId, type: 'file', accept: field.accept, class: 'visually-hidden', 'aria-required': field.required ? 'true' : null });
      const chosen = h('span', { class: 'file-chosen', text: '未选择文件' });
      input.addEventListener('change', () => { chosen.textContent = input.files && input.files[0] ? input.files[0].name : '未选择文件'; });
      control = h('div', { class: 'file-field' }, input, h('label', { for: inputId, class: 'button', text: '选择文件' }), chosen);
    } else if (field.type === 'checkbox') {
      input = control = h('input', { id: inputId, type: 'checkbox', checked: !!field.value });
    } else {
      input = control = h('input', {
        id: inputId, type: field.type || 'text', autocomplete: 'off', 'aria-required': field.required ? 'true' : null,
        placeholder: field.placeholder, step: field.step, min: field.min, max: field.max, accept: field.accept,
      });
      if (field.value !== undefined && field.value !== null && field.type !== 'file') input.value = field.value;
    }
    input.name = field.key;
    const error = h('span', { class: 'field-error', id: inputId + '-error', role: 'status' });
    input.setAttribute('aria-describedby', inputId + '-error');
    const label = h('label', { for: inputId, class: field.required ? 'required' : '' }, field.label);
    const row = h('div', { class: 'field field-' + (field.type || 'text') + (field.wide ? ' wide' : ''), dataset: { key: field.key } },
      label, control, field.hint ? h('span', { class: 'hint', text: field.hint }) : null, error);
    controls.set(field.key, { field, input, error, row });
    form.append(row);
  }
  const buttons = h('div', { class: 'buttons' },
    h('button', { type: 'submit', class: 'primary', id: prefix + '-submit', text: submitLabel }), extraButtons);
  form.append(buttons);

  form.values = () => {
    const values = {};
    for (const [key, { field, input }] of controls) {
      let value;
      if (field.type === 'dict') value = input.dictionaryValue();
      else if (field.type === 'checkbox') value = input.checked;
      else if (field.type === 'number') value = input.value.trim() === '' ? '' : Number(input.value);
      else if (field.type === 'date') value = normalizeDate(input.value) || input.value.trim();
      else if (field.type === 'file') value = input.files && input.files[0];
      else value = input.value.trim();
      values[key] = value;
    }
    return values;
  };
  form.control = (key) => controls.get(key) && controls.get(key).input;
  /** Empties every field (dictionary codes too) and puts back the defaults of the definitions. */
  form.resetAll = () => {
    form.reset();
    form.clearErrors();
    for (const { field, input } of controls.values()) {
      if (field.type === 'dict') { delete input.dataset.code; if (field.value) input.setDictionaryValue(field.value); }
      else if (field.type === 'select') { if (field.value !== undefined) input.value = field.value; }
      else if (field.type === 'checkbox') input.checked = !!field.value;
      else if (field.type !== 'file' && field.value !== undefined && field.value !== null) input.value = field.value;
      if (input.refreshDate) input.refreshDate();
    }
  };
  form.clearErrors = () => {
    summary.hidden = true;
    summary.replaceChildren();
    for (const { input, error, row } of controls.values()) {
      input.removeAttribute('aria-invalid');
      error.textContent = '';
      row.classList.remove('invalid');
    }
  };
  /** Shows errors [{field, message}] beside their fields and in the summary; focuses the first. */
  form.showErrors = (errors, fallback) => {
    form.clearErrors();
    const items = [];
    let first = null;
    for (const { field, message } of errors) {
      const key = field ? String(field).split(/[.[]/)[0] : null;
      const entry = key && controls.get(key);
      if (entry) {
        entry.input.setAttribute('aria-invalid', 'true');
        entry.error.textContent = message;
        entry.row.classList.add('invalid');
        if (!first) first = entry.input;
      }
      items.push(h('li', {}, entry ? entry.field.label + '：' : '', message));
    }
    if (!items.length && fallback) items.push(h('li', { text: fallback }));
    fill(summary, h('p', { text: '未能提交，请更正以下内容：' }), h('ul', {}, items));
    summary.hidden = false;
    (first || summary).focus && (first || summary).focus();
    say(items.map((li) => li.textContent).join('；'), 'error');
  };
  /** Shows an API error: field errors beside the fields, anything else in the summary. */
  form.showError = (error) => {
    const list = fieldErrors(error);
    if (list.length) form.showErrors(list);
    else form.showErrors([], errorText(error));
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = form.values();
    const missing = [];
    for (const [key, { field }] of controls) {
      const v = values[key];
      if (field.required && (v === '' || v === undefined || v === null || v === false)) {
        missing.push({ field: key, message: '请填写“' + field.label + '”' });
      }
    }
    for (const [key, { field }] of controls) {
      if (field.type === 'date' && values[key] && !normalizeDate(values[key])) {
        missing.push({ field: key, message: '“' + field.label + '”应为日期，如 ' + todayText() });
      }
    }
    if (missing.length) { form.showErrors(missing); return; }
    form.clearErrors();
    const button = $('button[type=submit]', form);
    button.disabled = true;
    try {
      await onSubmit(values, form);
    } catch (error) {
      form.showError(error);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** Drops empty values (the API takes an absent key as "not given"). */
export function compact(values) {
  const out = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === '' || value === undefined || value === null) continue;
    out[key] = value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Layout: tabs, dialogs, tables

/** Tabs bound to the location hash: [{id, label, render(panel)}]; Arrow keys move between tabs. */
export function makeTabs(nav, main, tabs, { onShow } = {}) {
  const buttons = tabs.map((tab) => h('a', {
    href: '#' + tab.id, role: 'tab', id: 'tab-' + tab.id, class: 'tab', 'aria-controls': 'panel-' + tab.id, text: tab.label,
  }));
  fill(nav, h('div', { role: 'tablist', class: 'tablist', 'aria-label': '功能' }, buttons));
  nav.addEventListener('keydown', (event) => {
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    if (event.key === 'ArrowRight' || event.key === 'ArrowDown') { event.preventDefault(); buttons[(i + 1) % buttons.length].focus(); }
    if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') { event.preventDefault(); buttons[(i - 1 + buttons.length) % buttons.length].focus(); }
  });
  let current = null;
  const show = (force) => {
    if (!document.body.contains(main)) { window.removeEventListener('hashchange', show); return; } // page left
    const wanted = location.hash.slice(1).split('/')[0];
    const tab = tabs.find((t) => t.id === wanted) || tabs[0];
    if (tab === current && force !== true) return; // '#tree/<house>' is the tab's own business
    current = tab;
    say('');
    buttons.forEach((b, i) => {
      const on = tabs[i] === tab;
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      b.classList.toggle('current', on);
    });
    const panel = h('section', { id: 'panel-' + tab.id, role: 'tabpanel', 'aria-labelledby': 'tab-' + tab.id, class: 'panel' });
    fill(main, panel);
    Promise.resolve(tab.render(panel)).catch((error) => say(errorText(error), 'error'));
    if (onShow) onShow(tab);
  };
  window.addEventListener('hashchange', show);
  show(true);
  return { show: () => show(true) };
}

/** A modal dialog with `content`; returns {dialog, close}. Escape closes it; focus returns. */
export function openDialog(title, content, { id } = {}) {
  const before = document.activeElement;
  const dialog = h('dialog', { class: 'dialog', id, 'aria-label': title },
    h('header', {}, h('h2', { text: title }), h('button', { type: 'button', class: 'close', 'aria-label': '关闭', text: '×', onclick: () => close() })),
    content);
  const close = () => { dialog.close(); dialog.remove(); if (before && before.focus) before.focus(); };
  dialog.addEventListener('cancel', (event) => { event.preventDefault(); close(); });
  document.body.append(dialog);
  dialog.showModal();
  const first = dialog.querySelector('input, select, textarea, button:not(.close)');
  if (first) first.focus();
  return { dialog, close };
}

/** A table: columns [{label, value(row) → node|string, class}]; onRow(row) makes rows clickable with Enter. */
export function makeTable(columns, rows, { onRow, empty = '没有记录', id, caption } = {}) {
  if (!rows.length) return h('p', { class: 'empty', text: empty, id });
  return h('table', { class: 'table' + (onRow ? ' clickable' : ''), id },
    caption ? h('caption', { text: caption }) : null,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.class, text: c.label })))),
    h('tbody', {}, rows.map((row) => {
      const tr = h('tr', {}, columns.map((c) => h('td', { class: c.class }, c.value(row))));
      if (onRow) {
        tr.tabIndex = 0;
        tr.addEventListener('click', () => onRow(row));
        tr.addEventListener('keydown', (event) => { if (event.key === 'Enter') { event.preventDefault(); onRow(row); } });
      }
      return tr;
    })));
}

/** A button. */
export function button(label, onclick, { cls = '', id, type = 'button', title } = {}) {
  return h('button', { type, class: cls, id, title, onclick, text: label });
}

/** "2026-11-22" from 2026-11-22, 2026/11/22, 2026.11.22, 20261122 or 2026年11月22日; null if not a real date. */
export function normalizeDate(text) {
  const t = String(text || '').trim();
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(t) || /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
