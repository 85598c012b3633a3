/**
 * A message made safe for a terminal line: control characters (escape sequences from a hostile file
 * name, argument or file content, line breaks, DEL, C1 codes) are shown as \xNN instead of acting.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * Report text for a terminal: like `printable`, but keeps line breaks, tabs and colour (SGR) sequences,
 * so that the CLI's own colours survive while anything a file smuggled in (cursor moves, screen clears,
 * title or clipboard OSC sequences) is shown as \xNN.
 */
export function safeForTerminal(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) =>
    c.length > 1 ? c : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
