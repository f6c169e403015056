import { SecretsLoader } from '../../shared/config/secrets-loader';
import { durationText, humanTime } from '../../shared/domain/human-time';
import type { JstCredentials } from '../../shared/config/secret-shapes';
import type { DbCredentials } from '../../shared/config/secret-shapes';
import type { JobName } from '../../shared/domain/job-request';
import { FecjstError } from '../../shared/errors';
import { createStorePool } from '../../shared/fecmall/store-pool';
import type { RunSummary } from '../../shared/runtime/run-summary';
import { RunHistory } from '../../shared/state/run-history';
import { checkErpShop } from './checks/erp-shop-check';
import { blocker, findingLines, ok, warning, type Finding } from './checks/finding';
import { checkSkuSample, SKU_SAMPLE_SIZE } from './checks/sku-sample-check';
import { parseSkuTransform, SkuMapping, SkuTransform } from '../../shared/domain/sku-mapping';
import { SkuMapStore } from '../../shared/state/sku-map';
import { checkStore } from './checks/store-check';
import { JOBS, type OpsIo, type OpsTarget, type StageSetup } from './ops-target';

/** Doctor found at least one blocker (exit code 1); the findings say what to fix. */
export class DoctorFoundBlockersError extends FecjstError {
  constructor(readonly findings: readonly Finding[]) {
    const blockers = findings.filter((f) => f.severity === 'blocker').map((f) => f.check);
    super('DOCTOR_BLOCKERS', `doctor found ${blockers.length} blocker(s): ${blockers.join(', ')} (see the fixes above)`, { blockers });
  }
}

/** How often each job runs by default (serverless.yml params.default): a success older than 3 intervals is stale. */
const DEFAULT_INTERVAL_MS: Record<JobName, number> = { syncInventory: 15 * 60_000, pushOrders: 10 * 60_000, syncShipping: 30 * 60_000 };

/** The access token expires within this long: worth a warning (the keeper renews it on first refusal, §11). */
const TOKEN_SOON_MS = 3 * 86_400_000;
/** The legacy token lives about a year from its last refresh.token (docs/erp-api.md §1.6 [C1]). */
const LEGACY_TOKEN_LIFETIME_MS = 365 * 86_400_000;

/**
 * `ops doctor`: the checks of connect, read-only (secrets, ERP shop, store database), plus the deployed
 * functions' configuration against the stage's parameters, the schedules, the ERP token's expiry, the
 * callback address, a store SKU sample looked up in the ERP and the time since each job's last
 * successful run (docs/design.md §16). Writes nothing. Returns the findings; the CLI exits 1 on a blocker.
 */
export async function doctorCommand(target: OpsTarget, io: OpsIo, loader = new SecretsLoader({ maxAgeSeconds: 0 })): Promise<Finding[]> {
  const setup: StageSetup = target.setup ?? { secretIds: { jst: `fecjst/${target.stage}/jst`, db: `fecjst/${target.stage}/db` } };
  const findings: Finding[] = [];
  findings.push(...(await deployedFunctions(setup)));
  findings.push(...(await schedules(setup)));

  const jst = await readSecret('secret.jst', setup.secretIds.jst, () => loader.loadJstCredentials(setup.secretIds.jst, { forceRefresh: true }), findings);
  const db = await readSecret('secret.db', setup.secretIds.db, () => loader.loadDbCredentials(setup.secretIds.db, { forceRefresh: true }), findings);
  if (jst) findings.push(tokenExpiry(jst, target.clock.now()));

  let erp: Awaited<ReturnType<NonNullable<OpsTarget['erp']>>> | undefined;
  let erpWorks = false;
  if (jst && target.erp) {
    erp = await target.erp();
    const shopFindings = await checkErpShop(erp, await target.shopId());
    erpWorks = !shopFindings.some((f) => f.check === 'erp.credentials' && f.severity === 'blocker');
    findings.push(...shopFindings);
  }
  let storeWorks = false;
  if (db) {
    const storeFindings = await checkStore(db);
    storeWorks = !storeFindings.some((f) => (f.check === 'store.connect' || f.check === 'store.schema') && f.severity === 'blocker');
    findings.push(...storeFindings);
  }
  if (erp && erpWorks && db && storeWorks) findings.push(await skuSample(db, erp, target));
  findings.push(callbackAddress(setup));
  findings.push(...(await lastSuccesses(target)));

  io.out(`doctor --stage ${target.stage}`);
  for (const line of findingLines(findings)) io.out(line);
  return findings;
}

async function readSecret<T>(check: string, id: string, load: () => Promise<T>, findings: Finding[]): Promise<T | undefined> {
  try {
    const value = await load();
    findings.push(ok(check, `${id} readable and of the documented shape`));
    return value;
  } catch (error) {
    const message = (error as Error).message;
    findings.push(blocker(check, `${id}: ${message}`, 'run npm run ops -- connect --stage <stage> (it checks the values, then writes the secret)'));
    return undefined;
  }
}

/** The ERP token's expiry: open `expiresAt` (written by the token keeper and connect), legacy `tokenRefreshedAt`. */
export function tokenExpiry(jst: JstCredentials, nowMs: number): Finding {
  if (jst.generation === 'open') {
    if (!jst.expiresAt)
      return warning(
        'erp.tokenExpiry',
        "the ERP secret has no expiresAt: the access token's expiry is unknown",
        'run ops connect again (getInitToken records the expiry), or leave it: the first refusal makes the functions refresh',
      );
    const left = Date.parse(jst.expiresAt) - nowMs;
    if (left <= 0)
      return warning(
        'erp.tokenExpiry',
        `the access token expired ${durationText(-left)} ago`,
        'the next run refreshes it with the refresh token; if that is refused, run ops connect again',
      );
    if (left < TOKEN_SOON_MS)
      return warning(
        'erp.tokenExpiry',
        `the access token expires in ${durationText(left)}`,
        'nothing to do if the functions run: they refresh it when the ERP refuses it',
      );
    return ok('erp.tokenExpiry', `the access token expires in ${durationText(left)}`);
  }
  if (!jst.tokenRefreshedAt) return ok('erp.tokenExpiry', 'legacy token: no refresh.token recorded yet (the functions call it and record tokenRefreshedAt)');
  const left = Date.parse(jst.tokenRefreshedAt) + LEGACY_TOKEN_LIFETIME_MS - nowMs;
  if (left < 30 * 86_400_000)
    return warning(
      'erp.tokenExpiry',
      `the legacy token was last refreshed ${humanTime(jst.tokenRefreshedAt, nowMs)}`,
      'check that the functions run (they call refresh.token); otherwise ask the ERP for a new token and run ops connect',
    );
  return ok('erp.tokenExpiry', `legacy token refreshed ${humanTime(jst.tokenRefreshedAt, nowMs)}`);
}

async function skuSample(db: DbCredentials, erp: Parameters<typeof checkSkuSample>[1], target: OpsTarget): Promise<Finding> {
  const pool = createStorePool(db, { connectionLimit: 1, connectTimeoutMs: 5000 });
  try {
    // The store SKUs as the jobs ask for them: through the SKU mapping (docs/design.md §19).
    const spec = await target.skuTransform?.();
    const transform = spec ? parseSkuTransform(spec) : undefined;
    const mapping = await new SkuMapStore(target.doc, target.table, transform instanceof SkuTransform ? { transform } : {})
      .mapping()
      // Before the first deploy there is no state table yet, hence no table rows: the transform alone.
      .catch((error: Error) => {
        if (error.name === 'ResourceNotFoundException') return new SkuMapping([], transform instanceof SkuTransform ? transform : undefined);
        throw error;
      });
    return await checkSkuSample(pool, erp, SKU_SAMPLE_SIZE, mapping);
  } catch (error) {
    return warning(
      'erp.skuSample',
      `the SKU sample could not be looked up: ${(error as Error).message}`,
      'run doctor again; if it persists, see the erp.credentials finding',
    );
  } finally {
    await pool.end().catch(() => undefined);
  }
}

/** Each function deployed, with the environment the stage's parameters give it. */
export async function deployedFunctions(setup: StageSetup): Promise<Finding[]> {
  if (!setup.deployedFunction) return [ok('functions', 'local stack: the jobs run as local processes (nothing deployed to compare)')];
  const expected = setup.expectedEnvironment?.() ?? {};
  const findings: Finding[] = [];
  for (const job of JOBS) {
    const fn = await setup.deployedFunction(job);
    if (!fn) {
      findings.push(blocker(`functions.${job}`, `${job} is not deployed`, 'npx serverless deploy --stage <stage>'));
      continue;
    }
    const differences = Object.entries(expected).filter(([name, value]) => (fn.environment[name] ?? '') !== value);
    if (differences.length === 0) {
      findings.push(ok(`functions.${job}`, `deployed; ${Object.keys(expected).join(', ') || 'environment'} as the stage's parameters say`));
      continue;
    }
    const list = differences.map(([name, value]) => `${name} is "${fn.environment[name] ?? ''}", the stage's parameters say "${value}"`).join('; ');
    const severe = differences.some(([name]) => name === 'JST_SHOP_ID' || name.endsWith('_SECRET_ID'));
    const fix = 'deploy again (npx serverless deploy --stage <stage>) so the functions get the values of serverless.yml params.<stage>';
    findings.push(severe ? blocker(`functions.${job}`, list, fix) : warning(`functions.${job}`, list, fix));
  }
  return findings;
}

export async function schedules(setup: StageSetup): Promise<Finding[]> {
  if (!setup.scheduleStates) return [ok('schedules', 'local stack: no schedules (runs start with ops replay or npm run demo)')];
  const findings: Finding[] = [];
  for (const job of JOBS) {
    const states = await setup.scheduleStates(job);
    const on = states.filter((s) => s.enabled).map((s) => s.name);
    const off = states.filter((s) => !s.enabled).map((s) => s.name);
    if (states.length === 0)
      findings.push(warning(`schedules.${job}`, `no schedule starts ${job}`, 'deploy again; check the *Enabled parameters of the stage'));
    else if (on.length === 0)
      findings.push(
        warning(
          `schedules.${job}`,
          `every schedule of ${job} is off (${off.join(', ')})`,
          `npm run ops -- resume ${job} --stage <stage> once the dry runs look right`,
        ),
      );
    else findings.push(ok(`schedules.${job}`, `on: ${on.join(', ')}${off.length ? `; off: ${off.join(', ')}` : ''}`));
  }
  return findings;
}

/** ERP pushes (jst-push) need a callback address registered with the ERP app; fecjst polls until they exist. */
function callbackAddress(_setup: StageSetup): Finding {
  return warning(
    'erp.callback',
    'ERP pushes not set up: fecjst polls the ERP on its schedules (no callback address registered)',
    'nothing to do today; when pushes exist, register the function URL as the app\'s callback address (README "Connect your shop")',
  );
}

/** The time since each job's last successful run (not dry, not skipped, no error) in run history. */
async function lastSuccesses(target: OpsTarget): Promise<Finding[]> {
  const history = new RunHistory(target.doc, target.table, 30);
  const now = target.clock.now();
  const findings: Finding[] = [];
  for (const job of JOBS) {
    const records = await history.latestRecords<RunSummary>(job, 50);
    const success = records.find((r) => !r.summary.error && !r.summary.skipped && !r.summary.dryRun);
    if (!success) {
      findings.push(
        warning(
          `runs.${job}`,
          `${job} has no successful run in the last ${records.length} run(s)`,
          `start with a dry run: npm run ops -- replay ${job} --stage <stage> --data '{"dryRun":true}'`,
        ),
      );
      continue;
    }
    const since = now - Date.parse(success.startedAt);
    const stale = since > 3 * DEFAULT_INTERVAL_MS[job];
    const message = `last successful run ${durationText(since)} ago`;
    findings.push(
      stale
        ? warning(`runs.${job}`, message, `npm run ops -- status ${job} --stage <stage> (paused? failing? see runs and the alarms)`)
        : ok(`runs.${job}`, message),
    );
  }
  return findings;
}
