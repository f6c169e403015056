/**
 * A small CloudWatch stand-in for the template test: evaluates the template's alarms (plain metric
 * alarms, metric-math alarms with IF/FILL/AND/OR, composite alarms with an actions suppressor) against
 * one scenario of metric values held for every evaluation period, and lists the alarms that would
 * notify the alarm topic. Missing metrics are missing data (each alarm's TreatMissingData applies).
 */
type Resource = { Type: string; Properties?: Record<string, any> };

/** Metric values by `namespace|name|dimension value` (e.g. `AWS/Lambda|Errors|fecjst-ops-pushOrders`). */
export type MetricWorld = Record<string, number>;

export function pagedAlarms(resources: Record<string, Resource>, world: MetricWorld): string[] {
  const states = new Map<string, boolean>();
  const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
  for (const { Properties: p } of alarms) states.set(p!.AlarmName, evaluateAlarm(p!, world));
  const composites = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::CompositeAlarm');
  // Composites may reference composites: evaluate until stable.
  for (let round = 0; round < 3; round++) for (const { Properties: p } of composites) states.set(p!.AlarmName, evaluateRule(p!.AlarmRule, states));
  const paged: string[] = [];
  for (const { Properties: p } of [...alarms, ...composites]) {
    if (!states.get(p!.AlarmName) || p!.ActionsEnabled === false || !(p!.AlarmActions ?? []).length) continue;
    if (p!.ActionsSuppressor && states.get(p!.ActionsSuppressor)) continue;
    paged.push(p!.AlarmName);
  }
  return paged.sort();
}

function value(world: MetricWorld, metric: { Namespace: string; MetricName: string; Dimensions?: Array<{ Value: unknown }> }): number | undefined {
  const dim = metric.Dimensions?.[0]?.Value;
  const key = `${metric.Namespace}|${metric.MetricName}|${typeof dim === 'string' ? dim : 'queue'}`;
  return world[key];
}

function compare(v: number, op: string, threshold: number): boolean {
  switch (op) {
    case 'GreaterThanThreshold':
      return v > threshold;
    case 'GreaterThanOrEqualToThreshold':
      return v >= threshold;
    case 'LessThanThreshold':
      return v < threshold;
    case 'LessThanOrEqualToThreshold':
      return v <= threshold;
    default:
      throw new Error(`unknown operator ${op}`);
  }
}

function evaluateAlarm(p: Record<string, any>, world: MetricWorld): boolean {
  let v: number | undefined;
  if (p.Metrics) {
    const vars: Record<string, number | undefined> = {};
    for (const q of p.Metrics) if (q.MetricStat) vars[q.Id] = value(world, q.MetricStat.Metric);
    const out = p.Metrics.find((q: { ReturnData?: boolean }) => q.ReturnData);
    v = evaluateExpression(out.Expression, vars);
  } else {
    v = value(world, p as { Namespace: string; MetricName: string });
  }
  if (v === undefined) return p.TreatMissingData === 'breaching';
  return compare(v, p.ComparisonOperator, p.Threshold);
}

function evaluateExpression(expression: string, vars: Record<string, number | undefined>): number | undefined {
  const js = expression
    .replace(/FILL\((\w+),\s*(\d+)\)/g, '($1 ?? $2)')
    .replace(/\bIF\(/g, '__if(')
    .replace(/\bAND\b/g, '&&')
    .replace(/\bOR\b/g, '||');
  const names = Object.keys(vars);
  const fn = new Function('__if', ...names, `return ${js};`) as (...args: unknown[]) => number;
  return fn((c: boolean, a: number, b: number) => (c ? a : b), ...names.map((n) => vars[n]));
}

function evaluateRule(rule: string, states: Map<string, boolean>): boolean {
  const js = rule
    .replace(/ALARM\("([^"]+)"\)/g, (_, name: string) => String(states.get(name) ?? false))
    .replace(/\bAND\b/g, '&&')
    .replace(/\bOR\b/g, '||')
    .replace(/\bNOT\b/g, '!');
  return new Function(`return ${js};`)() as boolean;
}
