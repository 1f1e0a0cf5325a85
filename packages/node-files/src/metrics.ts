/** Counters and gauges rendered in OpenMetrics text (application/openmetrics-text). */

type Labels = Readonly<Record<string, string>>;

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}

interface Family {
  readonly type: 'counter' | 'gauge';
  readonly help: string;
  readonly values: Map<string, { labels: Labels; value: number }>;
  readonly read?: () => number;
}

export class Metrics {
  private readonly families = new Map<string, Family>();

  counter(name: string, help: string): (amount?: number, labels?: Labels) => void {
    const family: Family = { type: 'counter', help, values: new Map() };
    this.families.set(name, family);
    return (amount = 1, labels = {}) => {
      const key = labelText(labels);
      const entry = family.values.get(key) ?? { labels, value: 0 };
      entry.value += amount;
      family.values.set(key, entry);
    };
  }

  /** A gauge read when scraped. */
  gauge(name: string, help: string, read: () => number): void {
    this.families.set(name, { type: 'gauge', help, values: new Map(), read });
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, f] of this.families) {
      lines.push(`# TYPE ${name} ${f.type}`, `# HELP ${name} ${f.help}`);
      if (f.read !== undefined) lines.push(`${name} ${f.read()}`);
      // A counter nothing has counted yet is 0, not absent: a scraper can tell "none" from "not exported".
      if (f.type === 'counter' && f.values.size === 0) lines.push(`${name}_total 0`);
      for (const { labels, value } of f.values.values()) lines.push(`${name}${f.type === 'counter' ? '_total' : ''}${labelText(labels)} ${value}`);
    }
    lines.push('# EOF');
    return `${lines.join('\n')}\n`;
  }
}
