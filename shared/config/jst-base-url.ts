import { ConfigError } from './config-error';

/**
 * JST_BASE_URL: where the ERP is. The generation comes from the ERP secret, so the form is checked
 * when the environment is loaded and resolved once the secret is read (docs/erp-api.md §1.1, §2.1):
 * - legacy partner API: the host (`https://open.erp321.com`, `https://c.jushuitan.com`) or the full
 *   query URL (`…/api/open/query.aspx`); every method is POSTed to that one URL;
 * - open platform: the base (`https://openapi.jushuitan.com`), with or without a trailing slash; each
 *   API is its own path under it.
 */
export const JST_PRODUCTION_BASE_URLS = {
  legacy: 'https://open.erp321.com/api/open/query.aspx',
  open: 'https://openapi.jushuitan.com',
} as const;

export type ErpGeneration = keyof typeof JST_PRODUCTION_BASE_URLS;

const LEGACY_PATH = '/api/open/query.aspx';

export const JST_BASE_URL_FORMS =
  'legacy partner API: the host (https://open.erp321.com) or the full query URL (https://open.erp321.com/api/open/query.aspx); ' +
  'open platform: the base URL (https://openapi.jushuitan.com), with or without a trailing slash';

interface ParsedBaseUrl {
  origin: string;
  /** The path without trailing slashes: '' (a host or base) or the legacy query path. */
  path: '' | typeof LEGACY_PATH;
}

/** Why `raw` is not one of the accepted forms (for the environment schema), or undefined when it is. */
export function jstBaseUrlProblem(raw: string): string | undefined {
  const parsed = parse(raw);
  return typeof parsed === 'string' ? parsed : undefined;
}

/**
 * The URL the transport posts to: the legacy query URL, or the open-platform base without a trailing
 * slash. Unset: the production URL of the generation. A form the generation cannot use is a
 * ConfigError naming JST_BASE_URL and the expected forms.
 */
export function resolveJstBaseUrl(raw: string | undefined, generation: ErpGeneration): string {
  if (raw === undefined || raw.trim() === '') return JST_PRODUCTION_BASE_URLS[generation];
  const parsed = parse(raw);
  if (typeof parsed === 'string') throw invalid(parsed);
  if (generation === 'legacy') return `${parsed.origin}${LEGACY_PATH}`;
  if (parsed.path !== '') throw invalid(`the ERP secret holds open-platform credentials, but ${LEGACY_PATH} addresses the legacy partner API`);
  return parsed.origin;
}

function parse(raw: string): ParsedBaseUrl | string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'expected an http(s) URL';
  if (url.search || url.hash || raw.includes('?') || raw.includes('#')) return 'must not carry a query string or fragment';
  if (url.username || url.password) return 'must not carry credentials';
  const path = url.pathname.replace(/\/+$/, '');
  if (path !== '' && path.toLowerCase() !== LEGACY_PATH) return `path ${path} is not accepted`;
  return { origin: url.origin, path: path === '' ? '' : LEGACY_PATH };
}

function invalid(problem: string): ConfigError {
  return new ConfigError('ENV_INVALID', `Invalid environment: JST_BASE_URL: ${problem}; expected for the ${JST_BASE_URL_FORMS}`, { variable: 'JST_BASE_URL' });
}
