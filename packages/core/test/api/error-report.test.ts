import { describe, expect, it } from '@jest/globals';
import { AnalyzeError } from '../../src/errors.js';
import { errorReport } from '../../src/api/report.js';

describe('errorReport', () => {
  it('names the subject given, else the file the error names, else none', () => {
    const e = new AnalyzeError('FILE_UNREADABLE', 'no such file', { file: 'b.pcap' });
    expect(errorReport(e, { file: 'a.pcap' })).toEqual({ schemaVersion: '1.0', file: 'a.pcap', error: { code: 'FILE_UNREADABLE', message: 'no such file' } });
    expect(errorReport(e)).toMatchObject({ file: 'b.pcap' });
    expect(errorReport(new AnalyzeError('USAGE', 'bad option'))).not.toHaveProperty('file');
    expect(errorReport(new Error('boom'), { input: '0xZZ' })).toEqual({ schemaVersion: '1.0', input: '0xZZ', error: { code: 'INTERNAL', message: 'boom' } });
  });
});
