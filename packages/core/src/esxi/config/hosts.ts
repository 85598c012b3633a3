/** /etc/hosts: one entry per address line; comments and blank lines dropped. */

export interface HostsEntry {
  address: string;
  /** Canonical name first, then aliases, as written. */
  names: string[];
}

export function parseHosts(text: string): HostsEntry[] {
  const out: HostsEntry[] = [];
  findHostsEntry(text, (e) => (out.push(e), false));
  return out;
}

/**
 * The first entry `match` accepts, read line by line without splitting the whole text: a backup may hold a
 * 16 MiB hosts file, whose line array and entries took 400 MB where one address was wanted.
 * @example findHostsEntry(text, (e) => e.names.includes('esx01'))?.address
 */
export function findHostsEntry(text: string, match: (e: HostsEntry) => boolean): HostsEntry | undefined {
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    // A comment runs to the line's end. Not `/#.*$/`: `.` stops at a \r, so that regex kept the comment of a
    // CRLF line, and on a long line of '#' before a \r it backtracked quadratically (4 MB: minutes).
    const raw = text.slice(start, end);
    const hash = raw.indexOf('#');
    const line = (hash < 0 ? raw : raw.slice(0, hash)).trim();
    start = end + 1;
    if (line === '') continue;
    const [address, ...names] = line.split(/\s+/);
    if (!address || names.length === 0) continue;
    const e = { address, names };
    if (match(e)) return e;
  }
  return undefined;
}
