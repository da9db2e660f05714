/**
 * The engine's verdicts on the benchmark's generated organization, pinned by a digest of every
 * result as a report serializes it (rule, subject, status, severity, message, related resources,
 * fingerprint, decider) and of the warnings. 100 projects hold every drift the generator plants
 * (they repeat every 10, 20 and 50 projects): public endpoints, node external IPs, a deny
 * shadowing the VIP allow, wrong DNS answers, unreadable record sets, policy rules allowing and
 * denying.
 *
 * The digest was computed from the engine before its speed work (memo keys, shared chain answers,
 * 32-bit IPv4 ranges), which must not change a byte of any result. A change that is meant to change
 * verdicts or messages updates the digest here, saying so in its commit.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSnapshot } from '../../bench/engine.js';
import { audit } from '../../src/engine/audit.js';
import { loadPolicy } from '../../src/engine/policy.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

const NOW = new Date('2026-11-20T00:00:00Z');
const PINNED = {
  results: 17300,
  statuses: { pass: 14033, fail: 1265, 'not-applicable': 1000, 'not-evaluated': 1002 },
  sha256: 'ce43fa0ce3c084d590b7ae447ccf6c552d1c667e7794d94b65235b7b4bb0fdfd',
};

describe('verdicts on the generated organization', () => {
  it('are byte for byte those pinned before the engine was sped up', () => {
    const policy = loadPolicy(path.join(REPO_ROOT, 'rules.yaml'));
    const report = audit(generateSnapshot(100), policy, { failOn: 'high', now: NOW, startedAt: NOW });
    const digest = createHash('sha256');
    const statuses: Record<string, number> = {};
    for (const r of report.results) {
      digest.update(`${JSON.stringify(r)}\n`);
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    }
    digest.update(JSON.stringify(report.run.warnings));
    expect(report.results.length).toBe(PINNED.results);
    expect(statuses).toEqual(PINNED.statuses);
    expect(digest.digest('hex')).toBe(PINNED.sha256);
  });
});
