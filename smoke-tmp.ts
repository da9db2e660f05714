import { readFileSync } from 'node:fs';
import { loadPlanSnapshot, applyPlanToSnapshot } from './src/collectors/overlay.js';
import { evaluate } from './src/engine/engine.js';
import { defaultPolicy } from './src/engine/policy.js';
import { RULES } from './src/rules/index.js';
const policy = defaultPolicy();
policy.parameters = { vip: 'restricted', onPremRanges: ['10.100.0.0/16'], proxyRanges: ['10.100.5.10/32'] };
const verdicts = (s: any) => evaluate(s, policy, [...RULES]).results.map((r) => `${r.ruleId} ${r.resource.fullName.replace(/.*\//, '')} ${r.status} ${r.status !== 'pass' ? r.message : ''}`).sort();
const live = JSON.parse(readFileSync('examples/compliant.snapshot.json', 'utf8'));
const mode = process.argv[2];
if (mode === 'overlay') { console.log(verdicts(applyPlanToSnapshot(live, process.argv[3])).join('\n')); }
else {
const plan = verdicts(loadPlanSnapshot(process.argv[2]));
const liveNoInst = { ...live, instances: [] };
const l = verdicts(liveNoInst);
console.log('PLAN\n' + plan.join('\n'));
console.log('LIVE (no instances)\n' + l.join('\n'));
}
