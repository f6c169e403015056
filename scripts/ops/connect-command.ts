import type { JstCredentials } from '../../shared/config/secret-shapes';
import { createJstClient } from '../../shared/jst/client';
import { requestInitialTokens } from '../../shared/jst/initial-tokens';
import { memoryTokenStore } from '../../shared/jst/token-keeper';
import type { TransportOptions } from '../../shared/jst/transport';
import { FecjstError } from '../../shared/errors';
import { checkErpShop, erpRefusal } from './checks/erp-shop-check';
import { findingLines, hasBlocker, type Finding } from './checks/finding';
import { checkStore } from './checks/store-check';
import type { ConnectInput } from './connect-input';
import type { OpsIo } from './ops-target';
import type { SecretWriter } from './secret-writer';

/** A setup check found a blocker: nothing was written. The findings say what to fix. */
export class SetupBlockedError extends FecjstError {
  constructor(
    readonly findings: readonly Finding[],
    what: string,
  ) {
    super(
      'SETUP_BLOCKED',
      `${what}: ${findings
        .filter((f) => f.severity === 'blocker')
        .map((f) => f.check)
        .join(', ')} (see the fixes above)`,
      {
        blockers: findings.filter((f) => f.severity === 'blocker').map((f) => f.check),
      },
    );
  }
}

/** Where connect writes and what it checks against. */
export interface ConnectTarget {
  stage: string;
  secretIds: { jst: string; db: string };
  shopId: number;
  /** JST_BASE_URL of the stage; absent: the production URL of the generation. */
  erpBaseUrl?: string;
  secrets: SecretWriter;
  /** ERP transport settings (tests: faster retries); the credentials come from the input. */
  erpOptions?: Omit<TransportOptions, 'credentials' | 'tokenStore' | 'baseUrl'>;
}

/**
 * `ops connect`: checks the ERP credentials (getInitToken first for an open-platform app given without
 * tokens) and the store database, each with one cheap read, and only if nothing blocks writes the ERP
 * secret and the database secret (docs/design.md §9, §16). Warnings (the shop type cannot be verified)
 * need a confirmation or --yes. No secret value is printed.
 */
export async function connectCommand(
  target: ConnectTarget,
  io: OpsIo,
  input: ConnectInput,
  options: { yes: boolean },
): Promise<{ findings: Finding[]; written: string[] }> {
  const findings: Finding[] = [];
  const jst = await erpCredentials(target, input, findings);
  let checked: JstCredentials | undefined;
  if (jst) {
    const tokens = memoryTokenStore(jst, 'the ERP credentials being connected');
    const erp = createJstClient({ ...target.erpOptions, credentials: jst, baseUrl: target.erpBaseUrl, tokenStore: tokens });
    findings.push(...(await checkErpShop(erp, target.shopId)));
    // A refresh during the check (an expired access token) issued a new pair: that one is written.
    checked = tokens.current().credentials;
  }
  findings.push(...(await checkStore(input.db)));
  io.out(`connect --stage ${target.stage}: shop ${target.shopId}`);
  for (const line of findingLines(findings)) io.out(line);
  if (hasBlocker(findings) || !checked) throw new SetupBlockedError(findings, 'nothing written');
  const warnings = findings.filter((f) => f.severity === 'warning');
  if (
    warnings.length > 0 &&
    !options.yes &&
    !(await io.confirm(`${warnings.length} warning(s) above. Write the secrets ${target.secretIds.jst} and ${target.secretIds.db} anyway?`))
  ) {
    io.out('nothing written');
    return { findings, written: [] };
  }
  const { generation: _generation, ...jstSecret } = checked;
  const written: string[] = [];
  for (const [id, value] of [
    [target.secretIds.jst, jstSecret],
    [target.secretIds.db, input.db],
  ] as const) {
    const outcome = await target.secrets.write(id, value as Record<string, unknown>);
    written.push(id);
    io.out(`${outcome} secret ${id}`);
  }
  io.out(`next: npm run ops -- doctor --stage ${target.stage}`);
  return { findings, written };
}

/** The ERP secret to check: as given, or (open platform without tokens) with the pair getInitToken issues. */
async function erpCredentials(target: ConnectTarget, input: ConnectInput, findings: Finding[]): Promise<JstCredentials | undefined> {
  const jst = input.jst;
  if ('partnerId' in jst) return { generation: 'legacy', ...jst };
  if (jst.accessToken && jst.refreshToken)
    return { generation: 'open', appKey: jst.appKey, appSecret: jst.appSecret, accessToken: jst.accessToken, refreshToken: jst.refreshToken };
  try {
    const tokens = await requestInitialTokens({ appKey: jst.appKey, appSecret: jst.appSecret }, { ...target.erpOptions, baseUrl: target.erpBaseUrl });
    return { generation: 'open', appKey: jst.appKey, appSecret: jst.appSecret, ...tokens };
  } catch (error) {
    const refusal = erpRefusal('open', error);
    findings.push({ ...refusal, check: 'erp.getInitToken', message: refusal.message.replace('the shop query', 'getInitToken') });
    return undefined;
  }
}
