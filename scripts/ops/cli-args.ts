import { OpsUsageError } from './ops-target';

/** `a b --flag value --switch`: positionals and flags (`--yes`, `--async` are switches; `--param k=v` repeats). */
export interface CliArgs {
  positional: string[];
  flags: Record<string, string>;
  switches: Set<string>;
  params: Record<string, string>;
}

const SWITCHES = new Set(['yes', 'y', 'dry-run', 'help', 'global', 'replace']);

export function parseCliArgs(argv: readonly string[]): CliArgs {
  const out: CliArgs = { positional: [], flags: {}, switches: new Set(), params: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      out.positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (SWITCHES.has(name)) {
      out.switches.add(name === 'y' ? 'yes' : name);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new OpsUsageError(`--${name} needs a value`);
    if (name === 'param') {
      const [k, v] = value.split(/=(.*)/s, 2);
      if (!k || v === undefined) throw new OpsUsageError(`--param expects name=value, got ${value}`);
      out.params[k] = v;
    } else out.flags[name] = value;
  }
  return out;
}

/** The `--data` JSON object of a manual event. */
export function parseEventData(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new OpsUsageError(`--data is not valid JSON: ${text}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new OpsUsageError('--data must be a JSON object, e.g. {"dryRun":true}');
  return value as Record<string, unknown>;
}
