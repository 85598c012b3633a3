import { describe, expect, it } from '@jest/globals';
import { FlowFilter, flowFilterSlot } from '../../src/pcap/frame/flow-filter.js';

describe('FlowFilter', () => {
  it('a conversation has one slot whichever way its frames go; swapping only the ports usually moves it', () => {
    let moved = 0;
    for (let i = 0; i < 2000; i++) {
      const a = Math.imul(i, 0x9e3779b1) | 0;
      const b = Math.imul(i + 7, 0x85ebca6b) | 0;
      const p = 1024 + ((i * 37) % 60000);
      const q = i % 3 === 0 ? 443 : 80;
      expect(flowFilterSlot(a, p, b, q)).toBe(flowFilterSlot(b, q, a, p));
      if (flowFilterSlot(a, q, b, p) !== flowFilterSlot(a, p, b, q)) moved++;
    }
    expect(moved).toBeGreaterThan(1900);
  });

  it('counts flows per slot: a slot is free only when every flow added there was removed, and never goes below 0', () => {
    const f = new FlowFilter();
    const slot = flowFilterSlot(0x0a000001, 40000, 0x0a000002, 80);
    f.add(slot);
    f.add(slot);
    f.remove(slot);
    expect(f.counts[slot]).toBe(1);
    f.remove(slot);
    f.remove(slot);
    expect(f.counts[slot]).toBe(0);
    f.add(slot);
    f.clear();
    expect(f.counts.every((n) => n === 0)).toBe(true);
  });

  it('keeps the total of flows in all slots, which the reader tests before the slot', () => {
    const f = new FlowFilter();
    const a = flowFilterSlot(0x0a000001, 40000, 0x0a000002, 80);
    const b = flowFilterSlot(0x0a000003, 40001, 0x0a000004, 443);
    f.add(a);
    f.add(b);
    f.add(b);
    expect(f.total).toBe(3);
    f.remove(b);
    f.remove(a);
    f.remove(a); // already free: neither the slot nor the total goes below 0
    expect(f.total).toBe(1);
    f.remove(b);
    expect(f.total).toBe(0);
    f.add(a);
    f.clear();
    expect(f.total).toBe(0);
  });
});
