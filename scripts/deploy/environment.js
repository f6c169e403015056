// The functions' environment (serverless.yml provider.environment): every variable of the schema in
// shared/config/environment.ts, each settable as a deploy parameter `--param="<name>=<value>"`.
// A parameter left empty leaves the variable empty, which the schema treats as unset (its default
// applies). The parameter name is the variable in camelCase (ORDER_HORIZON_DAYS → orderHorizonDays;
// JST_BUDGET_PER_MINUTE → budgetPerMinute), except the historical names below. `jstShopId` is required to package or deploy
// (scripts/deploy/shop-number-check.js); other commands resolve without it.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

/** Variables set by the template itself, not by a parameter. */
const FIXED = new Set(['STATE_TABLE']);
/** Historical parameter names (a function's own `environment:` in serverless.yml may override these). */
const PARAM_NAMES = { JST_RATE_PER_SECOND: 'ratePerSecond', JST_RATE_PER_MINUTE: 'ratePerMinute' };

/** The variable names of the zod schema, read from its source (one `NAME:` line per variable). */
function schemaVariables() {
  const source = readFileSync(join(__dirname, '..', '..', 'shared', 'config', 'environment.ts'), 'utf8');
  const start = source.indexOf('const environmentSchema = z.object({');
  const end = source.indexOf('\n});', start);
  if (start < 0 || end < 0) throw new Error('scripts/deploy/environment.js: cannot find environmentSchema in shared/config/environment.ts');
  return [...source.slice(start, end).matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]);
}

function paramName(variable) {
  // The account budget's parameters drop the JST_ prefix (JST_BUDGET_PER_MINUTE → budgetPerMinute).
  const name = variable.startsWith('JST_BUDGET') ? variable.slice('JST_'.length) : variable;
  return PARAM_NAMES[variable] ?? name.toLowerCase().replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
}

async function optionalParam(resolveVariable, name) {
  // The fallback makes an undeclared parameter empty; errors (such as "not resolvable yet" in the
  // framework's first resolution phase) propagate so the framework resolves this file again later.
  const value = await resolveVariable(`param:${name}, ''`);
  return value === undefined || value === null ? '' : String(value);
}

module.exports = async ({ resolveVariable }) => {
  const environment = {};
  for (const variable of schemaVariables()) {
    if (FIXED.has(variable)) continue;
    environment[variable] = await optionalParam(resolveVariable, paramName(variable));
  }
  environment.STATE_TABLE = await resolveVariable('self:custom.stateTableName');
  environment.POWERTOOLS_METRICS_NAMESPACE = 'Fecjst';
  return environment;
};

/**
 * Throws unless `value` is an ERP shop number. Checked by scripts/deploy/shop-number-check.js when
 * packaging or deploying only: `invoke`, `logs`, `info` and `remove` resolve this file too and need none.
 */
function requireShopId(value) {
  const shopId = String(value ?? '').trim();
  if (!/^[1-9]\d*$/.test(shopId)) {
    throw new Error(
      `jstShopId is required: the ERP shop number (店铺编号) orders are uploaded to; set it for the stage in serverless.yml params.<stage>.jstShopId or with --param="jstShopId=12345"${shopId ? ` (got "${shopId}")` : ''}`,
    );
  }
  return shopId;
}

module.exports.requireShopId = requireShopId;
module.exports.schemaVariables = schemaVariables;
module.exports.paramName = paramName;
