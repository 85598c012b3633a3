/**
 * File names in the commands `restore-plan` prints for pasting into a shell. A name is the user's, as given
 * (`backups/my bundle $(id).tgz`, `o'neil.tgz`): printed bare, a space split it and `$(id)` ran when pasted.
 */

/** A relative name a command would take for an option (`-x.tgz`) or scp for a host (`esx01:bundle.tgz`). */
const NOT_A_PLAIN_PATH = /^-|^[^/\\]*:/;
/** A Windows drive path (`C:\backups\x.tgz`): its colon is not a host's. */
const DRIVE_PATH = /^[A-Za-z]:[\\/]/;

/**
 * One POSIX shell word that is exactly `name`: single quotes, each `'` written as `'\''`; a name that
 * would read as an option or a remote host is made a relative path (`./-x.tgz`, `./esx01:bundle.tgz`).
 * @example shellPath("o'neil.tgz") // "'o'\\''neil.tgz'"
 */
export function shellPath(name: string): string {
  const path = NOT_A_PLAIN_PATH.test(name) && !DRIVE_PATH.test(name) ? `./${name}` : name;
  return `'${path.replace(/'/g, `'\\''`)}'`;
}

/** What PowerShell takes for a single quote: ' and the typographic ‘ ’ ‚ ‛. */
const POWERSHELL_QUOTES = /['\u2018\u2019\u201A\u201B]/g;

/**
 * One PowerShell string that is exactly `name` (a PowerCLI parameter): single quotes, each quote doubled.
 * @example powerShellString("o'neil.tgz") // "'o''neil.tgz'"
 */
export function powerShellString(name: string): string {
  return `'${name.replace(POWERSHELL_QUOTES, '$&$&')}'`;
}
