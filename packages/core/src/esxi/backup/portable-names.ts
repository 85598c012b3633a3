/**
 * Names Windows cannot hold, or treats as something other than a file: the DOS device names (CON,
 * PRN, AUX, NUL, COM0-9, LPT0-9, CONIN$, CONOUT$, with any extension: `aux.txt` is the AUX device),
 * the characters `< > : " | ? *` and control characters (`a:b` writes an alternate data stream of
 * `a`), and a trailing dot or space (silently stripped, so `passwd.` would overwrite `passwd`).
 * Source: Microsoft, "Naming Files, Paths, and Namespaces".
 */

/** Device names, matched case-insensitively on the part before the first dot (trailing spaces ignored). */
const DEVICE_NAME = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARS = /[<>:"|?*\u0000-\u001f]/;

/** Why `path` (normalised, '/'-separated) cannot be written as it is on Windows, or undefined. */
export function windowsNameProblem(path: string): { reason: 'windows-name'; message: string } | undefined {
  for (const part of path.split('/')) {
    const base = part.split('.')[0]!.replace(/ +$/, '');
    if (DEVICE_NAME.test(base)) return problem(part, 'is a reserved device name on Windows');
    const bad = FORBIDDEN_CHARS.exec(part);
    if (bad) return problem(part, `holds ${JSON.stringify(bad[0])}, which Windows does not allow in a name (":" would write an alternate data stream)`);
    if (/[. ]$/.test(part)) return problem(part, 'ends with a dot or a space, which Windows strips (it would land on another file)');
  }
  return undefined;
}

function problem(part: string, why: string): { reason: 'windows-name'; message: string } {
  return { reason: 'windows-name', message: `"${part}" ${why}; not written` };
}
