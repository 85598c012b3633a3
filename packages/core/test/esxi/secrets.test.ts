import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isSecretChange, redactChange, shownSetting, withValues, REDACTED } from '../../src/esxi/secrets.js';

const SRC = new URL('../../src/esxi/', import.meta.url).pathname;

describe('esxi secrets: one module decides', () => {
  it('a change is secret by its name or by either value', () => {
    expect(isSecretChange('rootpw', 'a', 'b')).toBe(true);
    expect(isSecretChange('HostName', 'esx01', 'esx02')).toBe(false);
    expect(isSecretChange('comment', undefined, 'root:$6$saltsalt$hashhashhash')).toBe(true);
    expect(isSecretChange('pwd', '/root', '/tmp')).toBe(false);
  });

  it('a secret change keeps its values only with showSecrets', () => {
    const base = () => ({ area: 'system' as const, path: 'p', change: 'modified' as const, label: 'p changed' });
    expect(withValues(base(), true, 'a', 'b', false)).toEqual({ ...base(), secret: true });
    expect(withValues(base(), true, 'a', 'b', true)).toEqual({ ...base(), secret: true, before: 'a', after: 'b' });
    expect(withValues(base(), false, 'a', undefined, false)).toEqual({ ...base(), before: 'a' });
  });

  it('the safety net marks a change that carries a password secret, and drops its values', () => {
    const c = redactChange({ area: 'system', path: 'etc/rc.local.d/local.sh', change: 'added', label: 'line added: password=hunter2', after: 'password=hunter2' });
    expect(c).toEqual({ area: 'system', path: 'etc/rc.local.d/local.sh', change: 'added', label: `line added: password=${REDACTED}`, secret: true });
  });

  it('a change the safety net marks secret keeps no value anywhere, even where the redaction caught another word', () => {
    // the label shape esx.conf gave a setting whose name the field list did not know
    const c = redactChange({ area: 'advanced', path: 'etc/vmware/esx.conf', key: '/adv/UserVars/Foo', change: 'modified', label: 'advanced setting /UserVars/ProxyPassword: set "OLDVALUE9" → "NEWVALUE9"', before: 'OLDVALUE9', after: 'NEWVALUE9' });
    expect(c.secret).toBe(true);
    expect(JSON.stringify(c)).not.toMatch(/OLDVALUE9|NEWVALUE9/);
    // a value inside a longer word is left: only whole occurrences are cut out
    const d = redactChange({ area: 'system', path: 'p', change: 'modified', label: 'x.password: old → new (oldest)', before: 'old', after: 'new' });
    expect(d.label).toBe(`x.password: ${REDACTED} → ${REDACTED} (oldest)`);
  });

  it('tokens, API keys and credentials are secret by name (esx.conf options, ConfigStore fields), and show redacts them', () => {
    for (const n of ['SomeToken', 'token', 'api_token', 'auth_token', 'apikey', 'api_key', 'ApiKey', 'secret_key', 'private_key', 'credentials', 'passcode']) expect([n, isSecretChange(n, 'a', 'b')]).toEqual([n, true]);
    for (const n of ['tokenLifetime', 'Tokens', 'keyboard', 'HostName']) expect([n, isSecretChange(n, 'a', 'b')]).toEqual([n, false]);
    expect(shownSetting({ option: 'UserVars/SomeToken', value: 'TOKEN16' }).value).toBe(REDACTED);
  });

  it('show redacts advanced settings the same way', () => {
    expect(shownSetting({ option: 'UserVars/AdminPassword', value: 'x' }).value).toBe(REDACTED);
    expect(shownSetting({ option: 'Net/ManagementIface', value: 'vmk0' }).value).toBe('vmk0');
  });

  it('no other esxi module makes the decision itself', () => {
    const offenders: string[] = [];
    const walk = (d: string) => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (n.endsWith('.ts') && p !== join(SRC, 'secrets.ts') && /\b(isSecretField|containsSecret)\(/.test(readFileSync(p, 'utf8'))) offenders.push(p);
      }
    };
    walk(SRC);
    expect(offenders).toEqual([]);
  });
});
