import { MAIN_WAREHOUSE_ID } from '../../../dev/jst-sandbox/sandbox-state';
import { createJstClient } from '../../../shared/jst/client';
import { warehousesCommand } from '../../../scripts/ops/warehouses-command';
import { OpsUsageError } from '../../../scripts/ops/ops-target';
import { sandboxCredentials, useJstSandbox } from '../../support/jst-sandbox';

describe('npm run ops -- warehouses (#24)', () => {
  const sandbox = useJstSandbox();
  const lines: string[] = [];
  const io = { out: (line: string) => void lines.push(line), confirm: () => Promise.resolve(false) };
  const erp = async () => createJstClient({ ...sandboxCredentials(sandbox(), 'open'), rateLimit: { perSecond: 50, perMinute: 3000 }, retryBaseMs: 1 });

  it("lists the ERP's warehouses with id, name and which one is main", async () => {
    sandbox().state.warehouses.set(7, { name: '3PL Ningbo', isMain: false });
    lines.length = 0;
    const listed = await warehousesCommand({ stage: 'test', erp }, io);
    expect(listed.map((w) => w.wms_co_id)).toEqual([MAIN_WAREHOUSE_ID, 7]);
    expect(lines[0]).toMatch(/^2 warehouse\(s\) in the ERP/);
    expect(lines[1]).toMatch(new RegExp(`^\\s+${MAIN_WAREHOUSE_ID}\\s+main\\s+主仓`));
    expect(lines[2]).toMatch(/^\s+7\s+3PL Ningbo/);
    expect(lines[2]).not.toMatch(/main/);
  });

  it('says when no warehouse is flagged main (STOCK_WAREHOUSES=main would fail)', async () => {
    sandbox().state.warehouses.get(MAIN_WAREHOUSE_ID)!.isMain = false;
    lines.length = 0;
    await warehousesCommand({ stage: 'test', erp }, io);
    expect(lines.at(-1)).toMatch(/no warehouse is flagged as main/);
  });

  it('a target without ERP access is a usage error', async () => {
    await expect(warehousesCommand({ stage: 'test' }, io)).rejects.toBeInstanceOf(OpsUsageError);
  });
});
