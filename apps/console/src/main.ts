import './style.css';
import { onUnauthorized } from './api';
import { claimPage } from './claim-page';
import { h, replace } from './dom';
import { loginPage } from './login-page';
import { queuePage } from './queue-page';
import { session } from './session';

const main = document.getElementById('main')!;
const topbar = document.getElementById('topbar')!;
let current: AbortController | null = null;

const renderTopbar = () =>
  replace(
    topbar,
    h('a', { class: 'brand', href: '#/queue' }, 'claim-ledger ', h('span', { class: 'brand-sub' }, 'review console')),
    session.key()
      ? h(
          'nav',
          { 'aria-label': 'Main' },
          h('a', { href: '#/queue', 'aria-current': location.hash.startsWith('#/claims') ? null : 'page' }, 'Queue'),
          h('a', { href: '/docs', target: '_blank', rel: 'noopener' }, 'API reference'),
          h('button', { type: 'button', class: 'secondary', 'data-testid': 'sign-out', onclick: signOut }, 'Sign out'),
        )
      : null,
  );

const signOut = () => {
  session.signOut();
  location.hash = '#/queue';
  route();
};

/** Routes on `location.hash`: `#/queue?…`, `#/claims/<id>?asOf=…`. Each page gets a signal that ends its live stream. */
const route = () => {
  current?.abort();
  current = new AbortController();
  renderTopbar();
  if (!session.key()) {
    document.title = 'Sign in · review console';
    loginPage(main, route);
    return;
  }
  const [path, search = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(search);
  const claim = /^\/claims\/([0-9a-fA-F-]{36})$/.exec(path);
  if (claim) {
    document.title = 'Claim · review console';
    claimPage(main, claim[1], { asOf: params.get('asOf') ?? undefined, atVersion: params.get('atVersion') ?? undefined, asReportedOn: params.get('asReportedOn') ?? undefined }, params.get('clock') === 'reported' ? 'reported' : 'recorded', current.signal);
  } else {
    document.title = 'Queue · review console';
    queuePage(main, { view: params.get('view') ?? 'all', workState: params.get('workState') ?? '', idleDays: params.get('idleDays') ?? '7', cursor: params.get('cursor') ?? undefined }, current.signal);
  }
  // After a navigation, focus moves to the new page's content (as a page load would put it at the top);
  // on the first load it stays at the top, where the skip link is the first stop.
  if (navigated) {
    main.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
  navigated = true;
};
let navigated = false;

onUnauthorized(() => {
  session.signOut();
  route();
});
// The router owns the hash: the skip link moves focus instead of navigating to #main.
document.querySelector('.skip-link')?.addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', route);
route();
