import i18next from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import de from './de.json';
import fr from './fr.json';

export const languages = ['en', 'de', 'fr'] as const;
export type Language = (typeof languages)[number];
/** Where the visitor's choice is remembered across visits. */
export const languageStorageKey = 'permed.language';

// All three languages are bundled: together they are a few kB gzip, less than a second request.
export const resources = { en: { translation: en }, de: { translation: de }, fr: { translation: fr } };

declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: typeof en };
  }
}

export function currentLanguage(): Language {
  const lng = i18next.resolvedLanguage;
  return languages.find((l) => l === lng) ?? 'en';
}

// The document's lang follows the interface language, so screen readers pronounce it right.
i18next.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});

await i18next
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources,
    supportedLngs: languages,
    nonExplicitSupportedLngs: true,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    detection: {
      order: ['localStorage', 'navigator'],
      lookupLocalStorage: languageStorageKey,
      caches: ['localStorage'],
    },
  });
document.documentElement.lang = currentLanguage();

export { i18next };
