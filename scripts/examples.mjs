// The bundled examples `npm start` runs, in order: one per command, each on a file in fixtures/ that
// the project generates itself (fixtures/gen/). Paths are relative to the repository root.
export const examples = [
  { title: 'which packets have bad IPv4/TCP/UDP checksums, and whether that is offload or damage', args: ['pcap', 'fixtures/pcap/checksums-example.pcapng'] },
  { title: 'the Realtek case: outbound segments with offload placeholders are never acknowledged', args: ['pcap', 'fixtures/pcap/scenarios/offload-broken.pcap'] },
  { title: 'the stop code and driver behind a BSOD, from a saved !analyze -v text', args: ['dump', 'fixtures/dump/analyze-v-d1-exampledrv.txt'] },
  { title: 'what an ESXi configuration backup holds (encrypted 7.x state.tgz, decrypted in memory)', args: ['esxi', 'show', 'fixtures/esxi/state-7.0.3-encrypted.tgz'] },
  { title: 'what restoring a backup would change: the boot HBA was given to passthrough', args: ['esxi', 'diff', 'fixtures/esxi/pairs/boot-hba-passthru/before.tgz', 'fixtures/esxi/pairs/boot-hba-passthru/after.tgz'] },
  { title: 'what crashed an ESXi host (purple screen)', args: ['psod', 'fixtures/psod/e1000.txt'] },
  { title: 'name, meaning and fix of a Windows Update error', args: ['code', '0x800B0001'] },
  { title: 'why Windows signs a user in with a temporary profile', args: ['profiles', 'fixtures/windows/temp-profile.reg'] },
  { title: 'what the event log says: a blue screen, the disk errors before it, a failing update', args: ['events', 'fixtures/events/system-crash-storage-update.evtx'] },
];
