// 页面元素的小工具。
// Small DOM helpers: no inline HTML strings with data in them, so nothing a card or a server sends can
// become markup.

/** document.querySelector (throws when missing, so a broken page fails loudly in the tests). */
export function $(selector, root = document) {
  const element = root.querySelector(selector);
  if (!element) throw new Error(`missing element ${selector}`);
  return element;
}

/** document.querySelectorAll as an array. */
export function $$(selector, root = document) {
  return [...root.querySelectorAll(selector)];
}

/**
 * An element: h("button", {class: "big", type: "button", dataset: {code: "01"}, onclick: f}, "文字", child…).
 * Attributes starting with "on" become listeners; `dataset` fills data-*; `hidden`/`disabled` are booleans.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name === "class") element.className = value;
    else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Shows exactly one of `sections` (elements), hiding the others. */
export function showOnly(sections, shown) {
  for (const section of sections) section.hidden = section !== shown;
}
