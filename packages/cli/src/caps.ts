/**
 * How much of one input each command reads, said the same way in every command's --help ("Size cap: ...").
 * The numbers are the library's (test/caps.test.ts checks them against core); they are repeated here so
 * that `--help` loads no parser.
 */
const MiB = 1024 * 1024;

export const SIZE_CAPS = {
  /** pcap reads files and standard input as a stream through one buffer: no cap, memory stays flat. */
  pcap: undefined,
  /** A dump file is read in place (a multi-GB MEMORY.DMP costs its header pages); standard input is held in memory. */
  dump: 128 * MiB,
  /** An esxi backup file is held while its layers stream out of it (MAX_INPUT_BYTES; real ones are < 1 MB). */
  esxi: 32 * MiB,
  /** psod texts (MAX_PSOD_INPUT). */
  psod: 64 * MiB,
  /** profiles hives (MAX_PROFILES_INPUT: a hive is held whole, within the 256 MB budget). */
  profiles: 160 * MiB,
} as const;

/**
 * `analyze code -`: codes read from standard input (words of a log grep, say). Not a library cap: the
 * CLI splits the text into codes itself; a megabyte is some 100,000 codes.
 */
export const CODE_STDIN_CAP = 1 * MiB;

/** profiles .reg exports (MAX_PROFILES_REG_INPUT: decoding and splitting the text costs about 5x its size). */
export const PROFILES_REG_CAP = 12 * MiB;

const size = (bytes: number) => (bytes >= 1024 * MiB ? `${bytes / (1024 * MiB)} GiB` : `${bytes / MiB} MiB`);

/** The sentence every positional file argument ends with: `-` for standard input and the size cap. */
export function inputHelp(what: string, command: keyof typeof SIZE_CAPS): string {
  const cap = SIZE_CAPS[command];
  if (command === 'pcap') return `${what}, or - for standard input. Size cap: none (read as a stream, memory stays flat)`;
  if (command === 'dump') return `${what}, or - for standard input. Size cap: ${size(cap!)} for standard input (a file is read in place, any size)`;
  return `${what}, or - for standard input. Size cap: ${size(cap!)} (files and standard input alike)`;
}
