// Reading `terraform show -json <planfile>`: which resources a plan changes, and which attributes.
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';

const AttributesSchema = z.record(z.string(), z.unknown());

const ResourceChangeSchema = z.object({
  address: z.string(),
  /** Set when a moved block carried the resource from this address. */
  previous_address: z.string().optional(),
  mode: z.string(),
  type: z.string(),
  change: z.object({
    actions: z.array(z.string()),
    before: AttributesSchema.nullable(),
    after: AttributesSchema.nullable(),
    after_unknown: AttributesSchema.nullable().optional(),
  }),
});
export type ResourceChange = z.infer<typeof ResourceChangeSchema>;

const PlanSchema = z.object({
  format_version: z.string(),
  resource_changes: z.array(ResourceChangeSchema).default([]),
});
export type Plan = z.infer<typeof PlanSchema>;

export function parsePlan(json: string): Plan {
  return PlanSchema.parse(JSON.parse(json));
}

/** Changes that do something: not no-op, and not the reads of data sources. */
export function effectiveChanges(plan: Plan): ResourceChange[] {
  return plan.resource_changes.filter(
    (rc) => rc.mode === 'managed' && !(rc.change.actions.length === 1 && rc.change.actions[0] === 'no-op'),
  );
}

function containsTrue(value: unknown): boolean {
  if (value === true) return true;
  if (Array.isArray(value)) return value.some(containsTrue);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsTrue);
  return false;
}

/** Top-level attributes whose planned value differs from the prior state or is unknown until apply. */
export function changedAttributes(rc: ResourceChange): string[] {
  const before = rc.change.before ?? {};
  const after = rc.change.after ?? {};
  const unknown = rc.change.after_unknown ?? {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)]);
  return [...keys]
    .filter((k) => containsTrue(unknown[k]) || !isDeepStrictEqual(before[k] ?? null, after[k] ?? null))
    .sort();
}

/**
 * A difference that the emulator causes and real AWS does not, allowed only where the test has proven the
 * emulator's behaviour first (see moto-apply.test.ts).
 */
export interface EmulatorQuirk {
  readonly resourceType: string;
  readonly attribute: string;
  /** True when this particular before/after pair is exactly the quirk. */
  readonly matches: (before: unknown, after: unknown) => boolean;
}

/**
 * What a plan changes beyond the proven emulator quirks, as `address: attribute, ...` lines. Creating,
 * deleting or replacing anything is never explained by a quirk.
 */
export function unexplainedChanges(plan: Plan, quirks: readonly EmulatorQuirk[]): string[] {
  const problems: string[] = [];
  for (const rc of effectiveChanges(plan)) {
    const actions = rc.change.actions.join('+');
    if (actions !== 'update') {
      problems.push(`${rc.address}: ${actions}`);
      continue;
    }
    const unexplained = changedAttributes(rc).filter(
      (attribute) =>
        !quirks.some(
          (q) =>
            q.resourceType === rc.type &&
            q.attribute === attribute &&
            q.matches(rc.change.before?.[attribute], rc.change.after?.[attribute]),
        ),
    );
    if (unexplained.length > 0) problems.push(`${rc.address}: update ${unexplained.join(', ')}`);
  }
  return problems;
}

/** The plan's change of one resource, by address. */
export function changeOf(plan: Plan, address: string): ResourceChange | undefined {
  return plan.resource_changes.find((rc) => rc.address === address);
}

/**
 * A copy of a zip archive with a different archive comment: still a valid zip with the same entries, but
 * different bytes, hence a different filebase64sha256.
 */
export function withZipComment(zip: Buffer, comment: string): Buffer {
  const endOfCentralDirectory = 0x06054b50;
  const fixedLength = 22;
  const lowest = Math.max(0, zip.length - fixedLength - 0xffff);
  for (let i = zip.length - fixedLength; i >= lowest; i--) {
    if (
      zip.readUInt32LE(i) === endOfCentralDirectory &&
      zip.readUInt16LE(i + 20) === zip.length - i - fixedLength
    ) {
      const text = Buffer.from(comment, 'utf8');
      const copy = Buffer.concat([zip.subarray(0, i + fixedLength), text]);
      copy.writeUInt16LE(text.length, i + 20);
      return copy;
    }
  }
  throw new Error('not a zip archive: no end-of-central-directory record');
}
