import { deployedFunctions, schedules, tokenExpiry } from '../../../scripts/ops/doctor-command';
import type { DeployedFunction, ScheduleState, StageSetup } from '../../../scripts/ops/ops-target';
import { expectedFunctionEnvironment, stageParams } from '../../../scripts/ops/stage-params';

/** The AWS-only parts of doctor (Lambda configuration, schedules) decided on in-memory fakes of their ports. */
describe('doctor: deployed functions and schedules', () => {
  const expected = { JST_SHOP_ID: '12345', JST_SECRET_ID: 'fecjst/prod/jst', DB_SECRET_ID: 'fecjst/prod/db', JST_BASE_URL: '' };
  const setup = (functions: Record<string, DeployedFunction | undefined>, states: Record<string, ScheduleState[]> = {}): StageSetup => ({
    secretIds: { jst: 'fecjst/prod/jst', db: 'fecjst/prod/db' },
    deployedFunction: async (job) => functions[job],
    expectedEnvironment: () => expected,
    scheduleStates: async (job) => states[job] ?? [],
  });
  const deployed = (over: Record<string, string> = {}): DeployedFunction => ({ environment: { ...expected, LOG_LEVEL: 'INFO', ...over } });

  it('is ok when every function is deployed with the values of the stage parameters', async () => {
    const findings = await deployedFunctions(setup({ syncInventory: deployed(), pushOrders: deployed(), syncShipping: deployed() }));
    expect(findings.map((f) => f.severity)).toEqual(['ok', 'ok', 'ok']);
  });

  it('a function that is not deployed, or deployed with another shop number, is a blocker; another base URL a warning', async () => {
    const findings = await deployedFunctions(
      setup({ syncInventory: deployed({ JST_BASE_URL: 'https://dev-api.jushuitan.com' }), pushOrders: deployed({ JST_SHOP_ID: '999' }) }),
    );
    expect(findings.map((f) => [f.check, f.severity])).toEqual([
      ['functions.syncInventory', 'warning'],
      ['functions.pushOrders', 'blocker'],
      ['functions.syncShipping', 'blocker'],
    ]);
    expect(findings[1]!.message).toBe('JST_SHOP_ID is "999", the stage\'s parameters say "12345"');
    expect(findings[2]!.fix).toMatch(/serverless deploy/);
  });

  it('says which schedules are on and warns when all of a job are off or none exists', async () => {
    const findings = await schedules(
      setup(
        {},
        {
          syncInventory: [
            { name: 'rule a', enabled: true },
            { name: 'schedule full', enabled: false },
          ],
          pushOrders: [{ name: 'rule b', enabled: false }],
        },
      ),
    );
    expect(findings.map((f) => [f.check, f.severity])).toEqual([
      ['schedules.syncInventory', 'ok'],
      ['schedules.pushOrders', 'warning'],
      ['schedules.syncShipping', 'warning'],
    ]);
    expect(findings[0]!.message).toBe('on: rule a; off: schedule full');
    expect(findings[1]!.fix).toMatch(/ops -- resume pushOrders/);
  });

  it('the local stack has neither (no port): one ok line each', async () => {
    expect((await deployedFunctions({ secretIds: { jst: 'j', db: 'd' } })).map((f) => f.severity)).toEqual(['ok']);
    expect((await schedules({ secretIds: { jst: 'j', db: 'd' } })).map((f) => f.severity)).toEqual(['ok']);
  });

  it('a legacy token refreshed 346 days ago is a warning (it lives about a year)', () => {
    const now = Date.parse('2026-12-01T00:00:00Z');
    expect(tokenExpiry({ generation: 'legacy', partnerId: 'p', partnerKey: 'k', token: 't', tokenRefreshedAt: '2025-12-20T00:00:00Z' }, now).severity).toBe(
      'warning',
    );
    expect(tokenExpiry({ generation: 'legacy', partnerId: 'p', partnerKey: 'k', token: 't', tokenRefreshedAt: '2026-11-01T00:00:00Z' }, now).severity).toBe(
      'ok',
    );
  });
});

describe('the stage parameters doctor compares against (serverless.yml params)', () => {
  const yml = [
    'service: x',
    'params:',
    '  default:',
    '    jstSecretId: fecjst/${sls:stage}/jst',
    "    jstShopId: ''",
    '    # a comment',
    "    jstBaseUrl: ''",
    '  prod:',
    "    jstShopId: '12345' # the shop",
    'provider:',
    '  name: aws',
  ].join('\n');

  it('overlays params.<stage> on params.default and resolves ${sls:stage}', () => {
    expect(stageParams('prod', yml)).toEqual({ jstSecretId: 'fecjst/prod/jst', jstShopId: '12345', jstBaseUrl: '' });
    expect(stageParams('dev', yml).jstShopId).toBe('');
  });

  it("reads the project's serverless.yml: the default secret names of a stage", () => {
    const env = expectedFunctionEnvironment(stageParams('prod'));
    expect(env).toMatchObject({ JST_SECRET_ID: 'fecjst/prod/jst', DB_SECRET_ID: 'fecjst/prod/db' });
  });
});
