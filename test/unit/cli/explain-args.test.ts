import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { UsageError, parseExplainArgs } from '../../../src/cli/explain-args.js';
import { KeyError } from '../../../src/cli/api-key.js';

describe('explain argument parsing', () => {
  it('takes a method and a path, adding the SCIM base when it is missing', () => {
    expect(parseExplainArgs(['post', '/Users'])).to.deep.equal({
      method: 'POST',
      path: '/scim/v2/Users',
      dryRun: false,
      seed: false,
    });
    expect(parseExplainArgs(['GET', '/scim/v2/Users?count=1'])).to.deep.include({ path: '/scim/v2/Users?count=1' });
    expect(parseExplainArgs(['GET', '/Users?filter=userName eq "a"'])).to.deep.include({
      path: '/scim/v2/Users?filter=userName eq "a"',
    });
  });

  it('reads every option', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'explain-key-'));
    writeFileSync(path.join(dir, 'key'), 'k\n');
    const args = parseExplainArgs([
      'PATCH',
      '/Users/abc',
      '--body',
      'p.json',
      '--key-file',
      path.join(dir, 'key'),
      '--jumpcloud-url',
      'http://127.0.0.1:8081',
      '--dry-run',
      '--seed',
    ]);
    expect(args).to.deep.equal({
      method: 'PATCH',
      path: '/scim/v2/Users/abc',
      bodyFile: 'p.json',
      key: 'k',
      jumpcloudUrl: 'http://127.0.0.1:8081',
      dryRun: true,
      seed: true,
    });
  });

  it('takes the key from JUMPCLOUD_API_KEY so it stays out of shell history', () => {
    expect(
      parseExplainArgs(['GET', '/Users', '--jumpcloud-url', 'https://console.jumpcloud.com'], {
        JUMPCLOUD_API_KEY: ' secret ',
      }),
    ).to.deep.include({ key: 'secret' });
  });

  it('drops --seed for the in-process emulator, which is always seeded', () => {
    expect(parseExplainArgs(['GET', '/Users', '--seed'])).to.deep.include({ seed: false });
  });

  it('answers help', () => {
    expect(parseExplainArgs(['--help'])).to.equal('help');
    expect(parseExplainArgs(['GET', '/Users', '-h'])).to.equal('help');
  });

  it('takes --replay FILE (or - for standard input) instead of a METHOD and a PATH', () => {
    expect(parseExplainArgs(['--replay', 'export.json'])).to.deep.equal({
      replay: 'export.json',
      dryRun: false,
      seed: false,
    });
    expect(parseExplainArgs(['--replay', '-', '--dry-run'])).to.deep.equal({ replay: '-', dryRun: true, seed: false });
    expect(() => parseExplainArgs(['--replay', 'e.json', 'GET', '/Users'])).to.throw(
      UsageError,
      "--replay takes no METHOD or PATH (got 'GET'): the file holds them",
    );
    expect(() => parseExplainArgs(['--replay', 'e.json', '--body', 'b.json'])).to.throw(
      UsageError,
      '--replay takes no --body: the file holds the bodies',
    );
    expect(() => parseExplainArgs(['--replay'])).to.throw(UsageError, '--replay needs a value');
  });

  const bad: [string[], RegExp][] = [
    [[], /needs a METHOD and a PATH/],
    [['GET'], /needs a METHOD and a PATH/],
    [['FETCH', '/Users'], /METHOD must be one of/],
    [['GET', 'Users'], /PATH must start with '\/'/],
    [['GET', '/Users', 'extra'], /unexpected argument 'extra'/],
    [['GET', '/Users', '--body', 'x.json'], /--body does not go with GET/],
    [['POST', '/Users', '--body'], /--body needs a value/],
    [['POST', '/Users', '--body', '--dry-run'], /--body needs a value/],
    [
      ['GET', '/Users', '--jumpcloud-url', 'https://console.jumpcloud.com'],
      /needs a key: set JUMPCLOUD_API_KEY or use --key-file/,
    ],
    [['GET', '/Users', '--key', 'jcCanary0123456789'], /--key is not accepted/],
    [['GET', '/Users', '--key=jcCanary0123456789'], /--key is not accepted/],
    [['GET', '/Users', '--verbose'], /unknown option --verbose/],
  ];
  for (const [argv, message] of bad) {
    it(`rejects ${JSON.stringify(argv)}`, () => {
      expect(() => parseExplainArgs(argv)).to.throw(UsageError, message);
    });
  }

  it('reports an unreadable --key-file by its name', () => {
    expect(() => parseExplainArgs(['GET', '/Users', '--key-file', '/nonexistent/key'])).to.throw(
      KeyError,
      /--key-file \/nonexistent\/key could not be read/,
    );
  });

  it('never repeats a key given on the command line', () => {
    try {
      parseExplainArgs(['GET', '/Users', '--key', 'jcCanary0123456789']);
    } catch (e) {
      expect((e as Error).message).to.not.contain('jcCanary0123456789');
      return;
    }
    expect.fail('--key must be refused');
  });
});
