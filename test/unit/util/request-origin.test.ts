import { expect } from 'chai';
import { requestOrigin } from '../../../src/util/request-origin.js';

const req = (protocol: string, encrypted = false) => ({
  protocol,
  socket: { encrypted },
  get: () => 'scim.example.com',
});

describe('util/request-origin', () => {
  it('takes a forwarded http or https (any case)', () => {
    expect(requestOrigin(req('https'))).to.equal('https://scim.example.com');
    expect(requestOrigin(req('HTTPS'))).to.equal('https://scim.example.com');
    expect(requestOrigin(req('http'))).to.equal('http://scim.example.com');
  });
  it('ignores any other forwarded protocol and uses the connection’s own', () => {
    expect(requestOrigin(req('javascript'))).to.equal('http://scim.example.com');
    expect(requestOrigin(req('ftp'))).to.equal('http://scim.example.com');
    expect(requestOrigin(req('evil.example/x?', true))).to.equal('https://scim.example.com');
  });
});
