/** /etc/resolv.conf: name servers, search list, domain, options. */

export interface ResolvConf {
  nameservers: string[];
  search: string[];
  domain: string | undefined;
  options: string[];
}

export function parseResolv(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], search: [], domain: undefined, options: [] };
  for (const raw of text.split('\n')) {
    // A comment runs to the line's end. Not `/[#;].*$/`: `.` stops at a \r, so that regex kept the comment of
    // a CRLF line, and on a long line of '#' before a \r it backtracked quadratically (4 MB: minutes).
    const comment = raw.search(/[#;]/);
    const line = (comment < 0 ? raw : raw.slice(0, comment)).trim();
    if (line === '') continue;
    const [word, ...rest] = line.split(/\s+/);
    switch (word) {
      case 'nameserver':
        if (rest[0]) conf.nameservers.push(rest[0]);
        break;
      case 'search':
        conf.search = rest; // the last search line wins, as in the resolver
        break;
      case 'domain':
        conf.domain = rest[0];
        break;
      case 'options':
        for (const o of rest) conf.options.push(o);
        break;
      default:
        break;
    }
  }
  return conf;
}
