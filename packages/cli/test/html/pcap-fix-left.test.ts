/** The fix page explains every reason a packet was left, the cut record included (its row was dropped). */
import { describe, expect, test } from '@jest/globals';
import { pcapFixSection, type PcapFixDoc } from '../../src/render/html/pcap-fix.js';

const doc: PcapFixDoc = {
  input: 'in.pcap',
  output: 'out.pcap',
  gzipOut: false,
  frames: 10,
  packetsChanged: 3,
  fixed: { ipv4: 0, tcp: 3, udp: 0 },
  lengthsFixed: { ipv4: 0, ipv6: 0 },
  left: { truncated: 1, fragment: 1, 'bad-length': 1, 'icmp-quoted': 1, 'length-too-long': 1, 'cut-record': 1 },
  leftFrames: [{ frame: 10, reason: 'cut-record' }],
  leftFramesTruncated: false,
};

describe('analyze pcap --fix-checksums --html', () => {
  test('lists each reason with its explanation', () => {
    const { html } = pcapFixSection(doc);
    for (const reason of Object.keys(doc.left)) expect(html).toContain(`1 ${reason}`);
    expect(html).toContain('the record the capture ends inside: copied unchanged, never checked');
  });
});
