/**
 * Modules that ship with Windows, by file name: a crash blamed on one of them is reported as "a Windows
 * module" (more often the victim than the cause), anything else in a kernel crash as "a third-party
 * driver". By name only: small dumps record no company name. The list holds the drivers that
 * !analyze and BlueScreenView most often name; a Windows driver missing here is called third-party, which
 * errs on the side of checking it.
 */
const WINDOWS_KERNEL = [
  'ntoskrnl.exe', 'ntkrnlmp.exe', 'ntkrnlpa.exe', 'ntkrpamp.exe', 'hal.dll', 'halmacpi.dll', 'halacpi.dll', 'ci.dll', 'clfs.sys', 'cng.sys', 'ksecdd.sys', 'pshed.dll',
  'win32k.sys', 'win32kbase.sys', 'win32kfull.sys', 'dxgkrnl.sys', 'dxgmms1.sys', 'dxgmms2.sys', 'watchdog.sys', 'basicdisplay.sys', 'basicrender.sys',
  'ntfs.sys', 'refs.sys', 'fastfat.sys', 'exfat.sys', 'cdfs.sys', 'udfs.sys', 'npfs.sys', 'msfs.sys', 'fltmgr.sys', 'fileinfo.sys', 'wof.sys', 'mup.sys', 'rdbss.sys',
  'mrxsmb.sys', 'mrxsmb20.sys', 'srv.sys', 'srv2.sys', 'srvnet.sys', 'volmgr.sys', 'volmgrx.sys', 'volsnap.sys', 'partmgr.sys', 'disk.sys', 'classpnp.sys', 'cdrom.sys',
  'storport.sys', 'stornvme.sys', 'storahci.sys', 'ataport.sys', 'pciidex.sys', 'spaceport.sys', 'iorate.sys', 'storvsc.sys',
  'acpi.sys', 'pci.sys', 'intelppm.sys', 'amdppm.sys', 'processr.sys', 'wdf01000.sys', 'wdfldr.sys', 'ks.sys', 'portcls.sys', 'hdaudbus.sys', 'hdaudio.sys',
  'usbport.sys', 'usbhub.sys', 'usbhub3.sys', 'usbxhci.sys', 'usbehci.sys', 'ucx01000.sys', 'usbstor.sys', 'usbccgp.sys', 'hidclass.sys', 'hidparse.sys',
  'hidusb.sys', 'kbdclass.sys', 'mouclass.sys', 'kbdhid.sys', 'mouhid.sys', 'i8042prt.sys', 'bthport.sys', 'bthusb.sys', 'btha2dp.sys', 'bthenum.sys',
  'ndis.sys', 'netio.sys', 'tcpip.sys', 'afd.sys', 'http.sys', 'tdx.sys', 'nsiproxy.sys', 'wfplwfs.sys', 'pacer.sys', 'netbt.sys', 'vmbus.sys', 'netvsc.sys',
  'vmswitch.sys', 'hvix64.exe', 'hvax64.exe', 'winhvr.sys', 'mssmbios.sys', 'wmilib.sys', 'serial.sys', 'tpm.sys', 'bam.sys', 'dam.sys', 'luafv.sys',
];
const WINDOWS_USER = [
  'ntdll.dll', 'kernel32.dll', 'kernelbase.dll', 'ucrtbase.dll', 'msvcrt.dll', 'user32.dll', 'win32u.dll', 'gdi32.dll', 'gdi32full.dll', 'combase.dll',
  'rpcrt4.dll', 'ole32.dll', 'oleaut32.dll', 'shell32.dll', 'shlwapi.dll', 'advapi32.dll', 'sechost.dll', 'ws2_32.dll', 'mswsock.dll', 'dbghelp.dll',
  'comctl32.dll', 'windows.storage.dll', 'msvcp_win.dll', 'bcrypt.dll', 'crypt32.dll', 'wininet.dll', 'winhttp.dll', 'explorer.exe', 'svchost.exe',
];
const WINDOWS_MODULES = new Set([...WINDOWS_KERNEL, ...WINDOWS_USER]);

/**
 * True when the module name (path, `(unloaded)` suffix and case ignored) is one Windows ships.
 * @example isWindowsModule('\\SystemRoot\\system32\\ntoskrnl.exe') // true; isWindowsModule('acmefilt.sys') // false
 */
export function isWindowsModule(name: string): boolean {
  const base = name.replace(/ \(unloaded\)$/, '').replace(/^.*[\\/]/, '').toLowerCase();
  // cdb names the kernel `nt` and drivers by module name without extension.
  return base === 'nt' || WINDOWS_MODULES.has(base) || WINDOWS_MODULES.has(`${base}.sys`) || WINDOWS_MODULES.has(`${base}.dll`);
}
