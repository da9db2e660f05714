import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMETERS, defaultPolicy, loadPolicy, parsePolicy } from '../../src/engine/policy.js';
import { InputError } from '../../src/errors.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

/** The one line the CLI prints for a bad policy. */
function errorLine(text: string): string {
  try {
    parsePolicy(text, 'rules.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).toLine();
  }
  throw new Error('the policy was accepted');
}

const EXCEPTION = (fields: string) => `exceptions:\n  - rule: vpc-native\n${fields}`;

describe('policy (rules.yaml)', () => {
  it('reads the shipped rules.yaml: the article\'s VIP and the on-prem and proxy ranges', () => {
    const policy = loadPolicy(path.join(REPO_ROOT, 'rules.yaml'));
    expect(policy.parameters).toEqual({ vip: 'restricted', onPremRanges: ['10.100.0.0/16'], proxyRanges: ['10.100.5.10/32'] });
    expect(policy.rules).toEqual({});
    expect(policy.exceptions).toEqual([]);
  });

  it('reads severities, off, parameters and exceptions with the line each exception is on', () => {
    const policy = parsePolicy(
      [
        'parameters:',
        '  vip: private',
        '  onPremRanges: [10.100.0.0/16, 192.168.0.0/24]',
        'rules:',
        '  dns-pkg-dev: low',
        '  health-check-ingress: off',
        'exceptions:',
        '  - rule: authorized-networks',
        '    resource: //container.googleapis.com/projects/p/locations/asia-northeast1/clusters/legacy',
        '    reason: Moving to the private endpoint, NET-42',
        '    expires: 2027-01-31',
      ].join('\n'),
      'policy/rules.yaml',
    );
    expect(policy.path).toBe('policy/rules.yaml');
    expect(policy.parameters).toEqual({ vip: 'private', onPremRanges: ['10.100.0.0/16', '192.168.0.0/24'], proxyRanges: [] });
    expect(policy.rules).toEqual({ 'dns-pkg-dev': 'low', 'health-check-ingress': 'off' });
    expect(policy.exceptions).toEqual([
      {
        rule: 'authorized-networks',
        resource: '//container.googleapis.com/projects/p/locations/asia-northeast1/clusters/legacy',
        reason: 'Moving to the private endpoint, NET-42',
        expires: '2027-01-31',
        where: 'policy/rules.yaml line 8',
      },
    ]);
  });

  it('fills what is left out with the defaults', () => {
    for (const text of ['', '# nothing yet\n', 'rules: {}\n', 'parameters:\nrules:\nexceptions:\n  # - rule: vpc-native\n']) {
      const policy = parsePolicy(text, 'rules.yaml');
      expect(policy.parameters).toEqual(DEFAULT_PARAMETERS);
      expect(policy.rules).toEqual({});
      expect(policy.exceptions).toEqual([]);
    }
    expect(parsePolicy('parameters:\n  proxyRanges: [10.1.1.1/32]\n', 'rules.yaml').parameters).toEqual({
      vip: 'restricted',
      onPremRanges: [],
      proxyRanges: ['10.1.1.1/32'],
    });
  });

  it('hands out defaults that a caller can change without changing them for the next policy', () => {
    defaultPolicy().parameters.onPremRanges.push('10.0.0.0/8');
    parsePolicy('', 'rules.yaml').parameters.proxyRanges.push('10.1.1.1/32');
    expect(defaultPolicy().parameters).toEqual({ vip: 'restricted', onPremRanges: [], proxyRanges: [] });
    expect(parsePolicy('', 'rules.yaml').parameters.proxyRanges).toEqual([]);
  });

  describe('errors name the file and the line', () => {
    it('bad YAML', () => {
      expect(errorLine('parameters:\n  vip: "restricted\n')).toMatch(/^rules\.yaml: line 3, column 1: Missing closing "quote$/);
      expect(errorLine('parameters:\n  vip: restricted\nrules:\n\tvpc-native: low\n')).toMatch(/^rules\.yaml: line 4, column 1: .*[Tt]ab/);
    });

    it('a duplicate key', () => {
      expect(errorLine('parameters:\n  vip: restricted\n  vip: private\n')).toBe('rules.yaml: line 3, column 3: Map keys must be unique');
    });

    it('an unknown key, at the key', () => {
      expect(errorLine('parameters:\n  vip: restricted\n  onPremRange: [10.0.0.0/8]\n')).toBe('rules.yaml: line 3: unknown key "onPremRange" in $.parameters');
      expect(errorLine('rules: {}\nexception: []\n')).toBe('rules.yaml: line 2: unknown key "exception" in $');
      expect(errorLine(EXCEPTION('    resource: r\n    reason: x\n    expires: 2027-01-01\n    ticket: NET-1\n'))).toBe(
        'rules.yaml: line 6: unknown key "ticket" in $.exceptions[0]',
      );
    });

    it('an unknown rule id, in rules and in an exception', () => {
      expect(errorLine('rules:\n  vpc-native: low\n  dns-foo: high\n')).toBe('rules.yaml: line 3: unknown rule id "dns-foo" in $.rules');
      expect(errorLine('exceptions:\n  - rule: dns-foo\n    resource: r\n    reason: x\n    expires: 2027-01-01\n')).toMatch(
        /^rules\.yaml: line 2: \$\.exceptions\[0\]\.rule must be one of "vpc-native", /,
      );
    });

    it('a bad severity', () => {
      expect(errorLine('rules:\n  vpc-native: low\n  dns-gcr: urgent\n')).toBe(
        'rules.yaml: line 3: $.rules["dns-gcr"] must be one of "critical", "high", "medium", "low", "off"',
      );
      expect(errorLine('parameters:\n  vip: public\n')).toBe('rules.yaml: line 2: $.parameters.vip must be one of "restricted", "private"');
    });

    it('a bad CIDR, and a bare address where a range is expected', () => {
      expect(errorLine('parameters:\n  onPremRanges:\n    - 10.100.0.0/16\n    - 10.300.0.0/16\n')).toBe(
        'rules.yaml: line 4: $.parameters.onPremRanges[1] is not a valid CIDR range',
      );
      expect(errorLine('parameters:\n  proxyRanges: [10.100.5.10]\n')).toBe('rules.yaml: line 2: $.parameters.proxyRanges[0] is not a valid CIDR range');
    });

    it('a bad date', () => {
      expect(errorLine(EXCEPTION('    resource: r\n    reason: x\n    expires: 2027-02-30\n'))).toBe(
        'rules.yaml: line 5: $.exceptions[0].expires is not a valid date (YYYY-MM-DD)',
      );
      expect(errorLine(EXCEPTION('    resource: r\n    reason: x\n    expires: next month\n'))).toBe(
        'rules.yaml: line 5: $.exceptions[0].expires is not a valid date (YYYY-MM-DD)',
      );
    });

    it('an exception missing a field, at that exception', () => {
      const text = [
        'exceptions:',
        '  - rule: vpc-native',
        '    resource: r',
        '    reason: x',
        '    expires: 2027-01-01',
        '  - rule: dns-gcr',
        '    resource: r',
        '    expires: 2027-01-01',
      ].join('\n');
      expect(errorLine(text)).toBe('rules.yaml: line 6: $.exceptions[1] is missing "reason"');
      expect(errorLine(EXCEPTION('    resource: r\n    reason: ""\n    expires: 2027-01-01\n'))).toMatch(/^rules\.yaml: line 4: \$\.exceptions\[0\]\.reason /);
    });

    it('a document that is not a mapping', () => {
      expect(errorLine('- vpc-native\n')).toBe('rules.yaml: line 1: the policy must be a mapping with parameters, rules and exceptions');
      expect(errorLine('rules: [vpc-native]\n')).toBe('rules.yaml: line 1: $.rules must be object');
    });

    it('a missing file', () => {
      const missing = path.join(mkdtempSync(path.join(tmpdir(), 'gpa-policy-')), 'rules.yaml');
      expect(() => loadPolicy(missing)).toThrow(InputError);
      try {
        loadPolicy(missing);
      } catch (e) {
        expect((e as InputError).toLine()).toBe(`${missing}: cannot read the policy: ENOENT`);
      }
    });
  });

  it('loads from a file the same as from text', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gpa-policy-'));
    const file = path.join(dir, 'rules.yaml');
    writeFileSync(file, 'rules:\n  vpc-native: critical\n');
    expect(loadPolicy(file)).toEqual(parsePolicy(readFileSync(file, 'utf8'), file));
  });
});
