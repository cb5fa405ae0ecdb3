// Login, logout, the current session and the password change of the staff pages.
import { api, closeEvents } from './net.js';
import { h, fill, $, say, makeForm, errorText, button } from './ui.js';

const ROLE_LABELS = { desk: '物业', police: '民警', admin: '系统管理员', securityOfficer: '安全保密管理员', auditor: '安全审计员' };

/** Starts a staff page: shows the login form until a session of one of `roles` exists, then `start(session)`.
 *  Any later 401 (session ended) brings the login form back. */
export async function staffPage({ roles, title, start }) {
  const root = $('#app');
  let session = null;
  try {
    session = await api.get('/api/v1/auth/me');
  } catch (error) {
    session = null;
  }
  api.onUnauthorized(() => {
    say('登录已失效，请重新登录', 'error');
    showLogin();
  });

  function showLogin(message) {
    closeEvents();
    const form = makeForm({
      id: 'login',
      columns: 1,
      submitLabel: '登录',
      fields: [
        { key: 'user', label: '用户名', required: true },
        { key: 'password', label: '密码', type: 'password', required: true },
      ],
      onSubmit: async (values) => {
        const answer = await api.post('/api/v1/auth/login', { user: values.user, password: values.password });
        if (!roles.includes(answer.role)) {
          api.setCsrfToken(answer.csrfToken);
          await api.post('/api/v1/auth/logout', {}).catch(() => {});
          api.setCsrfToken(null);
          const message = '此页面供' + roles.map((r) => ROLE_LABELS[r]).join('、') + '使用，账号“' + values.user + '”的角色是' + (ROLE_LABELS[answer.role] || answer.role);
          throw { message, fields: [{ field: 'user', message }] };
        }
        enter(answer);
      },
    });
    fill(root, h('main', { class: 'login-screen' },
      h('div', { class: 'login-box' }, h('h1', { text: title }), message ? h('p', { class: 'notice', text: message }) : null, form)));
    $('#login-user').focus();
  }

  function enter(answer) {
    closeEvents();
    session = answer;
    api.setCsrfToken(answer.csrfToken);
    if (answer.mustChangePassword) { changePassword(true); return; }
    const userBox = h('div', { class: 'user' },
      h('span', { id: 'who', text: (answer.displayName || answer.user) + '（' + (ROLE_LABELS[answer.role] || answer.role) + '）' }),
      button('修改密码', () => changePassword(false), { id: 'change-password' }),
      button('退出', logout, { id: 'logout' }));
    const header = h('header', { class: 'top' }, h('h1', { text: title }), userBox);
    const nav = h('nav', { class: 'nav', id: 'nav', 'aria-label': '功能' });
    const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
    const status = h('div', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' });
    fill(root, h('a', { href: '#main', class: 'skip', text: '跳到主要内容' }), header, nav, status, main);
    start(session, { nav, main });
  }

  async function logout() {
    try { await api.post('/api/v1/auth/logout', {}); } catch (error) { /* ended anyway */ }
    session = null;
    location.hash = '';
    showLogin('已退出登录');
  }

  function changePassword(forced) {
    const form = makeForm({
      id: 'password-form',
      columns: 1,
      submitLabel: '修改密码',
      fields: [
        { key: 'currentPassword', label: '当前密码', type: 'password', required: true },
        { key: 'newPassword', label: '新密码', type: 'password', required: true, hint: '至少 10 个字符，不含用户名' },
        { key: 'repeat', label: '再次输入新密码', type: 'password', required: true },
      ],
      onSubmit: async (values) => {
        if (values.newPassword !== values.repeat) throw { message: '两次输入的新密码不一致', fields: [{ field: 'repeat', message: '两次输入的新密码不一致' }] };
        await api.post('/api/v1/auth/password', { currentPassword: values.currentPassword, newPassword: values.newPassword });
        showLogin('密码已修改，请用新密码重新登录');
      },
    });
    fill(root, h('main', { class: 'login-screen' }, h('div', { class: 'login-box' },
      h('h1', { text: forced ? '请先修改临时密码' : '修改密码' }), form,
      forced ? null : button('返回', () => enter(session)))));
    $('#password-form-currentPassword').focus();
  }

  if (session && roles.includes(session.role)) enter(session);
  else showLogin();
}

export { errorText };
