/**
 * Known PSOD signatures: a pattern on the parsed report -> what it means and what to do. Each entry cites the
 * public page it comes from (paraphrased). To add one: append an entry; `matches` sees the parsed report.
 */
import type { PsodReport } from './types.js';

export interface PsodSignature {
  id: string;
  title: string;
  matches: (r: PsodReport) => boolean;
  explanation: string;
  advice: string;
  sources: ReadonlyArray<{ title: string; url: string }>;
}

const hasFrame = (r: PsodReport, re: RegExp) => r.frames.some((f) => f.function !== null && re.test(f.function));

export const SIGNATURES: readonly PsodSignature[] = [
  {
    id: 'e1000-rx-ring',
    title: 'emulated e1000 NIC receive path (E1000PollRxRing)',
    matches: (r) => hasFrame(r, /^E1000PollRxRing$/) || (r.culprit?.function ?? '').startsWith('E1000'),
    explanation:
      "The vmkernel's emulation of the Intel e1000 virtual adapter faulted while polling a VM's receive ring. It is triggered by a guest using the emulated e1000 adapter (classically a backup VM that backs up VMs on its own host, with heavy intra-host traffic; guest RSS is reported as a factor).",
    advice:
      "Find the VM(s) with an e1000/e1000e adapter on this host (the world named in the header is often that VM's network or helper world) and switch the adapter to VMXNET3 (install VMware Tools first); patch ESXi to the current build.",
    sources: [
      { title: 'ugg.li: PSOD "#PF Exception 14 ... E1000PollRxRing@vmkernel" on ESXi 5.1/5.5, caused by guests with the e1000 adapter', url: 'https://ugg.li/?p=921' },
    ],
  },
  {
    id: 'vmmemcow-tps-race',
    title: 'VmMemCow page-sharing race (KB 318512)',
    matches: (r) => hasFrame(r, /^VmMemCow/) && hasFrame(r, /^PFrame_IsBackedByLPage$/),
    explanation: 'A race in inter-VM transparent page sharing during fast suspend/resume (FSR) of large VMs, ESXi 7.0.3 and 8.0.0.',
    advice:
      'Update to ESXi 7.0 Update 3l (build 21424296) or 8.0b (build 21203435) or later. Workaround: disable inter-VM TPS, or power VMs off before adding devices or storage-migrating them.',
    sources: [{ title: 'Broadcom KB 318512', url: 'https://knowledge.broadcom.com/external/article/318512/esxi-may-psod-purple-screen-of-death-wit.html' }],
  },
  {
    id: 'prealloc-passthrough',
    title: 'memory preallocation for passthrough VMs (KB 428541)',
    matches: (r) => hasFrame(r, /^VmMemPf_PreallocRange$/),
    explanation: 'ESX preallocates memory when some VMs (e.g. PCIe passthrough VMs) power on; a page fault in VmMemPf_PreallocRange crashes the host (ESX 8.x/9.x).',
    advice: 'Update to ESX 8.0 Update 3h / 9.0.1.0 or later, where Broadcom fixed it.',
    sources: [{ title: 'Broadcom KB 428541', url: 'https://knowledge.broadcom.com/external/article/428541/psod-on-esxi-host-with-vmmempf_preallocr.html' }],
  },
  {
    id: 'world-destroy-heap-not-implemented',
    title: 'NOT_IMPLEMENTED world.c:2307 on world cleanup (KB 316522)',
    matches: (r) => r.exception?.kind === 'not-implemented' && /world\.c:2307/.test(r.exception.location ?? r.exception.text),
    explanation: 'A world group was torn down with its heap still in use; Broadcom ties it to the HPE iLO native driver on HPE Gen10/Gen10 Plus/Gen11 servers (ESXi 7.x/8.x).',
    advice: 'Apply the fix KB 316522 names: update the HPE iLO native driver (HPE custom image / offline bundle) to the fixed version.',
    sources: [{ title: 'Broadcom KB 316522', url: 'https://knowledge.broadcom.com/external/article/316522/esxi-host-may-crash-with-psod-purple-scr.html' }],
  },
  {
    id: 'vmfs6-heap-helper',
    title: 'VMFS-6 helper world page fault on ESXi 8.0.1 (KB 381540)',
    matches: (r) => r.exception?.type === 'PF' && /^(res3HelperQu|FSUnmapManag|fssAIO)/.test(r.world?.name ?? ''),
    explanation: 'A #PF in a VMFS helper world (res3HelperQueue, FSUnmapManager, fssAIO) from a VMFS-6 heap issue on ESXi 8.0.1.',
    advice: 'Follow KB 381540: update ESXi to the build it names as fixed.',
    sources: [{ title: 'Broadcom KB 381540', url: 'https://knowledge.broadcom.com/external/article/381540/esxi-801-host-experiences-purple-screen.html' }],
  },
  {
    id: 'be2net-mailbox',
    title: 'Emulex be2net (HP NC55x) driver mailbox wait',
    matches: (r) => hasFrame(r, /^be_mcc_mailbox_notify_and_wait$|^be_mpu_post_wrb_mailbox$|^_be_mpu_post_wrb_mailbox$/),
    explanation: 'The Emulex be2net NIC driver (HP NC551i/NC553i) spun waiting on the adapter mailbox while loading; seen with be2net 4.0.88 on ESXi 5.0 U1.',
    advice: 'Update the be2net driver and the NIC firmware together to a pair listed for this ESXi build in the VMware Compatibility Guide.',
    sources: [{ title: 'Karim Elatov, "Experiencing PSODs on HP 465C G7 Blades with NC551i NICs" (2012)', url: 'https://elatov.github.io/2012/11/experiencing-psods-on-hp-465c-g7-blades-with-nc551i-nics/' }],
  },
  {
    id: 'be2iscsi-ioctl',
    title: 'Emulex be2iscsi driver ioctl',
    matches: (r) => hasFrame(r, /^be_char_ioctl$/),
    explanation: 'The Emulex be2iscsi driver crashed in its character-device ioctl; seen after installing be2iscsi 4.1.334.3 with be2net 4.0.88 on ESXi 5.0.',
    advice: 'Remove or roll back the be2iscsi driver, or install a be2iscsi/be2net pair certified together for this build.',
    sources: [{ title: 'Karim Elatov, "Installing be2iscsi Driver Version 4.1.334.3 on HP BL495c G6 with NC553m CNAs Causes ESXi Host to PSOD" (2012)', url: 'https://elatov.github.io/2012/11/installing-be2iscsi-version-4-1-334-3-on-bl495c-g6-for-nc553m-cnas-causes-esxi-host-to-psod/' }],
  },
];

/**
 * The first known crash whose pattern the report matches, with its explanation, advice and sources.
 * @example matchSignature(parsePsod(text))?.id // 'e1000-rx-ring'
 */
export function matchSignature(r: PsodReport): PsodSignature | undefined {
  return SIGNATURES.find((s) => s.matches(r));
}
