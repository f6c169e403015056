import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The per-stage parameters of serverless.yml (`params.default` overlaid by `params.<stage>`, docs/design.md
 * §9), read from the file's `params:` block: one `key: value` per line, two-space stage keys, four-space
 * values, as the file writes them. Enough for doctor to compare the deployed functions; not a YAML parser.
 */
export function stageParams(stage: string, text = readFileSync(join(__dirname, '..', '..', 'serverless.yml'), 'utf8')): Record<string, string> {
  const blocks = new Map<string, Record<string, string>>();
  let inParams = false;
  let current: Record<string, string> | undefined;
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) {
      inParams = /^params:\s*(#.*)?$/.test(line);
      current = undefined;
      continue;
    }
    if (!inParams) continue;
    const stageKey = /^ {2}([A-Za-z0-9_-]+):\s*(#.*)?$/.exec(line);
    if (stageKey) {
      current = {};
      blocks.set(stageKey[1]!, current);
      continue;
    }
    const entry = /^ {4}([A-Za-z0-9_]+):\s*(.*?)\s*$/.exec(line);
    if (entry && current) current[entry[1]!] = unquote(entry[2]!.replace(/\s+#.*$/, ''));
  }
  const merged = { ...blocks.get('default'), ...blocks.get(stage) };
  return Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, v.replaceAll('${sls:stage}', stage)]));
}

function unquote(value: string): string {
  const m = /^(['"])(.*)\1$/.exec(value);
  return m ? m[2]! : value;
}

/** The variables doctor compares, from the parameters that set them (scripts/deploy/environment.js). */
export function expectedFunctionEnvironment(params: Record<string, string>): Record<string, string> {
  return {
    JST_SHOP_ID: params.jstShopId ?? '',
    JST_SECRET_ID: params.jstSecretId ?? '',
    DB_SECRET_ID: params.dbSecretId ?? '',
    JST_BASE_URL: params.jstBaseUrl ?? '',
  };
}
