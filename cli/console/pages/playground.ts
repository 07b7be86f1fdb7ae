// The mapping playground: `relay map` in the browser. A source of the stack's configuration or a preset, a
// webhook body (pasted, or a recent one from the archive), and the source's mapping as JSON beside it; each
// submit maps the webhook with the edited mapping (cli/commands/map.ts's mapWebhook: ingest's reading, hydrate's
// use case, deliver's request builders) and shows the Klaviyo requests, or why it would send none. Source APIs
// are called live, or answered from a folder of recorded responses (cli/recorded-responses.ts). A mapping that
// does not validate shows the configuration's error; "copy as configuration" gives the source entry.
// Over 250 lines: the form's markup (the formatter gives each element its line) beside the edit-and-map step.
import { ConfigError, parseRelayConfig } from '../../../functions/shared/config/relay-config.ts';
import { PRESET_NAMES } from '../../../functions/shared/config/presets/index.ts';
import { isPlainObject } from '../../../functions/shared/json/is-plain-object.ts';
import type { RelayStack } from '../../../operations/relay-stack.ts';
import { archiveObjects, readArchiveObject } from '../../archive-reader.ts';
import { describeSkip, mapWebhook, type MapResult } from '../../commands/map.ts';
import { presetDocument } from '../../map/map-config.ts';
import { archiveOf } from '../../replay-archive.ts';
import { textField } from '../form-fields.ts';
import { html, page, type SafeHtml } from '../html.ts';
import type { ConsoleContext, ConsoleRequest, ConsoleResponse, ConsoleRoute } from '../route.ts';
import { stackDocument, stackSources } from '../stack-config.ts';

/** How far back and how many archived webhooks the "recent" list offers. */
const RECENT_HOURS = 24;
const RECENT_OBJECTS = 5;
const RECENT_WEBHOOKS = 20;

interface PlaygroundForm {
  /** `source:<name>` (the stack's configuration) or `preset:<name>`. */
  choice: string;
  body: string;
  /** An archived webhook, `<archive key>|<correlation id>`: used instead of `body`. */
  recent?: string;
  headers: string;
  eventType?: string;
  deliveryId?: string;
  responses?: string;
  mapping: string;
}

/** The document a choice maps with, as written (a copy: the playground edits it), and the source's name. */
function documentOf(
  stack: RelayStack,
  choice: string,
): { document: Record<string, unknown>; source: string } {
  const [kind, name = ''] = [choice.slice(0, choice.indexOf(':')), choice.slice(choice.indexOf(':') + 1)];
  if (kind === 'preset') {
    if (!(PRESET_NAMES as readonly string[]).includes(name)) throw new ConfigError(`no preset "${name}"`);
    return { document: presetDocument(name, name), source: name };
  }
  const document = stackDocument(stack);
  if (!document) throw new ConfigError('the stack file carries no configuration document: pick a preset');
  return { document: structuredClone(document), source: name };
}

function sourceEntry(document: Record<string, unknown>, source: string): Record<string, unknown> {
  const sources = isPlainObject(document.sources) ? document.sources : {};
  const entry = Object.hasOwn(sources, source) ? sources[source] : undefined;
  if (!isPlainObject(entry)) throw new ConfigError(`no source "${source}" in the configuration`);
  return entry;
}

/** The mapping a source has as written (a preset's source: none of its own, so `{}` overrides nothing). */
function writtenMapping(stack: RelayStack, choice: string): string {
  try {
    const { document, source } = documentOf(stack, choice);
    return JSON.stringify(sourceEntry(document, source).mapping ?? {}, null, 2);
  } catch {
    return '{}';
  }
}

interface Recent {
  value: string;
  label: string;
}

async function recentWebhooks(stack: RelayStack): Promise<Recent[]> {
  if (!stack.archiveDir && !stack.archiveBucketName) return [];
  const location = archiveOf(stack);
  const now = Date.now();
  const keys = (
    await archiveObjects(location, new Date(now - RECENT_HOURS * 3_600_000), new Date(now))
  ).slice(-RECENT_OBJECTS);
  const recent: Recent[] = [];
  for (const key of keys)
    for (const message of await readArchiveObject(location, key, () => undefined))
      recent.push({
        value: `${key}|${message.correlation_id}`,
        label: `${message.received_at} ${message.correlation_id} (${message.event_type})`,
      });
  return recent.slice(-RECENT_WEBHOOKS).reverse();
}

/** An archived webhook as the form's body, event type and delivery id. */
async function archivedWebhook(stack: RelayStack, recent: string) {
  const bar = recent.indexOf('|');
  const [key, id] = [recent.slice(0, bar), recent.slice(bar + 1)];
  const messages = await readArchiveObject(archiveOf(stack), key, () => undefined);
  const message = messages.find((m) => m.correlation_id === id);
  if (!message) throw new Error(`the archive no longer holds ${id}`);
  return {
    body: JSON.stringify(message.payload, null, 2),
    eventType: message.event_type,
    deliveryId: message.delivery_id,
  };
}

interface Outcome {
  result?: MapResult;
  /** The configuration's or the webhook's problem, as a message (never a stack trace). */
  problem?: string;
  /** The source entry with the edited mapping, for "copy as configuration". */
  entry?: string;
}

async function mapForm(stack: RelayStack, form: PlaygroundForm): Promise<Outcome> {
  const outcome: Outcome = {};
  try {
    const { document, source } = documentOf(stack, form.choice);
    const entry = sourceEntry(document, source);
    let mapping: unknown;
    try {
      mapping = JSON.parse(form.mapping);
    } catch (error) {
      throw new ConfigError(`the mapping is not JSON: ${(error as Error).message}`);
    }
    entry.mapping = mapping;
    outcome.entry = JSON.stringify({ [source]: entry }, null, 2);
    const config = parseRelayConfig(JSON.stringify(document), `source ${source}`);
    outcome.result = await mapWebhook(
      {
        config,
        source,
        rawBody: Buffer.from(form.body, 'utf8'),
        header: form.headers.split('\n').filter((line) => line.trim() !== ''),
        ...(form.eventType !== undefined && { eventType: form.eventType }),
        ...(form.deliveryId !== undefined && { deliveryId: form.deliveryId }),
        ...(form.responses !== undefined && { responses: form.responses }),
      },
      'the webhook body',
    );
  } catch (error) {
    outcome.problem = error instanceof Error ? error.message : String(error);
  }
  return outcome;
}

function resultSection(outcome: Outcome): SafeHtml {
  if (outcome.problem !== undefined)
    return html`<p class="error problem" role="alert">${outcome.problem}</p>`;
  const result = outcome.result;
  if (!result) return html``;
  const nothing = result.requests.length + result.consent.length === 0 && !result.failure;
  return html`<p>${result.source} · ${result.event_type} · ${result.delivery_id}</p>
    ${result.source_calls.map((call) => html`<p class="source-call">Source API: ${call.method} ${call.url} ← ${call.file}</p>`)}
    ${result.failure ? html`<p class="error failure" role="alert">Would dead-letter: ${result.failure.reason}: ${result.failure.message}</p>` : ''}
    ${
      result.skipped.length > 0
        ? html`<ul class="skipped">
            ${result.skipped.map((skip) => html`<li>Skipped: ${describeSkip(skip)}</li>`)}
          </ul>`
        : ''
    }
    ${result.dropped_properties.length > 0 ? html`<p>Dropped properties: ${result.dropped_properties.join(', ')}</p>` : ''}
    ${result.requests.map(
      (request) =>
        html`<h3 class="request">${request.method} ${request.path}</h3>
          <pre class="request-body">${JSON.stringify(request.body, null, 2)}</pre>`,
    )}
    ${result.consent.map((write) => html`<p class="consent">Consent: ${write.channel} ${write.consent} as of ${write.as_of}</p>`)}
    ${nothing ? html`<p class="nothing">Nothing would be sent.</p>` : ''}`;
}

async function playgroundPage(
  context: ConsoleContext,
  form: PlaygroundForm,
  outcome: Outcome | undefined,
): Promise<ConsoleResponse> {
  const stack = await context.stack();
  const sources = stackSources(stack);
  let recent: Recent[] = [];
  try {
    recent = await recentWebhooks(stack);
  } catch {
    // An archive that cannot be read only leaves the list empty.
  }
  const option = (value: string, label: string) =>
    html`<option value="${value}" ${value === form.choice ? html` selected` : ''}>${label}</option>`;
  return {
    ...(outcome?.problem !== undefined && { status: 422 }),
    ...page(
      'Mapping playground',
      html`<form method="post" action="/playground" class="playground">
          <div class="playground-input">
            <p>
              <label for="pg-choice">Source</label>
              <select id="pg-choice" name="choice">
                ${sources.length > 0 ? html`<optgroup label="This stack's sources">${sources.map((name) => option(`source:${name}`, name))}</optgroup>` : ''}
                <optgroup label="Presets">
                  ${PRESET_NAMES.map((name) => option(`preset:${name}`, `${name} (preset)`))}
                </optgroup>
              </select>
              <button type="submit" name="action" value="load">Load its mapping</button>
            </p>
            <p>
              <label for="pg-body">Webhook body (JSON)</label><br />
              <textarea id="pg-body" name="body" rows="12" cols="60">${form.body}</textarea>
            </p>
            ${
              recent.length > 0
                ? html`<p>
                    <label for="pg-recent">Or a recent webhook from the archive</label>
                    <select id="pg-recent" name="recent">
                      <option value="">(the body above)</option>
                      ${recent.map(
                        (r) =>
                          html`<option value="${r.value}" ${r.value === form.recent ? html` selected` : ''}>
                            ${r.label}
                          </option>`,
                      )}
                    </select>
                  </p>`
                : ''
            }
            <p>
              <label for="pg-headers">Headers the sender sends (name:value, one a line)</label><br />
              <textarea id="pg-headers" name="headers" rows="3" cols="60">${form.headers}</textarea>
            </p>
            <p>
              <label for="pg-event-type">Event type</label>
              <input id="pg-event-type" name="event_type" value="${form.eventType ?? ''}" />
              <label for="pg-delivery-id">Delivery id</label>
              <input id="pg-delivery-id" name="delivery_id" value="${form.deliveryId ?? ''}" />
            </p>
            <p>
              <label for="pg-responses">Recorded responses folder</label>
              <input
                id="pg-responses"
                name="responses"
                value="${form.responses ?? ''}"
                placeholder="empty: call source APIs live"
              />
            </p>
          </div>
          <div class="playground-mapping">
            <p>
              <label for="pg-mapping"
                >Mapping (JSON; a preset's source overrides the preset's field by field)</label
              ><br />
              <textarea id="pg-mapping" name="mapping" rows="20" cols="60">${form.mapping}</textarea>
            </p>
            <button type="submit" name="action" value="map">Map</button>
          </div>
        </form>
        <section aria-labelledby="pg-result" aria-live="polite">
          <h2 id="pg-result">Result</h2>
          ${outcome ? resultSection(outcome) : html`<p>Map a webhook to see the Klaviyo requests it would produce.</p>`}
        </section>
        ${
          outcome?.entry !== undefined
            ? html`<section aria-labelledby="pg-copy">
                <h2 id="pg-copy">Copy as configuration</h2>
                <p>
                  The source's entry with the edited mapping, for the <code>sources</code> of your
                  configuration:
                </p>
                <textarea
                  id="pg-entry"
                  class="copy-as-configuration"
                  readonly
                  rows="14"
                  cols="60"
                  aria-labelledby="pg-copy"
                >
${outcome.entry}</textarea>
              </section>`
            : ''
        }`,
    ),
  };
}

function formOf(body: unknown): PlaygroundForm {
  const optional = (name: string, key: keyof PlaygroundForm) => {
    const value = textField(body, name);
    return value === undefined ? {} : { [key]: value };
  };
  return {
    choice: textField(body, 'choice') ?? `preset:${PRESET_NAMES[0]}`,
    body: textField(body, 'body') ?? '',
    headers: textField(body, 'headers') ?? '',
    mapping: textField(body, 'mapping') ?? '{}',
    ...optional('recent', 'recent'),
    ...optional('event_type', 'eventType'),
    ...optional('delivery_id', 'deliveryId'),
    ...optional('responses', 'responses'),
  };
}

async function getPlayground(request: ConsoleRequest, context: ConsoleContext): Promise<ConsoleResponse> {
  const stack = await context.stack();
  const first = stackSources(stack)[0];
  const choice =
    request.query.get('choice') ?? (first !== undefined ? `source:${first}` : `preset:${PRESET_NAMES[0]}`);
  return playgroundPage(
    context,
    { choice, body: '', headers: '', mapping: writtenMapping(stack, choice) },
    undefined,
  );
}

async function postPlayground(request: ConsoleRequest, context: ConsoleContext): Promise<ConsoleResponse> {
  const stack = await context.stack();
  let form = formOf(request.body);
  if (textField(request.body, 'action') === 'load')
    return playgroundPage(context, { ...form, mapping: writtenMapping(stack, form.choice) }, undefined);
  if (form.recent !== undefined) {
    try {
      form = { ...form, ...(await archivedWebhook(stack, form.recent)) };
    } catch (error) {
      return playgroundPage(context, form, { problem: (error as Error).message });
    }
  }
  return playgroundPage(context, form, await mapForm(stack, form));
}

export const routes: ConsoleRoute[] = [
  { method: 'GET', pattern: '/playground', handle: getPlayground },
  { method: 'POST', pattern: '/playground', handle: postPlayground },
];
