/**
 * Known fixes for the codes admins hit most (Windows Update, servicing, access denied). Small on purpose:
 * every entry paraphrases a public Microsoft source it cites, so the advice can be checked. To add one,
 * append an entry with its `sources`; the test suite checks that every entry cites at least one source.
 *
 * `name` is given for codes our generated tables cannot name (CBS_E_* / PSFX_E_* are in no public header);
 * it comes from the cited page.
 */
import type { CodeKind } from './types.js';

export interface RemedySource {
  title: string;
  url: string;
}

export interface Remedy {
  /** Unsigned 32-bit code the remedy is for. */
  value: number;
  /** The interpretation it belongs to (an HRESULT-shaped Windows Update code is `hresult` or `windows-update`). */
  kind: CodeKind;
  /** Name given by the cited page, used when the tables have none. */
  name?: string;
  /** When this advice applies. */
  context: string;
  /** Why it happens, one sentence. */
  cause: string;
  /** What to do, in order. */
  steps: readonly string[];
  sources: readonly RemedySource[];
  /** What we could not confirm in a stored source. */
  unverified?: string;
}

const KB947821: RemedySource = {
  title: 'Microsoft Learn: Fix Windows Update corruptions and installation failures (KB947821), MicrosoftDocs/SupportArticles-docs fix-windows-update-errors.md @034d5ef1',
  url: 'https://learn.microsoft.com/troubleshoot/windows-server/installing-updates-features-roles/fix-windows-update-errors',
};
/** The 2023 text of the same article still had "Solution 2: Use the System Update Readiness tool" (Windows 7 / 2008 R2, CheckSUR.log). */
const KB947821_SURT: RemedySource = {
  title: 'Microsoft Learn: Fix Windows Update errors by using the DISM or System Update Readiness tool (KB947821, 2023 text), MicrosoftDocs/SupportArticles-docs fix-windows-update-errors.md @d4f13ca4',
  url: 'https://github.com/MicrosoftDocs/SupportArticles-docs/blob/d4f13ca4f614c963237cffd23f1d8c90b4fa8609/support/windows-server/installing-updates-features-roles/fix-windows-update-errors.md',
};
const COMMON_WU: RemedySource = {
  title: 'Microsoft Learn: Windows Update common errors and mitigation, MicrosoftDocs/SupportArticles-docs common-windows-update-errors.md @0210b7e8',
  url: 'https://learn.microsoft.com/troubleshoot/windows-client/installing-updates-features-roles/common-windows-update-errors',
};
const KB958044: RemedySource = {
  title: 'Microsoft Support KB958044: Windows Update error on Vista/7/2008/2008 R2 caused by corruption in the Component Based Servicing (CBS) manifest (Method 1 System Update Readiness Tool, Method 2 repair installation)',
  url: 'http://support.microsoft.com/kb/958044',
};

const ERR_8024402C: RemedySource = {
  title: 'Microsoft Learn: Error code 0x8024402C when you try to install a Windows update or a Feature on Demand, MicrosoftDocs/SupportArticles-docs error-0x8024402c-installing-update-feature-on-demand.md @01f9afe8',
  url: 'https://learn.microsoft.com/troubleshoot/windows-client/installing-updates-features-roles/error-0x8024402c-installing-update-feature-on-demand',
};

/** The component-store repair the KB947821 procedure gives; shared by every corruption code. */
const DISM_REPAIR: readonly string[] = [
  'Elevated prompt: DISM.exe /Online /Cleanup-image /Scanhealth',
  'DISM.exe /Online /Cleanup-image /Restorehealth (without Windows Update access add /Source:<winsxs or WIM of the same build> /LimitAccess)',
  'sfc /scannow, then run Windows Update again',
  'If DISM fails, read %windir%\\Logs\\CBS\\CBS.log for the corrupt package or file',
];

const CORRUPTION_CONTEXT = 'reported by Windows Update or a servicing (DISM/CBS) operation';
const CORRUPTION_CAUSE = 'the component store or a servicing file is damaged, so the update cannot be staged or verified';

/** Codes KB947821 lists as "common corruption errors", all fixed by the same DISM + SFC repair. */
const KB947821_CORRUPTION: ReadonlyArray<[number, CodeKind, string?]> = [
  [0x80070002, 'hresult'],
  [0x800f0831, 'hresult', 'CBS_E_STORE_CORRUPTION'],
  [0x8007000d, 'hresult'],
  [0x800f081f, 'hresult', 'CBS_E_SOURCE_MISSING'],
  [0x80073712, 'hresult'],
  [0x800736cc, 'hresult'],
  [0x800705b9, 'hresult'],
  [0x80070246, 'hresult'],
  [0x8007370d, 'hresult'],
  [0x8007370b, 'hresult'],
  [0x8007370a, 'hresult'],
  [0x80070057, 'hresult'],
  [0x800b0100, 'hresult'],
  [0x80092003, 'hresult'],
  [0x800b0101, 'hresult'],
  [0x8007371b, 'hresult'],
  [0x800f0984, 'hresult', 'PSFX_E_MATCHING_BINARY_MISSING'],
  [0x800f0986, 'hresult', 'PSFX_E_APPLY_FORWARD_DELTA_FAILED'],
  [0x800f0982, 'hresult', 'PSFX_E_MATCHING_COMPONENT_NOT_FOUND'],
  [0x80070570, 'hresult'],
  [0x80073701, 'hresult'],
  [0x800f0825, 'hresult', 'CBS_E_CANNOT_UNINSTALL'],
];

/** Codes whose fix the "common errors" page gives individually. */
const SPECIFIC: Remedy[] = [
  {
    value: 0x800b0001,
    kind: 'hresult',
    context: 'Windows Update or Microsoft Update fails to connect or to install',
    cause: 'Windows Update cannot verify a trust provider: the Component Based Servicing (CBS) manifests or catalog store are damaged',
    steps: [
      ...DISM_REPAIR,
      'Windows 7 / Vista / Server 2008 (R2): run the System Update Readiness Tool (KB947821; log %windir%\\Logs\\CBS\\CheckSUR.log); if that does not help, do an in-place repair installation',
    ],
    sources: [KB958044, KB947821, KB947821_SURT],
    unverified: 'the stored copy of KB958044 lost the literal error code in its first sentence; the link to 0x800B0001 is its published title',
  },
  {
    value: 0x80070005,
    kind: 'hresult',
    context: 'Windows Update / servicing: access denied',
    cause: 'file system or registry permissions were changed and the servicing stack lacks access',
    steps: [
      'Open the newest %windir%\\Logs\\CBS\\CBS.log, search for ", error" at the time of the failure',
      'Scroll up to find the file or registry key that was denied and restore its permissions',
    ],
    sources: [COMMON_WU],
  },
  {
    value: 0x80070422,
    kind: 'hresult',
    context: 'Windows Update',
    cause: 'the Windows Update service is disabled or not running',
    steps: ['Check that the Windows Update service (wuauserv) is running and not disabled by policy; start it'],
    sources: [COMMON_WU],
  },
  {
    value: 0x80070003,
    kind: 'hresult',
    context: 'Windows Update / servicing',
    cause: 'the servicing stack cannot reach a path it needs',
    steps: ['Open the newest %windir%\\Logs\\CBS\\CBS.log, search for ", error" and match the timestamp to find the path'],
    sources: [COMMON_WU],
  },
  {
    value: 0x80070020,
    kind: 'hresult',
    context: 'Windows Update / servicing: sharing violation',
    cause: 'a non-Microsoft filter driver (often antivirus) holds a file the update needs',
    steps: [
      'Retry after a clean boot',
      'If it persists: capture with Process Monitor while installing, find the file in CBS.log, and stop the process holding it',
    ],
    sources: [COMMON_WU],
  },
  {
    value: 0x80240022,
    kind: 'windows-update',
    context: 'Windows Update',
    cause: 'every update in the operation failed; most often antivirus blocks folders such as SoftwareDistribution',
    steps: ['Find the protected file or folder in CBS.log and exclude it from the antivirus'],
    sources: [COMMON_WU],
  },
  {
    value: 0x80242006,
    kind: 'windows-update',
    context: 'Windows Update',
    cause: 'the update carries invalid metadata in the local download cache',
    steps: [
      'Rename %systemroot%\\SoftwareDistribution\\DataStore and \\Download, and %systemroot%\\system32\\catroot2, to *.bak',
      'Download the updates again',
    ],
    sources: [COMMON_WU],
  },
  {
    value: 0x8024402f,
    kind: 'windows-update',
    context: 'Windows Update',
    cause: 'external .cab processing ended with errors; web-filtering software can cause it',
    steps: ['Add the devices that must receive updates to the web filter\'s exception list'],
    sources: [COMMON_WU],
  },
  {
    value: 0x8024402c,
    kind: 'windows-update',
    context: 'Windows Update or a Feature on Demand install',
    cause: 'the proxy or update server name cannot be resolved: the local network, DNS, proxy/firewall, or the connection to WSUS',
    steps: [
      'Check that the machine reaches the network and resolves names (ping, nslookup)',
      'Connected directly to Windows Update: check internet access, proxy, firewall and DNS, and the Windows Update endpoint settings',
      'Managed by WSUS: check that the machine reaches the WSUS server (proxy, firewall, DNS); Features on Demand come from WSUS only on Windows 11 22H2 / Server 2025 and later, older versions need a FoD repository or ISO',
      'Check Group Policy / Policy CSP settings for anything blocking updates ("Specify intranet Microsoft update service location")',
    ],
    sources: [ERR_8024402C],
  },
  {
    value: 0x8024401b,
    kind: 'windows-update',
    context: 'Windows Update scan through a proxy',
    cause: 'the proxy demands authentication (HTTP 407); WinHTTP or WinInet proxy settings are wrong',
    steps: ['Verify the proxy settings on the client: the Windows Update Agent scans through WinHTTP, so the WinHTTP proxy must be right, not only the browser\'s', 'Let the device reach the update source without the proxy asking for user authentication'],
    sources: [COMMON_WU],
  },
  {
    value: 0x80244022,
    kind: 'windows-update',
    context: 'Windows Update scan',
    cause: 'the update source answered HTTP 503 (service unavailable)',
    steps: ['Troubleshoot network and proxy connectivity to the configured update source (WSUS, Configuration Manager, Windows Update)'],
    sources: [COMMON_WU],
  },
  {
    value: 0x80244007,
    kind: 'windows-update',
    context: 'Windows Update scan against WSUS',
    cause: 'Windows cannot renew the Windows Update cookies (SOAP fault)',
    steps: ['Follow Microsoft\'s article "0x80244007 error when Windows tries to scan for updates on a WSUS server"'],
    sources: [COMMON_WU],
  },
  {
    value: 0x80072efd,
    kind: 'hresult',
    context: 'Windows Update download or scan',
    cause: 'the connection timed out',
    steps: ['Make sure no firewall rule or proxy blocks Microsoft download URLs; take a network trace'],
    sources: [COMMON_WU],
  },
  {
    value: 0x80072efe,
    kind: 'hresult',
    context: 'Windows Update / BITS download',
    cause: 'the connection to the server closed abnormally, or BITS cannot write the file',
    steps: ['BITSADMIN /LIST /ALLUSERS /VERBOSE, find the failing URL, try it in a browser with the organisation\'s proxy', 'Have the network team allow that URL'],
    sources: [COMMON_WU],
  },
  {
    value: 0x80072f8f,
    kind: 'hresult',
    context: 'Windows Update',
    cause: 'TLS 1.2 is not configured on the client, so the content cannot be decoded',
    steps: ['Enable TLS 1.2 for WinHTTP (KB3140245)'],
    sources: [COMMON_WU],
  },
  {
    value: 0x80072ee2,
    kind: 'hresult',
    context: 'Windows Update scan',
    cause: 'the agent could not reach the update servers (WSUS, Configuration Manager, Intune or Windows Update)',
    steps: ['Check that the device can reach the update source and the Windows Update endpoints (*.windowsupdate.com, *.update.microsoft.com, download.microsoft.com)'],
    sources: [COMMON_WU],
  },
  {
    value: 0x80070bc9,
    kind: 'hresult',
    context: 'Windows Update / servicing',
    cause: 'a policy forces the TrustedInstaller (Windows Modules Installer) start type, so pending operations cannot complete after restart',
    steps: [
      'Remove the policy controlling the service start type; set it to Automatic and restart',
      'If still stuck: from WinRE, dism /Image:C:\\ /Cleanup-Image /RevertPendingActions',
    ],
    sources: [COMMON_WU],
  },
  {
    value: 0x800f0821,
    kind: 'hresult',
    name: 'CBS_E_ABORT',
    context: 'Windows Update / servicing',
    cause: 'the servicing watchdog timed out on a long operation',
    steps: ['Give the machine (or VM) more CPU and memory', 'Install KB4493473 or later, which extends the timeout'],
    sources: [COMMON_WU],
  },
  {
    value: 0x800f0920,
    kind: 'hresult',
    name: 'CBS_E_HANG_DETECTED',
    context: 'Windows Update / servicing, usually after 0x800F0821',
    cause: 'the servicing watchdog assumed the operation hung',
    steps: ['Give the machine (or VM) more CPU and memory', 'Install KB4493473 or later, which extends the timeout'],
    sources: [COMMON_WU],
  },
  {
    value: 0x800f0922,
    kind: 'hresult',
    name: 'CBS_E_INSTALLERS_FAILED',
    context: 'cumulative update rolls back (seen on Windows Server 2016)',
    cause: 'licence and product-key tokens could not be updated',
    steps: ['Grant write permission on C:\\Windows\\System32\\spp\\ to "Users" and "Network Service", then retry'],
    sources: [COMMON_WU],
  },
  {
    value: 0x80070490,
    kind: 'hresult',
    context: 'Windows Update, while installing a driver or searching for updates',
    cause: 'a driver operation in the servicing registry lacks its architecture value, or the component store is damaged',
    steps: [
      'Under HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\ComponentBasedServicing\\DriverOperations compare the Identity value and add the missing Arch value',
      ...DISM_REPAIR,
    ],
    sources: [COMMON_WU, KB947821],
  },
  {
    value: 0x80240020,
    kind: 'windows-update',
    context: 'Windows Update',
    cause: 'no interactive user is signed in',
    steps: ['Sign in to the device to start the installation and allow the restart'],
    sources: [COMMON_WU],
  },
  {
    value: 0x80246017,
    kind: 'windows-update',
    context: 'Windows Update download',
    cause: 'the local user is not authorised to download the content',
    steps: ['Install updates as a local administrator'],
    sources: [COMMON_WU],
  },
];

const CORRUPTION: Remedy[] = KB947821_CORRUPTION.filter(([v]) => !SPECIFIC.some((s) => s.value === v)).map(([value, kind, name]) => ({
  value,
  kind,
  ...(name === undefined ? {} : { name }),
  context: CORRUPTION_CONTEXT,
  cause: CORRUPTION_CAUSE,
  steps: DISM_REPAIR,
  sources: value === 0x80070570 || value === 0x80073701 || value === 0x800f0825 ? [COMMON_WU] : [KB947821],
}));

export const REMEDIES: readonly Remedy[] = [...SPECIFIC, ...CORRUPTION];

/**
 * The cited fix for a code read as `kind`, if there is one.
 * @example remedyFor(0x800b0001, 'hresult')?.steps[0]
 */
export function remedyFor(value: number, kind: CodeKind): Remedy | undefined {
  const v = value >>> 0;
  return REMEDIES.find((r) => r.value === v && r.kind === kind);
}

/**
 * Every cited fix for a value, whatever its kind.
 * @example remediesFor(0x800f081f).length
 */
export function remediesFor(value: number): Remedy[] {
  const v = value >>> 0;
  return REMEDIES.filter((r) => r.value === v);
}
