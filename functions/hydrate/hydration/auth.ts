// A connection's credential, as what goes on the request: headers, or a query parameter added only when the
// request is sent. Every secret value it used is listed, so messages and dead letters can be scrubbed of them.
import type { HydrationAuth } from '../../shared/config/hydration-auth.ts';
import type { ResolveSecret } from '../../shared/secrets.ts';

export interface AppliedAuth {
  headers: Record<string, string>;
  /** A credential in the query string (`?api_key=…`): added to the URL at send time, never shown. */
  query?: { name: string; value: string };
  /** Secret values in use, for redaction. */
  secrets: string[];
}

export async function applyAuth(
  auth: HydrationAuth | undefined,
  resolveSecret: ResolveSecret,
): Promise<AppliedAuth> {
  if (!auth) return { headers: {}, secrets: [] };
  switch (auth.kind) {
    case undefined:
    case 'header': {
      const secret = await resolveSecret(auth.secret);
      return { headers: { [auth.header]: auth.prefix + secret }, secrets: [secret] };
    }
    case 'bearer': {
      const secret = await resolveSecret(auth.secret);
      return { headers: { authorization: `Bearer ${secret}` }, secrets: [secret] };
    }
    case 'basic': {
      const password = await resolveSecret(auth.password);
      const user = auth.user_secret ? await resolveSecret(auth.user_secret) : (auth.user ?? '');
      const encoded = Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
      return {
        headers: { authorization: `Basic ${encoded}` },
        secrets: [password, encoded, ...(auth.user_secret ? [user] : [])],
      };
    }
    case 'query': {
      const secret = await resolveSecret(auth.secret);
      return { headers: {}, query: { name: auth.param, value: secret }, secrets: [secret] };
    }
  }
}

/** Replaces every secret value (as is, and URL-encoded) in a text with `***`. */
export function redactorFor(secrets: readonly string[]): (text: string) => string {
  const forms = [...new Set(secrets.flatMap((s) => [s, encodeURIComponent(s)]))]
    // Very short values would scrub ordinary text; a credential is never that short.
    .filter((s) => s.length >= 4)
    .sort((a, b) => b.length - a.length);
  if (forms.length === 0) return (text) => text;
  return (text) => forms.reduce((out, form) => out.split(form).join('***'), text);
}
