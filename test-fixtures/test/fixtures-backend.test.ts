import { describe, expect, it } from 'vitest';
import { backendVariable, fixturesBackend } from '../src/fixtures-backend.js';
import { serviceNames } from '../src/service-registry.js';

describe('fixturesBackend', () => {
  it('is local without a variable, for every service', () => {
    for (const name of serviceNames())
      expect(fixturesBackend(name, {})).toEqual({ backend: 'local' });
  });

  it('takes SLUICE_FIXTURES_BACKEND for every service', () => {
    const env = { SLUICE_FIXTURES_BACKEND: 'testcontainers' };
    expect(fixturesBackend('kafka', env)).toEqual({
      backend: 'testcontainers',
      variable: 'SLUICE_FIXTURES_BACKEND',
    });
    expect(fixturesBackend('redis-cluster', { SLUICE_FIXTURES_BACKEND: ' local ' })).toEqual({
      backend: 'local',
      variable: 'SLUICE_FIXTURES_BACKEND',
    });
  });

  it("lets one service's variable override the general one", () => {
    const env = {
      SLUICE_FIXTURES_BACKEND: 'testcontainers',
      SLUICE_REDIS_CLUSTER_BACKEND: 'local',
    };
    expect(backendVariable('redis-cluster')).toBe('SLUICE_REDIS_CLUSTER_BACKEND');
    expect(fixturesBackend('redis-cluster', env)).toEqual({
      backend: 'local',
      variable: 'SLUICE_REDIS_CLUSTER_BACKEND',
    });
    expect(fixturesBackend('kafka', env).backend).toBe('testcontainers');
  });

  it('refuses any other value, naming the variable', () => {
    expect(() => fixturesBackend('kafka', { SLUICE_FIXTURES_BACKEND: 'docker' })).toThrow(
      'SLUICE_FIXTURES_BACKEND=docker is not a fixtures backend: use local or testcontainers',
    );
    expect(() => fixturesBackend('s3', { SLUICE_S3_BACKEND: 'minio' })).toThrow(
      'SLUICE_S3_BACKEND=minio is not a fixtures backend',
    );
  });
});
