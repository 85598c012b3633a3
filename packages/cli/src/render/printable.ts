/**
 * A message made safe for a terminal line: control characters (escape sequences from a hostile file
 * name, argument or file content, line breaks, DEL, C1 codes) are shown as \xNN instead of acting.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).replace(BIDI_CONTROLS, bidiEscape);
}

/**
 * Bidirectional-text embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069). A terminal does not
 * treat them as control characters, so they act: a member named `bidi<RLO>exe.dmp` showed as `bidipmd.exe`,
 * a name disguised as another. Names in reports come from the files analysed; the reports' own text never
 * holds these. (The plain marks U+200E/U+200F, common in right-to-left text, are left alone.)
 */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;
const bidiEscape = (c: string): string => `\\u${c.charCodeAt(0).toString(16)}`;

/**
 * Report text for a terminal: like `printable`, but keeps line breaks and tabs. With `colour`, the CLI's
 * own styles (written with COLOR_MARK, color.ts) become SGR sequences; every escape character the text
 * itself holds (a file name with colour codes, cursor moves, screen clears, OSC title or clipboard
 * sequences) is shown as \x1b. Without colour (NO_COLOR, a pipe) no mark is the CLI's, so each is shown.
 */
export function safeForTerminal(text: string, colour = true): string {
  return text
    .replace(/\ue01b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ue01b]/g, (c) => {
      if (c.length > 1) return colour ? `\u001b${c.slice(1)}` : `\\ue01b${c.slice(1)}`;
      return c === '\ue01b' ? '\\ue01b' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    })
    .replace(BIDI_CONTROLS, bidiEscape);
}
