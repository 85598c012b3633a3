/**
 * Secret redaction runs over every value show prints and diff compares (esx.conf, XML, ConfigStore), so it
 * must be linear in the value: `\b[\w.-]*password…` began a scan to the end of a run of name characters at
 * each of its word boundaries, and `/adv/X = "a.a.a…"` of 64 KB took 16 s (1 MB: hours).
 */
import { describe, expect, it } from '@jest/globals';
import { isSecretChange, redactText, shownSetting, REDACTED } from '../../src/esxi/secrets.js';

function timed<T>(f: () => T): { value: T; seconds: number } {
  const t = process.hrtime.bigint();
  const value = f();
  return { value, seconds: Number(process.hrtime.bigint() - t) / 1e9 };
}

describe('esxi secret redaction on hostile values', () => {
  // each of these runs of name characters has a word boundary at every other character
  it.each([
    ['a.a.a…', 'a.'],
    ['a-a-a…', 'a-'],
    ['pw.pw.pw…', 'pw.'],
    ['old.pwd.old.pwd…', 'old.pwd.'],
  ])('%s of 128 KB is read in one pass, left as it is (a hang guard: 64 KB took 16 s)', (_name, unit) => {
    const value = unit.repeat(Math.ceil((128 * 1024) / unit.length));
    const r = timed(() => [redactText(value), isSecretChange('Foo', value, undefined), shownSetting({ option: '/Misc/Foo', value }).value] as const);
    expect(r.value).toEqual([value, false, value]);
    expect(r.seconds).toBeLessThan(5);
  });

  it('a name at the end of a long run is still found, with the whole run kept as its name', () => {
    const run = 'a.'.repeat(64 * 1024);
    expect(redactText(`${run}password=Hunter2 x`) === `${run}password=${REDACTED} x`).toBe(true);
  });

  it('finds what `\\b[\\w.-]*name` found: from the first word character of the run, dots and dashes before it kept', () => {
    const cases: Array<[string, string]> = [
      ['..password=x', `..password=${REDACTED}`],
      ['-.-db.password: y', `-.-db.password: ${REDACTED}`],
      [' .pwd=x', ` .pwd=${REDACTED}`],
      ['x.oldpwd=1 old.pwd=2 OLDPWD=3 a.pwd=4', `x.oldpwd=1 old.pwd=${REDACTED} OLDPWD=3 a.pwd=${REDACTED}`],
      ['pw="x".password=y', `pw="${REDACTED}".password=${REDACTED}`],
      ['pw="x"abc.secret=y', `pw="${REDACTED}"abc.secret=${REDACTED}`],
      ['é.password=x', `é.password=${REDACTED}`],
      ['password.x=1 passwords=2', 'password.x=1 passwords=2'],
      ['a.password = "changed"', 'a.password = "changed"'],
      ['"vc.password":"Hunter2","user":"root"', `"vc.password":"${REDACTED}","user":"root"`],
    ];
    for (const [text, redacted] of cases) expect([text, redactText(text)]).toEqual([text, redacted]);
  });
});
