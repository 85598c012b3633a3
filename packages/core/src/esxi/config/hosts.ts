/** /etc/hosts: one entry per address line; comments and blank lines dropped. */

export interface HostsEntry {
  address: string;
  /** Canonical name first, then aliases, as written. */
  names: string[];
}

export function parseHosts(text: string): HostsEntry[] {
  const out: HostsEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const [address, ...names] = line.split(/\s+/);
    if (!address || names.length === 0) continue;
    out.push({ address, names });
  }
  return out;
}
