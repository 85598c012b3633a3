// The bundled examples `npm start` runs, in order. Paths are relative to the repository root; each
// command's issue adds its own line here, pointing at a file in fixtures/.
export const examples = [];
