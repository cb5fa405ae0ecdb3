// 接口调用：/api/v1 的 JSON 请求、CSRF 令牌与中文错误。
// The fetch wrapper of every page: JSON in and out, the session's CSRF token on every state-changing
// request (protocol-docs/auth.md), and API errors {error: {code, message, field, fields}} turned into an
// ApiError whose text is the server's Chinese message naming the field.

let csrfToken = null;

/** An answer of the API that is not 2xx, or no answer at all (status 0). */
export class ApiError extends Error {
  constructor(status, code, message, field = null, fields = [], body = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.field = field;
    this.fields = fields;
    this.body = body;
  }

  /** Every message to show: the field messages when there are any, else the main message. */
  get messages() {
    const list = (this.fields || []).map((f) => f.message).filter(Boolean);
    return list.length ? [...new Set(list)] : [this.message];
  }

  /** The message about one field (by its JSON key), if the server named it. */
  messageFor(field) {
    const hit = (this.fields || []).find((f) => f.field === field);
    if (hit) return hit.message;
    return this.field === field ? this.message : null;
  }
}

/** Keeps the CSRF token of the session (from login or /auth/me). */
export function setCsrfToken(token) {
  csrfToken = token || null;
}

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Calls the API. `path` is relative to /api/v1 ("kiosk/lobby/card") or absolute ("/api/v1/health").
 * Options: method, body (an object is sent as JSON; FormData, Blob or a string as is), headers, signal,
 * raw (return the Response instead of the parsed JSON).
 */
export async function api(path, options = {}) {
  const method = (options.method || "GET").toUpperCase();
  const url = path.startsWith("/") ? path : `/api/v1/${path}`;
  const headers = new Headers(options.headers || {});
  headers.set("Accept", "application/json");
  let body = options.body;
  if (body !== undefined && body !== null && !(body instanceof FormData) && !(body instanceof Blob) && typeof body !== "string") {
    body = JSON.stringify(body);
    headers.set("Content-Type", "application/json");
  }
  if (WRITES.has(method) && csrfToken) headers.set("X-CSRF-Token", csrfToken);
  let response;
  try {
    response = await fetch(url, { method, headers, body, credentials: "same-origin", signal: options.signal, cache: "no-store" });
  } catch (error) {
    if (error && error.name === "AbortError") throw error;
    throw new ApiError(0, "network", "无法连接服务器，请检查网络后重试");
  }
  if (!response.ok) throw await errorOf(response);
  if (options.raw) return response;
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  return type.includes("json") ? response.json() : response.text();
}

/** The ApiError of a failed answer (JSON error, or a Chinese text by status when the body is not JSON). */
export async function errorOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch (_) {
    body = null;
  }
  const e = (body && body.error) || {};
  const message = e.message || statusText(response.status);
  return new ApiError(response.status, e.code || `http.${response.status}`, message, e.field || null, e.fields || [], body);
}

function statusText(status) {
  if (status === 401) return "请先登录";
  if (status === 403) return "无权进行此操作";
  if (status === 404) return "请求的内容不存在";
  if (status === 413) return "上传的内容过大";
  if (status === 429) return "操作过于频繁，请稍后再试";
  if (status >= 500) return "服务器出错，请稍后再试";
  return `请求失败（${status}）`;
}

/** Logs in; keeps the CSRF token; returns the session (user, displayName, role, scope, csrfToken…). */
export async function login(user, password) {
  const session = await api("auth/login", { method: "POST", body: { user, password } });
  setCsrfToken(session.csrfToken);
  return session;
}

/** The current session (and its CSRF token), or null when not logged in. */
export async function currentSession() {
  try {
    const session = await api("auth/me");
    setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** Ends the session. */
export async function logout() {
  try {
    await api("auth/logout", { method: "POST" });
  } finally {
    setCsrfToken(null);
  }
}

/** A code table as [{code, name, …}] (GET /dictionaries/{table}). */
export async function dictionary(table, query = {}) {
  const params = new URLSearchParams(query);
  const answer = await api(`dictionaries/${encodeURIComponent(table)}${params.toString() ? `?${params}` : ""}`);
  return Array.isArray(answer) ? answer : answer.entries || answer.items || [];
}

/**
 * Shows an error in `element` (role="alert"): the message, and under it each field's message when the
 * server named several. Clears the element when `error` is null.
 */
export function showError(element, error) {
  element.replaceChildren();
  element.hidden = !error;
  if (!error) return;
  const messages = error instanceof ApiError ? error.messages : [error.message || String(error)];
  if (messages.length === 1) {
    element.textContent = messages[0];
    return;
  }
  const list = document.createElement("ul");
  for (const text of messages) {
    const item = document.createElement("li");
    item.textContent = text;
    list.append(item);
  }
  element.append(list);
}
