// The bundled examples `npm start` runs, in order. Paths are relative to the repository root; each
// command's issue adds its own line here, pointing at a file in fixtures/.
export const examples = [{ title: 'name, meaning and fix of a Windows Update error', args: ['code', '0x800B0001'] }, { title: 'what crashed an ESXi host (purple screen)', args: ['psod', 'fixtures/psod/e1000.txt'] }, { title: 'why Windows signs a user in with a temporary profile', args: ['profiles', 'fixtures/windows/temp-profile.reg'] }];
