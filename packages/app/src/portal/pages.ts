/** Every portal page: the path Express matches and the HTML file under static/pages/. */
export interface PortalPage {
  readonly path: string;
  readonly file: string;
}

export const PORTAL_PAGES: readonly PortalPage[] = [
  { path: '/portal', file: 'home.html' },
  { path: '/portal/register', file: 'register.html' },
  { path: '/portal/activate', file: 'activate.html' },
  { path: '/portal/login', file: 'login.html' },
  { path: '/portal/account', file: 'account.html' },
  { path: '/portal/services', file: 'services.html' },
  { path: '/portal/services/new', file: 'service-new.html' },
  { path: '/portal/services/:sid', file: 'service.html' },
  { path: '/portal/providers/:pid', file: 'provider-public.html' },
  { path: '/portal/staff', file: 'staff.html' },
];
