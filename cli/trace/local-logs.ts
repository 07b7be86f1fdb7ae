// Local mode's log lines for one webhook, from the file local/log-tee.ts writes: the lines whose
// `correlation_id` is the webhook's, or whose `correlation_ids` (ingest, a request with several events) list it.
import { readFile } from 'node:fs/promises';
import { byTime, concerns, jsonFieldsOf, lineOf, type TraceLogLine } from './log-line.ts';

export async function readLocalLogLines(
  file: string,
  correlationId: string,
  since: Date,
): Promise<TraceLogLine[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read local mode's log file ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const lines: TraceLogLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.includes(correlationId)) continue; // most lines are another webhook's: skip the parse
    const fields = jsonFieldsOf(raw); // null: a line cut short when local mode stopped
    if (fields === null || !concerns(fields, correlationId)) continue;
    const time = typeof fields.timestamp === 'string' ? fields.timestamp : '';
    if (time && new Date(time) < since) continue;
    lines.push(lineOf(fields, time));
  }
  return lines.sort(byTime);
}
