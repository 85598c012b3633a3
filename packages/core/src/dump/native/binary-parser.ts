/**
 * binary-parser through its ESM build. The package's `exports` map gives ESM importers no type
 * declarations, so the types are taken from the CJS build (same source, same version: 2.3.0). Loading the
 * ESM build directly costs ~6 ms instead of ~15 ms for the CJS one through Node's CommonJS loader, which
 * matters for a command whose whole analysis budget is 50 ms.
 */
import type { Parser as ParserClass } from 'binary-parser/dist/binary_parser.js';
// @ts-ignore TS7016: the ESM entry has no declarations; typed just below from the CJS build's.
import { Parser as EsmParser } from 'binary-parser';

export const Parser: typeof ParserClass = EsmParser;
