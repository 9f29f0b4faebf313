import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import {
  FAILURE_KINDS,
  FAILURE_KIND_NAMES,
  holdsFor,
  isSystemic,
  kindForStatus,
} from '../../../src/jumpcloud/failure-kinds.js';
import { DOC, withFailureKindsSection } from '../../../scripts/failure-kinds-doc.js';

describe('jumpcloud/failure-kinds', () => {
  it('lets only a 429 re-send a call that is not idempotent: any other kind could make a duplicate user', () => {
    expect(FAILURE_KIND_NAMES.filter((k) => FAILURE_KINDS[k].resentEvenIfNotIdempotent)).to.deep.equal(['rateLimited']);
  });

  it('stops a fan-out on failures of JumpCloud or the key, not on those of one object', () => {
    expect(FAILURE_KIND_NAMES.filter(isSystemic)).to.deep.equal([
      'ipBlocked',
      'keyExpired',
      'unauthorized',
      'forbidden',
      'rateLimited',
      'throttled',
      'unavailable',
      'timeout',
      'network',
    ]);
  });

  it('tries its rows in order: a throttled or refused answer saying "already exists" keeps its own kind', () => {
    expect(kindForStatus(429, 'already exists')).to.equal('rateLimited');
    expect(kindForStatus(404, 'already exists')).to.equal('notFound');
    expect(kindForStatus(503, 'already exists')).to.equal('unavailable');
    expect(kindForStatus(199, 'already exists')).to.equal('alreadyExists');
    expect(kindForStatus(199, '')).to.equal('badRequest');
  });

  it('tells a blocked IP and an expired key from a key without permission', () => {
    expect(kindForStatus(403, 'Forbidden: your IP has been blocked due to suspected abuse')).to.equal('ipBlocked');
    expect(kindForStatus(401, 'API key has expired')).to.equal('keyExpired');
    expect(kindForStatus(403, 'API access is disabled for this administrator')).to.equal('keyExpired');
    expect(kindForStatus(403, 'Forbidden')).to.equal('forbidden');
    expect(kindForStatus(401, 'Unauthorized')).to.equal('unauthorized');
  });

  it("only failures that got no HTTP answer (or are the pacer's own verdict) are never recognised from one", () => {
    expect(FAILURE_KIND_NAMES.filter((k) => !('recognises' in FAILURE_KINDS[k]))).to.deep.equal([
      'throttled',
      'timeout',
      'network',
    ]);
  });

  it('reads a by-status fact: onlyFor needs a listed status, exceptFor holds without one', () => {
    expect(holdsFor(true, undefined)).to.equal(true);
    expect(holdsFor(false, 500)).to.equal(false);
    expect(holdsFor({ onlyFor: [502] }, 502)).to.equal(true);
    expect(holdsFor({ onlyFor: [502] }, 500)).to.equal(false);
    expect(holdsFor({ onlyFor: [502] }, undefined)).to.equal(false);
    expect(holdsFor({ exceptFor: [503] }, 503)).to.equal(false);
    expect(holdsFor({ exceptFor: [503] }, 500)).to.equal(true);
    expect(holdsFor({ exceptFor: [503] }, undefined)).to.equal(true);
  });

  it('docs/upstream-faults.md shows the tables as they are (npm run docs:faults rewrites it)', () => {
    const doc = readFileSync(DOC, 'utf8');
    expect(doc, 'docs/upstream-faults.md is stale: run npm run docs:faults').to.equal(withFailureKindsSection(doc));
  });
});
