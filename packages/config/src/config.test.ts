import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from './index.ts';

describe('configuration', () => {
  it('has a default for everything a development start needs', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.DATA_DIR).toBe('./.data');
  });

  it('treats empty variables as unset and coerces numbers', () => {
    const c = loadConfig({ DATABASE_URL: '', PORT: '8080' });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.PORT).toBe(8080);
  });

  it('names every bad variable', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'not a url' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).issues.map((i) => i.variable).sort()).toEqual(['DATABASE_URL', 'PORT']);
    }
  });

  it('refuses the development secret in production and never seeds demo data there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_SECRET/);
    const prod = loadConfig({ NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(40), SEED_DEMO: 'true' });
    expect(prod.SEED_DEMO).toBe(false);
  });

  it('describes every variable', () => {
    for (const { variable, description } of describeConfig()) {
      expect(description, variable).not.toBe('');
    }
  });

  it('is listed in full in the configuration table of the README', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const table = readme.slice(
      readme.indexOf('## Configuration'),
      readme.indexOf('## What each service does'),
    );
    const missing = describeConfig()
      .map((c) => c.variable)
      .filter((variable) => !table.includes(`\`${variable}\``));
    expect(missing).toEqual([]);
  });
});
