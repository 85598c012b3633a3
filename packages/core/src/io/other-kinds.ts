/**
 * What a file given to the wrong command is, told from its first bytes, so that the "not a ..." error can say
 * which command reads it (a minidump given to `analyze pcap`, a capture given to `analyze dump`). Only kinds
 * with a signature of their own: gzip, tar and zip may hold any of them and get no hint. The signatures are
 * written here rather than taken from each reader (isPcapMagic, detectDumpFormat, isEvtxHeader, isRegFile):
 * importing those would load every reader into every command.
 */

/** The commands that read a kind, as a user types them. */
export type Command = 'pcap' | 'dump' | 'events' | 'profiles' | 'psod' | 'esxi';

interface Kind {
  name: string;
  command: Command;
  test: (b: Uint8Array, text: string) => boolean;
}

const u32le = (b: Uint8Array): number => (b.length < 4 ? -1 : (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0);

/** Leading bytes read as text for the text kinds: their markers are near the start when they are there at all. */
const TEXT_BYTES = 4096;

const KINDS: Kind[] = [
  { name: 'a pcap capture', command: 'pcap', test: (b) => [0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1].includes(u32le(b)) },
  { name: 'a pcapng capture', command: 'pcap', test: (b) => u32le(b) === 0x0a0d0d0a },
  { name: 'a Windows kernel crash dump', command: 'dump', test: (_, t) => t.startsWith('PAGEDUMP') || t.startsWith('PAGEDU64') },
  { name: 'a Windows minidump', command: 'dump', test: (_, t) => t.startsWith('MDMP') },
  { name: 'a Windows event log (.evtx)', command: 'events', test: (_, t) => t.startsWith('ElfFile\0') },
  { name: 'a registry hive', command: 'profiles', test: (_, t) => t.startsWith('regf') },
  {
    name: 'a .reg export',
    command: 'profiles',
    test: (b, t) => /^(\xEF\xBB\xBF)?(Windows Registry Editor Version 5\.00|REGEDIT4)/.test(t) || (b[0] === 0xff && b[1] === 0xfe && utf16(b).startsWith('Windows Registry Editor')),
  },
  { name: 'a saved debugger analysis (!analyze -v)', command: 'dump', test: (_, t) => t.includes('BUGCHECK_CODE:') || t.includes('Bugcheck Analysis') },
  { name: 'an ESXi purple-screen text', command: 'psod', test: (_, t) => t.includes('@BlueScreen:') || t.includes('Backtrace for current CPU') },
];

function utf16(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, TEXT_BYTES) & ~1).toString('utf16le').slice(1);
}

/**
 * `; it looks like <kind>: \`analyze <command>\` reads it` when the first bytes are a kind another command reads,
 * else ''. Appended to a command's "not a ..." message.
 * @example `not a pcap or pcapng capture${otherKindHint(head, 'pcap')}`
 */
export function otherKindHint(head: Uint8Array, self: Command): string {
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, TEXT_BYTES)).toString('latin1');
  const kind = KINDS.find((k) => k.test(head, text));
  return kind === undefined || kind.command === self ? '' : `; it looks like ${kind.name}: \`analyze ${kind.command}\` reads it`;
}
