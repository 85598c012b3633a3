// The bundled examples `npm start` runs, in order. Paths are relative to the repository root; each
// command's issue adds its own line here, pointing at a file in fixtures/.
export const examples = [{ title: 'name, meaning and fix of a Windows Update error', args: ['code', '0x800B0001'] }];
