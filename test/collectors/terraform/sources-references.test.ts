import { describe, expect, it } from 'vitest';
import { scanResourceBlocks } from '../../../src/collectors/terraform/sources.js';
import { parseModuleAddress, parseTraversal, ReferenceResolver } from '../../../src/collectors/terraform/references.js';

describe('.tf scanner', () => {
  it('finds resource blocks and skips comments, strings and heredocs', () => {
    const text = [
      '# resource "google_compute_route" "commented" {',
      '// resource "google_compute_route" "also_commented" {',
      '/* resource "google_compute_route" "in_block_comment" {',
      'resource "google_compute_route" "still_in_comment" { */',
      'resource "google_compute_route" "vip" {',
      '  description = "resource \\"x\\" \\"y\\" {"',
      '  metadata_startup_script = <<-EOT',
      'resource "google_compute_route" "in_heredoc" {',
      '  EOT',
      '}',
      '  resource   "google_dns_record_set"   "a" {  # trailing comment',
    ].join('\n');
    expect(scanResourceBlocks(text)).toEqual([
      { type: 'google_compute_route', name: 'vip', line: 5 },
      { type: 'google_dns_record_set', name: 'a', line: 11 },
    ]);
  });
});

describe('configuration references', () => {
  it('parses traversals with indexes', () => {
    expect(parseTraversal('module.net["a"].google_compute_network.vpc[0].id')).toEqual([
      { name: 'module' }, { name: 'net' }, { index: 'a' }, { name: 'google_compute_network' }, { name: 'vpc' }, { index: 0 }, { name: 'id' },
    ]);
    expect(parseModuleAddress('module.net["a"].module.sub[2]')).toEqual([{ name: 'net', key: 'a' }, { name: 'sub', key: 2 }]);
  });

  const resolver = new ReferenceResolver(
    {
      resources: [],
      module_calls: {
        net: {
          source: './net',
          expressions: { region: { constant_value: 'r' } },
          module: { resources: [], outputs: { id: { expression: { references: ['google_compute_network.vpc["b"].id', 'google_compute_network.vpc["b"]', 'google_compute_network.vpc'] } } } },
        },
      },
    },
    [
      { address: 'google_compute_network.vpc["a"]', moduleAddress: '', type: 'google_compute_network', name: 'vpc', index: 'a' },
      { address: 'google_compute_network.vpc["b"]', moduleAddress: '', type: 'google_compute_network', name: 'vpc', index: 'b' },
      { address: 'module.net.google_compute_network.vpc["b"]', moduleAddress: 'module.net', type: 'google_compute_network', name: 'vpc', index: 'b' },
    ],
    ['module.net'],
  );
  const root = resolver.scope('')!;

  it('picks the for_each instance named by each.key or by a constant index', () => {
    expect(resolver.resolve({ references: ['google_compute_network.vpc', 'each.key'] }, root, 'b')).toEqual({ address: 'google_compute_network.vpc["b"]', attribute: [] });
    expect(resolver.resolve({ references: ['google_compute_network.vpc["a"].self_link', 'google_compute_network.vpc["a"]', 'google_compute_network.vpc'] }, root)).toEqual({
      address: 'google_compute_network.vpc["a"]',
      attribute: ['self_link'],
    });
  });

  it('refuses to guess between instances, and follows module outputs', () => {
    expect(resolver.resolve({ references: ['google_compute_network.vpc'] }, root)).toBeUndefined();
    expect(resolver.resolve({ references: ['module.net.id', 'module.net'] }, root)).toEqual({ address: 'module.net.google_compute_network.vpc["b"]', attribute: ['id'] });
    expect(resolver.resolve({ references: ['local.network'] }, root)).toBeUndefined();
  });
});
