// The few calls the staff pages (/desk, /police) make of /common, in the shape they use them:
// api.get/post/put/upload with query objects, a session-ended hook, field errors of an ApiError
// (and the findings of a 409 confirmation.required), the event stream, dates and bar charts.
import { api as call, ApiError, setCsrfToken } from '../common/api.js';
import { subscribe } from '../common/sse.js';
import { formatDate as commonDate, formatDateTime as commonDateTime, todayText } from '../common/format.js';
import { barChart as commonBarChart } from '../common/chart.js';

let unauthorized = () => {};
const SESSION_PATHS = new Set(['/api/v1/auth/login', '/api/v1/auth/me']);

async function request(path, query, options) {
  const params = new URLSearchParams(query || {});
  const url = path + (params.toString() ? '?' + params : '');
  try {
    return await call(url, options);
  } catch (error) {
    if (error instanceof ApiError) {
      error.findings = error.body && error.body.findings;
      if (error.status === 401 && !SESSION_PATHS.has(path)) unauthorized(error);
    }
    throw error;
  }
}

export const api = {
  get: (path, query) => request(path, query, {}),
  /** A background GET (a poll, e.g. the to-do badge): answered as usual, but it does not keep the session alive. */
  poll: (path, query) => request(path, query, { headers: { 'X-Renfang-Background': '1' } }),
  post: (path, body) => request(path, null, { method: 'POST', body: body || {} }),
  put: (path, body) => request(path, null, { method: 'PUT', body }),
  /** POSTs a file (File/Blob) as the request body. */
  upload: (path, file, query) => request(path, query, { method: 'POST', body: file }),
  setCsrfToken,
  onUnauthorized: (handler) => { unauthorized = handler; },
};

/** [{field, message}] of an error: the API's field errors, or its one named field. */
export function fieldErrors(error) {
  if (!error) return [];
  if (error.fields && error.fields.length) return error.fields;
  if (error.field) return [{ field: error.field, message: error.message }];
  return [];
}

const streams = new Set();

/** The operator's event stream (GET /api/v1/events) for `topics`; handlers by event type get (data, line). */
export function events(topics, handlers, onState) {
  const close = subscribe('/api/v1/events?topics=' + encodeURIComponent(topics.join(',')), handlers, onState);
  streams.add(close);
  return () => { streams.delete(close); close(); };
}

/** Closes every event stream (at logout, or when the session has ended). */
export function closeEvents() {
  for (const close of streams) close();
  streams.clear();
}

export const formatDate = (value) => (value ? commonDate(value) : '—');
export const formatDateTime = (value) => (value ? commonDateTime(value) : '—');
export const today = () => todayText();
export const daysBefore = (n) => todayText(new Date(Date.now() - n * 86400000));

/** A grouped bar chart (SVG): {title, labels, series: [{name, values}]}. */
export function barChart({ title, labels, series }) {
  return commonBarChart({ labels, series }, { title, className: 'staff-chart' });
}
