import { renderTable } from '../table.js';
import type { KsqlEntity } from './client.js';

/** A ksqlDB entity as people read it; unknown kinds fall back to indented JSON. */
export function renderEntity(e: KsqlEntity): string {
  switch (e['@type']) {
    case 'currentStatus': {
      const s = e['commandStatus'] as { status: string; message: string };
      return `${s.status}: ${s.message}`;
    }
    case 'streams':
    case 'tables': {
      const list = (e['streams'] ?? e['tables']) as { name: string; topic: string; keyFormat?: string; valueFormat?: string; isWindowed?: boolean }[];
      return renderTable(
        ['name', 'topic', 'key format', 'value format', 'windowed'],
        list.map((s) => [s.name, s.topic, s.keyFormat ?? '', s.valueFormat ?? '', String(s.isWindowed ?? false)]),
      );
    }
    case 'queries': {
      const list = e['queries'] as { id: string; state?: string; sinks: string[]; queryType: string }[];
      return renderTable(['query', 'state', 'type', 'sinks'], list.map((q) => [q.id, q.state ?? '', q.queryType, q.sinks.join(', ')]));
    }
    case 'describe_function': {
      const fns = e['functions'] as { arguments: { name: string; type: string }[]; returnType: string }[];
      const lines = [`${String(e['name'])} (${String(e['type'])}), version ${String(e['version'] ?? '?')}`, `  ${String(e['description'] ?? '')}`, `  jar: ${String(e['path'] ?? '?')}`];
      for (const f of fns) lines.push(`  ${String(e['name'])}(${f.arguments.map((a) => `${a.name} ${a.type}`).join(', ')}) → ${f.returnType}`);
      return lines.join('\n');
    }
    default:
      return JSON.stringify(e, null, 2);
  }
}
