import { lambdaContext } from '../support/capture-stdout';
import { useE2EWorld } from '../support/e2e-world';
import { loadJobHandlers, scheduledEvent as scheduled, storedJstSecret as storedSecret, type JobHandlers } from '../support/job-handlers';
import { describeWithMoto } from '../support/moto';

describeWithMoto('legacy partner API through the handlers: the host address and an expiring token (moto, sandbox)', () => {
  const world = useE2EWorld({ products: 40, orders: 60, generation: 'legacy' });
  let jobs: JobHandlers;
  beforeAll(async () => {
    // JST_BASE_URL is the host alone, not the …/api/open/query.aspx URL.
    process.env.JST_BASE_URL = world().sandbox.url;
    jobs = await loadJobHandlers();
  });

  it('runs the three jobs, refreshing the token once a day and when the ERP reports it expired (code 170)', async () => {
    const { sandbox } = world();
    for (const job of ['inventory', 'orders', 'shipping'] as const) expect(await jobs[job](scheduled, lambdaContext())).toMatchObject({ complete: true });
    // The first run had no record of a refresh: it called refresh.token and recorded the time.
    const first = await storedSecret();
    expect(first).toMatchObject({ ...sandbox.credentials.legacy, tokenRefreshedAt: expect.any(String) });
    sandbox.expireLegacyToken();
    for (const job of ['shipping', 'orders', 'inventory'] as const) expect(await jobs[job](scheduled, lambdaContext())).toMatchObject({ complete: true });
    const codes = sandbox
      .calls()
      .filter((c) => c.endpoint === 'refresh.token' || c.code === 170)
      .map((c) => `${c.endpoint}:${c.code}`);
    expect(codes).toEqual(['refresh.token:0', 'logistic.query:170', 'refresh.token:0']);
    expect(Date.parse((await storedSecret()).tokenRefreshedAt!)).toBeGreaterThan(Date.parse(first.tokenRefreshedAt!));
  });
});
