// The webhooks' senders: posts every soak webhook to the relay, and a share of them a second time (same body and
// delivery id, signed again: what a sender does when it missed our answer), a few requests at a time. Like the
// real senders, an attempt answered 409 (the first delivery still in progress), 5xx or not at all is retried
// with backoff; a 2xx ends it.
import { setTimeout as sleep } from 'node:timers/promises';
import { signWebhook, type SoakWebhook } from './sources.ts';

/** One request the senders make: a webhook's first delivery or its resend. */
export interface Delivery {
  webhook: SoakWebhook;
  resend: boolean;
}

export interface SendResults {
  /** Webhook numbers answered 2xx (by their first delivery or the resend). */
  accepted: number[];
  /** Final answers by delivery kind and status: `first 202`, `resend 200` … (0: no answer). */
  answers: Record<string, number>;
  /** Attempts that were retried (409, 5xx, no answer). */
  retried: number;
  startedAt: number;
  finishedAt: number;
}

const MAX_ATTEMPTS = 8;
const FIRST_RETRY_MS = 500;

export async function sendAll(
  deliveries: readonly Delivery[],
  options: {
    webhookUrl: (source: string) => string;
    sourceApiUrl: string;
    concurrency: number;
    onProgress?: (sent: number) => void;
  },
): Promise<SendResults> {
  const accepted = new Set<number>();
  const answers: Record<string, number> = {};
  let retried = 0;
  let next = 0;
  let done = 0;
  const startedAt = Date.now();

  async function post(delivery: Delivery): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      let status: number;
      try {
        const response = await fetch(options.webhookUrl(delivery.webhook.source), {
          method: 'POST',
          headers: signWebhook(delivery.webhook, options.sourceApiUrl, Date.now()),
          body: delivery.webhook.body,
        });
        await response.arrayBuffer();
        status = response.status;
      } catch {
        status = 0;
      }
      const retryable = status === 0 || status === 409 || status >= 500;
      if (!retryable || attempt === MAX_ATTEMPTS) return status;
      retried += 1;
      await sleep(FIRST_RETRY_MS * 2 ** (attempt - 1));
    }
  }

  async function worker(): Promise<void> {
    while (next < deliveries.length) {
      const delivery = deliveries[next++];
      if (!delivery) break;
      const status = await post(delivery);
      const key = `${delivery.resend ? 'resend' : 'first'} ${status}`;
      answers[key] = (answers[key] ?? 0) + 1;
      if (status >= 200 && status < 300) accepted.add(delivery.webhook.n);
      options.onProgress?.(++done);
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
  return { accepted: [...accepted], answers, retried, startedAt, finishedAt: Date.now() };
}
