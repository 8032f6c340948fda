import { create } from 'zustand';

/** What the user chose in the Theme menu; `system` follows the OS. */
export type ThemePreference = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const THEME_KEY = 'tce-console.theme';
const systemDark = window.matchMedia('(prefers-color-scheme: dark)');

function loadPreference(): ThemePreference {
  const stored = localStorage.getItem(THEME_KEY);
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

const resolve = (preference: ThemePreference): Theme =>
  preference === 'system' ? (systemDark.matches ? 'dark' : 'light') : preference;

interface ThemeState {
  preference: ThemePreference;
  /** The theme shown: the preference, or the OS's for `system`. */
  theme: Theme;
}

export const useTheme = create<ThemeState>()(() => {
  const preference = loadPreference();
  return { preference, theme: resolve(preference) };
});

export function setThemePreference(preference: ThemePreference): void {
  if (preference === 'system') localStorage.removeItem(THEME_KEY);
  else localStorage.setItem(THEME_KEY, preference);
  useTheme.setState({ preference, theme: resolve(preference) });
}

systemDark.addEventListener('change', () => setThemePreference(useTheme.getState().preference));

// The stylesheet's palettes key on `<html data-theme>`; set before the first render so nothing flashes.
const applyToPage = ({ theme }: ThemeState): void => {
  document.documentElement.dataset['theme'] = theme;
};
applyToPage(useTheme.getState());
useTheme.subscribe(applyToPage);
