/**
 * A message made safe for a terminal line: control characters (escape sequences from a hostile file
 * name, argument or file content, line breaks, DEL, C1 codes) are shown as \xNN instead of acting.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
