import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startThreeServices, type ThreeServices } from '../support/product/three-services';

// The Grafana dashboard (deploy/grafana/messenger.json) is only JSON to the test suite,
// and no Grafana runs here. What can drift silently is a query naming a metric no
// service exports (renamed, or never registered): its panel would show "No data"
// forever. So every metric a panel queries must be declared by one of the services.
const DASHBOARD = path.resolve(__dirname, '../../deploy/grafana/messenger.json');

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

function panelQueries(panels: Panel[]): { title: string; expr: string }[] {
  return panels.flatMap((panel) => [
    ...(panel.targets ?? []).flatMap((t) => (t.expr ? [{ title: panel.title ?? '', expr: t.expr }] : [])),
    ...panelQueries(panel.panels ?? []),
  ]);
}

/** `# TYPE <name> <type>` of every metric the text declares, samples or not. */
function declaredMetrics(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => [name!, type!]));
}

let services: ThreeServices;

beforeAll(async () => {
  services = await startThreeServices();
});

afterAll(() => services?.stop());

test('When the dashboard queries a metric, then one of the services declares it (histograms by their _bucket, _sum and _count)', async () => {
  const declared = new Map<string, string>();
  for (const url of [services.messagesUrl, services.streamUrl, services.webUrl]) {
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    for (const [name, type] of declaredMetrics(await response.text())) declared.set(name, type);
  }
  const queries = panelQueries((JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] }).panels);
  expect(queries.length).toBeGreaterThan(10);

  const unknown = queries.flatMap(({ title, expr }) =>
    [...expr.matchAll(/\bmessenger_\w+/g)]
      .map(([name]) => name)
      .filter((name) => {
        if (declared.has(name)) return false;
        const base = name.replace(/_(bucket|sum|count)$/, '');
        return declared.get(base) !== 'histogram';
      })
      .map((name) => `${title}: ${name}`),
  );
  expect(unknown).toEqual([]);
});
