import { describe, expect, it } from 'vitest';
import { fqdn, normalizeGateway, projectOf, regionOf, shortName, toFullName } from '../../src/model/names.js';

const NET = '//compute.googleapis.com/projects/p/global/networks/vpc';

describe('full names', () => {
  it('turns every reference form into the Cloud Asset Inventory full name', () => {
    expect(toFullName('https://www.googleapis.com/compute/v1/projects/p/global/networks/vpc')).toBe(NET);
    expect(toFullName('https://compute.googleapis.com/compute/beta/projects/p/global/networks/vpc')).toBe(NET);
    expect(toFullName('projects/p/global/networks/vpc')).toBe(NET);
    expect(toFullName('global/networks/vpc', { defaultProject: 'p' })).toBe(NET);
    expect(toFullName('vpc', { defaultProject: 'p', collection: 'networks' })).toBe(NET);
    expect(toFullName(NET)).toBe(NET);
    expect(toFullName('https://dns.googleapis.com/dns/v1/projects/p/managedZones/z', { service: 'dns' })).toBe('//dns.googleapis.com/projects/p/managedZones/z');
    expect(toFullName('vpc')).toBeUndefined();
    expect(toFullName(undefined)).toBeUndefined();
  });

  it('reads the project, short name and region', () => {
    expect(projectOf(NET)).toBe('p');
    expect(projectOf('projects/q/zones/z')).toBe('q');
    expect(projectOf('tf://google_compute_network.vpc')).toBeUndefined();
    expect(shortName(NET)).toBe('vpc');
    expect(regionOf('asia-northeast1-a')).toBe('asia-northeast1');
    expect(regionOf('asia-northeast1')).toBe('asia-northeast1');
    expect(regionOf('us-east4-c')).toBe('us-east4');
  });

  it('normalizes the default internet gateway and DNS names', () => {
    expect(normalizeGateway('https://www.googleapis.com/compute/v1/projects/p/global/gateways/default-internet-gateway')).toBe('default-internet-gateway');
    expect(normalizeGateway('global/gateways/default-internet-gateway')).toBe('default-internet-gateway');
    expect(normalizeGateway('default-internet-gateway')).toBe('default-internet-gateway');
    expect(normalizeGateway('projects/p/global/gateways/other')).toBe('projects/p/global/gateways/other');
    expect(fqdn(' GoogleAPIs.com ')).toBe('googleapis.com.');
    expect(fqdn('gcr.io.')).toBe('gcr.io.');
  });
});
