/**
 * `esxi check`: the traps a restore holds (issue 6), for a backup alone or against the target host's own
 * backup (`--target`). Rules for the restore itself come from firmwareConfig.sh and the vim25
 * RestoreFirmwareConfiguration docs (docs/formats/esxi.md §3).
 */
import type { ParsedBackup } from '../diff/parsed.js';
import { passthroughFindings } from './passthrough.js';
import { bySeverity, type Finding } from './model.js';

/**
 * The traps of restoring `b` (onto the host `target` was taken from, when given), most severe first.
 * @example checkBackup(await parseBackup(openBackup('bundle.tgz'))).filter((f) => f.severity === 'error')
 */
export function checkBackup(b: ParsedBackup, target?: ParsedBackup): Finding[] {
  // concat, not push(...): a list as long as the input would overflow the stack as arguments
  const out: Finding[] = contentFindings(b).concat(passthroughFindings(b.esxConf, b.configStore, b.backup.encryption.encrypted), target ? targetFindings(b, target) : noTargetFindings(b));
  // Same host, same TPM: the sealed configuration opens, so TPM encryption is no longer an error.
  if (out.some((f) => f.code === 'ESXI_TPM_SAME_HOST')) {
    for (const f of out) if (f.code === 'ESXI_TPM_ENCRYPTED') f.severity = 'warning';
  }
  return out.sort(bySeverity);
}

function contentFindings(b: ParsedBackup): Finding[] {
  const out: Finding[] = [];
  const enc = b.backup.encryption;
  if (enc.encrypted && !enc.decrypted) {
    const tpm = enc.mode?.toUpperCase() === 'TPM';
    out.push({
      severity: 'error',
      code: tpm ? 'ESXI_TPM_ENCRYPTED' : 'ESXI_ENCRYPTED_UNREADABLE',
      message: tpm
        ? 'the configuration is encrypted with a key sealed in the original host\'s TPM: it opens only on that host with that TPM; restored onto other hardware (new motherboard, other host) ESXi cannot decrypt it and boots unconfigured'
        : `the configuration is encrypted and cannot be read here (${enc.reason ?? 'no usable keystore'}), so nothing in it could be checked`,
      fix: tpm
        ? 'restore only onto the same host; to move it, on the original host run esxcli system settings encryption recovery list and keep the recovery key, or take a fresh backup after the hardware change'
        : enc.keystore === 'missing'
          ? 'provide the encryption.info that was beside local.tgz.ve in state.tgz'
          : enc.keystore === 'unreadable'
            ? 'the encryption.info that is there is damaged or not a keystore: take the backup again, or open local.tgz.ve on its own with an intact encryption.info of the same host (--keystore; an encryption.info inside state.tgz is used before --keystore)'
            : 'decrypt it on the original host (crypto-util envelope extract --aad ESXConfiguration local.tgz.ve local.tgz), or take the backup again',
    });
    return out;
  }
  if (enc.encrypted && enc.decrypted) {
    out.push({
      severity: 'info',
      code: 'ESXI_ENCRYPTION_NONE',
      message: 'the configuration is encrypted in keystore mode NONE: the key is derivable from encryption.info, so anyone holding this file can read the password hashes and private keys in it',
      fix: 'store the backup like a secret; enable TPM mode on hosts with a TPM 2.0 if that matters',
    });
  }
  const hasLocal = b.backup.layers.includes('local.tgz') || b.backup.layers.includes('local.tgz.ve');
  if (!hasLocal || b.backup.files.size === 0) {
    out.push({
      severity: 'error',
      code: 'ESXI_NO_LOCAL_TGZ',
      message: 'the backup holds no host configuration (no local.tgz, or an empty one): restoring it gives a host as freshly installed',
      fix: 'take the backup again: vim-cmd hostsvc/firmware/sync_config, then vim-cmd hostsvc/firmware/backup_config (or copy /bootbank/state.tgz)',
    });
    return out;
  }
  if (!b.esxConf || b.esxConf.entries.size === 0) {
    out.push({
      severity: 'error',
      code: 'ESXI_EMPTY_ESXCONF',
      message: `etc/vmware/esx.conf is ${b.esxConf ? 'empty' : 'missing'}: the host would boot without its configuration (the image ships an empty esx.conf that is generated on first boot)`,
      fix: 'use an older backup; this one was taken from a host whose configuration was already lost',
    });
  }
  if (b.backup.files.has('etc/vmware/passthru.map')) {
    out.push({
      severity: 'info',
      code: 'ESXI_PASSTHRU_MAP_CUSTOM',
      subject: 'etc/vmware/passthru.map',
      message: 'etc/vmware/passthru.map was edited on this host (device reset overrides that make a controller passable); the restore brings the edits back',
      fix: 'nothing, if intended; check the added lines match the devices still in the host',
    });
  }
  return out;
}

function noTargetFindings(b: ParsedBackup): Finding[] {
  const out: Finding[] = [];
  const release = b.version === undefined ? undefined : `${b.version}${b.build ? ` build ${b.build}` : ''}`;
  out.push({
    severity: release ? 'info' : 'warning',
    code: release ? 'ESXI_TARGET_BUILD' : 'ESXI_RELEASE_UNKNOWN',
    message: release
      ? `the backup was taken on ESXi ${release}: the target host must run exactly this release${b.build ? ' and build' : ''} (vim-cmd refuses any other with "Mismatched Bundle")`
      : 'the backup does not say which ESXi release wrote it (no Manifest.txt, no /resourceGroups/version): a restore onto another release may fail or half-apply',
    fix: release
      ? `install ESXi ${release} on the target (vmware -vl shows what it runs); pass --target with the target's backup to check it`
      : 'restore onto the release the host ran before; if unsure, compare etc/vmware/esx.conf keys with a fresh install of that release',
  });
  return out;
}

function targetFindings(b: ParsedBackup, t: ParsedBackup): Finding[] {
  const out: Finding[] = [];
  const bundle = b.backup.kind === 'configBundle';
  if (b.version !== undefined && t.version !== undefined && b.version !== t.version) {
    out.push({
      severity: 'error',
      code: 'ESXI_RELEASE_MISMATCH',
      message: `the backup is from ESXi ${b.version}, the target runs ${t.version}: ${bundle ? 'vim-cmd hostsvc/firmware/restore_config fails with "Mismatched Bundle: Host release level … Bundle release level …", and --force does not override it' : 'copied over by hand, the old configuration is read by a different release and may half-apply'}`,
      fix: `reinstall the target with ESXi ${b.version}${b.build ? ` build ${b.build}` : ''}, restore, then upgrade`,
    });
  } else if (b.build !== undefined && t.build !== undefined && b.build !== t.build) {
    out.push({
      severity: 'error',
      code: 'ESXI_BUILD_MISMATCH',
      message: `the backup is from build ${b.build}, the target runs build ${t.build}: the restore is refused as a mismatched bundle`,
      fix: `install build ${b.build} on the target (the same ISO/patch level), restore, then patch`,
    });
  } else if (b.version === undefined || t.version === undefined) {
    out.push({
      severity: 'warning',
      code: 'ESXI_RELEASE_UNKNOWN',
      message: `the release of the ${b.version === undefined ? 'backup' : 'target'} is not recorded, so a release mismatch cannot be ruled out`,
      fix: 'run vmware -vl on the target and compare with the release the backup was taken on',
    });
  }
  if (b.uuid !== undefined && t.uuid !== undefined && b.uuid.toLowerCase() !== t.uuid.toLowerCase()) {
    out.push({
      severity: 'warning',
      code: 'ESXI_UUID_MISMATCH',
      message: `the backup's host UUID ${b.uuid} differs from the target's ${t.uuid} (a reinstall or new hardware makes a new one): vim-cmd refuses with "Mismatched Bundle: Host UUID" unless forced`,
      fix: 'force it: PowerCLI Set-VMHostFirmware -Restore -Force -SourcePath <bundle>, or the API RestoreFirmwareConfiguration(force=true); the scp route does not check the UUID',
    });
  }
  const tpm = b.backup.encryption.mode?.toUpperCase() === 'TPM';
  if (tpm && b.backup.encryption.decrypted === false && b.uuid !== undefined && t.uuid !== undefined && b.uuid === t.uuid) {
    out.push({
      severity: 'info',
      code: 'ESXI_TPM_SAME_HOST',
      message: 'the target is the same host (same UUID), so its TPM can open the encrypted configuration, provided the TPM was not cleared or replaced',
      fix: 'nothing',
    });
  }
  return out;
}
