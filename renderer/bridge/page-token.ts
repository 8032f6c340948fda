import { WEB_TOKEN_PARAM } from '../../shared/console-api/index.js';

const STORAGE_KEY = 'tce-console.token';

type Page = Pick<Window, 'location' | 'history' | 'sessionStorage'>;

/**
 * The browser mode's per-launch token. Read once from the page URL (`?token=`) and dropped from
 * it with history.replaceState, so it stays out of the address bar, the history and bookmarks;
 * kept in sessionStorage (this tab only, gone when it closes) so that a reload still connects.
 */
export function takePageToken(page: Page): string {
  const url = new URL(page.location.href);
  const given = url.searchParams.get(WEB_TOKEN_PARAM);
  if (given === null) return stored(page) ?? '';
  url.searchParams.delete(WEB_TOKEN_PARAM);
  page.history.replaceState(page.history.state, '', `${url.pathname}${url.search}${url.hash}`);
  try {
    page.sessionStorage.setItem(STORAGE_KEY, given);
  } catch {
    // Storage off: this load works; a reload asks for the URL again.
  }
  return given;
}

function stored(page: Page): string | undefined {
  try {
    return page.sessionStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}
