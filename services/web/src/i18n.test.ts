import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type Tree = { [key: string]: string | Tree };
const load = (language: string): Tree =>
  JSON.parse(readFileSync(new URL(`../app/i18n/${language}.json`, import.meta.url), 'utf8')) as Tree;

/** Every key path with its text, e.g. ["call.subscribe", "Subscribe to …"]. */
function entries(tree: Tree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string'
      ? [[prefix + key, value] as [string, string]]
      : entries(value, `${prefix}${key}.`),
  );
}

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('translations', () => {
  const en = new Map(entries(load('en')));
  for (const language of ['de', 'fr']) {
    it(`${language} has every English key, no other, each with the same placeholders and not empty`, () => {
      const other = new Map(entries(load(language)));
      expect([...other.keys()].sort()).toEqual([...en.keys()].sort());
      for (const [key, text] of other) {
        expect(text.trim(), key).not.toBe('');
        expect(placeholders(text), key).toEqual(placeholders(en.get(key) ?? ''));
      }
    });
  }
});
