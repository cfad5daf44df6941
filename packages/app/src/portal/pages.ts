import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Nav = 'visitor' | 'provider';

/** A portal page: the path Express matches; its body is static/pages/<name>.html and its script static/js/<name>.js. */
export interface PortalPage {
  readonly path: string;
  readonly name: string;
  readonly title: string;
  readonly nav: Nav;
  /** Set only by a page with nothing to run, so the browser does not fetch a missing script. */
  readonly script?: false;
}

export const PORTAL_PAGES: readonly PortalPage[] = [
  { path: '/portal', name: 'home', title: 'Welcome', nav: 'visitor' },
  { path: '/portal/register', name: 'register', title: 'Register', nav: 'visitor' },
  { path: '/portal/activate', name: 'activate', title: 'Verify e-mail', nav: 'visitor' },
  { path: '/portal/login', name: 'login', title: 'Log in', nav: 'visitor' },
  { path: '/portal/account', name: 'account', title: 'Account', nav: 'provider' },
  { path: '/portal/services', name: 'services', title: 'Services', nav: 'provider' },
  { path: '/portal/services/new', name: 'service-new', title: 'New service', nav: 'provider' },
  { path: '/portal/services/:sid', name: 'service', title: 'Service', nav: 'provider' },
  { path: '/portal/providers/:pid', name: 'provider-public', title: 'Provider', nav: 'visitor' },
  { path: '/portal/staff', name: 'staff', title: 'Staff console', nav: 'visitor' },
];

export const NOT_FOUND_PAGE: PortalPage = { path: '/portal/*splat', name: 'not-found', title: 'Not found', nav: 'visitor', script: false };

// The header is chosen per page, not per session: the provider cookie is scoped to /provider, so a page request
// does not say who is signed in. Provider pages carry the logout button that common.js wires up.
const NAV: Record<Nav, readonly string[]> = {
  visitor: ['<a href="/portal/login">Log in</a>', '<a href="/portal/register">Register</a>', '<a href="/portal/staff">Staff console</a>'],
  provider: [
    '<a href="/portal/services">Services</a>',
    '<a href="/portal/account">Account</a>',
    '<button type="button" id="logout" class="linklike">Log out</button>',
  ],
};

// A function replacement, so "$&" and the like in a page body stay literal; an unknown slot is a bug in layout.html.
const fill = (template: string, slots: Readonly<Record<string, string>>): string =>
  template.replace(/\{\{(\w+)\}\}/g, (_match, slot: string) => {
    const value = slots[slot];
    if (value === undefined) throw new Error(`portal layout.html: nothing fills {{${slot}}}`);
    return value;
  });

/**
 * Reads static/layout.html once; the extension composes each page when it registers the route, so a request never
 * touches the disk and a missing body file stops the boot instead of breaking one page.
 */
export const pageComposer = (dir: string): ((page: PortalPage) => string) => {
  const layout = readFileSync(join(dir, 'layout.html'), 'utf8');
  return (page) =>
    fill(layout, {
      title: page.title,
      script: page.script === false ? '' : `<script type="module" src="/portal/static/js/${page.name}.js"></script>`,
      nav: NAV[page.nav].map((item) => `<li>${item}</li>`).join('\n      '),
      main: readFileSync(join(dir, 'pages', `${page.name}.html`), 'utf8').trim(),
    });
};
