import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENT_VARIABLES } from '../../../shared/config/environment';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { schemaVariables, paramName } = require('../../../scripts/deploy/environment.js') as { schemaVariables(): string[]; paramName(v: string): string };

describe('configuration: one README table, one deploy parameter per variable', () => {
  const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('Other deploy parameters'));
  const rows = new Map([...table.matchAll(/^\| `([A-Z0-9_]+)` \| ([^|]+) \|/gm)].map((m) => [m[1]!, m[2]!.trim()]));

  it('the deploy template reads the same variables as the schema', () => {
    expect(schemaVariables()).toEqual([...ENVIRONMENT_VARIABLES]);
  });

  it.each([...ENVIRONMENT_VARIABLES])('documents %s with its deploy parameter', (variable) => {
    expect(rows.has(variable)).toBe(true);
    const documented = rows.get(variable)!;
    if (variable !== 'STATE_TABLE') expect(documented).toBe(`\`${paramName(variable)}\``);
  });
});
