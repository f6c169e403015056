import { ConnectInputError, parseConnectInput, promptConnectInput } from '../../../scripts/ops/connect-input';
import { runOps } from '../../../scripts/ops/main';
import { OpsUsageError, type OpsTarget } from '../../../scripts/ops/ops-target';

/** connect's input: never from argv, always validated field by field without echoing a value. */
describe('ops connect input', () => {
  const io = { out: () => undefined, confirm: () => Promise.resolve(false) };
  const noTarget = (): OpsTarget => {
    throw new Error('the target must not be reached');
  };

  it.each([['--app-secret'], ['--password'], ['--token'], ['--partner-key']])(
    'refuses %s on the command line before doing anything, without repeating the value',
    async (flag) => {
      const run = runOps(['connect', '--stage', 'prod', flag, 'hunter2-value'], io, noTarget);
      await expect(run).rejects.toBeInstanceOf(OpsUsageError);
      await expect(runOps(['connect', '--stage', 'prod', flag, 'hunter2-value'], io, noTarget)).rejects.toThrow(/never from the command line/);
      await run.catch((error: Error) => expect(error.message).not.toContain('hunter2-value'));
    },
  );

  it('takes legacy credentials and open-platform credentials with or without the token pair', () => {
    const db = { host: 'h', port: 3306, username: 'u', password: 'p', dbname: 'd' };
    expect(parseConnectInput({ jst: { partnerId: 'p', partnerKey: 'k', token: 't' }, db }, 'test').jst).toEqual({
      partnerId: 'p',
      partnerKey: 'k',
      token: 't',
    });
    expect(parseConnectInput({ jst: { appKey: 'a', appSecret: 's' }, db }, 'test').jst).toEqual({ appKey: 'a', appSecret: 's' });
    expect(parseConnectInput({ jst: { appKey: 'a', appSecret: 's', accessToken: 'x', refreshToken: 'r' }, db }, 'test').jst).toMatchObject({
      accessToken: 'x',
    });
  });

  it('names what is wrong: an unknown top-level field, a missing jst, a db without dbname, a legacy secret without token', () => {
    const db = { host: 'h', port: 3306, username: 'u', password: 'p', dbname: 'd' };
    expect(() => parseConnectInput({ jst: { appKey: 'a', appSecret: 's' }, db, extra: 1 }, 'f.json')).toThrow(/f\.json: unknown field\(s\) extra/);
    expect(() => parseConnectInput({ db }, 'f.json')).toThrow(/jst is missing/);
    expect(() => parseConnectInput({ jst: { appKey: 'a', appSecret: 's' }, db: { ...db, dbname: undefined } }, 'f.json')).toThrow(/db is invalid: .*dbname/);
    expect(() => parseConnectInput({ jst: { partnerId: 'p', partnerKey: 'secret-k' }, db }, 'f.json')).toThrow(ConnectInputError);
    expect(() => parseConnectInput({ jst: { partnerId: 'p', partnerKey: 'secret-k' }, db }, 'f.json')).not.toThrow(/secret-k/);
  });

  it('asks for every secret with hidden input and the rest visibly (open platform without tokens: getInitToken follows)', async () => {
    const visible = ['', 'app-key', 'db.example', '', 'fecmall', 'fecmall_db'];
    const hidden = ['app-secret', '', 'db-password'];
    const asked: string[] = [];
    const input = await promptConnectInput(
      async (q) => (asked.push(`visible: ${q}`), visible.shift()!),
      async (q) => (asked.push(`hidden: ${q}`), hidden.shift()!),
    );
    expect(input).toEqual({
      jst: { appKey: 'app-key', appSecret: 'app-secret' },
      db: { host: 'db.example', port: 3306, username: 'fecmall', password: 'db-password', dbname: 'fecmall_db' },
    });
    expect(asked.filter((q) => q.startsWith('hidden')).map((q) => q.split(' (')[0])).toEqual([
      'hidden: app secret',
      'hidden: access token',
      'hidden: password',
    ]);
  });
});
