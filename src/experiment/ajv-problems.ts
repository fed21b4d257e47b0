/**
 * ajv's errors made into problems, one per location: anyOf/oneOf branches resolved to the branch the user meant,
 * discriminators and alternatives merged, the most basic problem kept where several point at one value.
 * Rendering them as diagnostics is validate.ts's job.
 */
import type { ErrorObject } from 'ajv';
import type { Segments } from './source.js';

type Schema = Record<string, unknown>;

/** One problem, before rendering. Keywords starting with `$` are made here from several ajv errors. */
export interface Problem {
  segs: Segments;
  keyword: string;
  schema: Schema;
  data: unknown;
  /** required: the missing keys; $missingOneOf: the alternatives. */
  missing?: string[];
  /** additionalProperties: the unknown key. */
  prop?: string;
  /** $anyType: the alternatives. */
  alternatives?: Schema[];
  params: Record<string, unknown>;
  ajvMessage?: string;
}

function unescapePointer(p: string): string {
  return p.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Segments of a JSON pointer, with list indices as numbers (decided by the data). */
function toSegs(pointer: string, data: unknown): Segments {
  if (pointer === '') return [];
  const out: Segments = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const p = unescapePointer(raw);
    if (Array.isArray(cur)) {
      out.push(Number(p));
      cur = cur[Number(p)];
    } else {
      out.push(p);
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
    }
  }
  return out;
}

function parentPointer(p: string): string {
  return p.slice(0, Math.max(0, p.lastIndexOf('/')));
}

function problemOf(e: ErrorObject, data: unknown): Problem {
  const base: Problem = {
    segs: toSegs(e.instancePath, data),
    keyword: e.keyword,
    schema: (e.parentSchema ?? {}) as Schema,
    data: e.data,
    params: e.params as Record<string, unknown>,
    ajvMessage: e.message,
  };
  if (e.keyword === 'required') base.missing = [String(e.params.missingProperty)];
  if (e.keyword === 'additionalProperties') base.prop = String(e.params.additionalProperty);
  return base;
}

/**
 * Resolve anyOf/oneOf errors, outermost first: keep the errors of the branch the user most likely meant
 * (right type, right discriminator, fewest missing/unknown keys), or merge the branches into one problem.
 */
export function resolveCombinators(all: ErrorObject[], data: unknown): Problem[] {
  let errs = [...all];
  const extra: Problem[] = [];
  const combinators = errs
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const c of combinators) {
    if (!errs.includes(c)) continue;
    const branches = Array.isArray(c.schema) ? (c.schema as Schema[]) : [];
    const prefix = `${c.schemaPath}/`;
    const byBranch: ErrorObject[][] = branches.map(() => []);
    const inBranches = new Set<ErrorObject>();
    for (const e of errs) {
      if (!e.schemaPath.startsWith(prefix)) continue;
      // Only errors inside this value: the items of one grid axis share schema paths (anyOf per item).
      if (e.instancePath !== c.instancePath && !e.instancePath.startsWith(`${c.instancePath}/`)) continue;
      const i = Number(e.schemaPath.slice(prefix.length).split('/')[0]);
      if (byBranch[i]) {
        byBranch[i].push(e);
        inBranches.add(e);
      }
    }
    const P = c.instancePath;
    if (byBranch.some((b) => b.length === 0)) continue; // oneOf matched several: keep ajv's message
    const rank = (b: ErrorObject[]): number => {
      let r = 0;
      for (const e of b) {
        if (e.instancePath === P && e.keyword === 'type') r += 1000;
        else if (e.keyword === 'const' && parentPointer(e.instancePath) === P) r += 100;
        else if (e.instancePath === P && (e.keyword === 'required' || e.keyword === 'additionalProperties')) r += 10;
        else r += 1;
      }
      return r;
    };
    const ranks = byBranch.map(rank);
    const min = Math.min(...ranks);
    const best = byBranch.filter((_, i) => ranks[i] === min);
    errs = errs.filter((e) => e !== c && !inBranches.has(e));
    const segs = toSegs(P, data);
    const pSchema = (c.parentSchema ?? {}) as Schema;

    if (min >= 1000) {
      // Wrong type for every branch.
      extra.push({ segs, keyword: '$anyType', schema: pSchema, data: c.data, alternatives: branches, params: {} });
      continue;
    }
    const constErr = (b: ErrorObject[]) =>
      b.find((e) => e.keyword === 'const' && parentPointer(e.instancePath) === P);
    const discr = byBranch.map(constErr);
    if (discr.every((e) => e !== undefined) && new Set(discr.map((e) => e!.instancePath)).size === 1) {
      // Every branch rejects the same discriminator (e.g. split.method: foo).
      const d = discr[0]!;
      extra.push({
        segs: toSegs(d.instancePath, data),
        keyword: 'enum',
        schema: { enum: discr.map((e) => e!.params.allowedValue) },
        data: d.data,
        params: {},
      });
      continue;
    }
    if (
      best.length > 1 &&
      best.every((b) => b.length === 1 && b[0].keyword === 'required' && b[0].instancePath === P)
    ) {
      extra.push({
        segs,
        keyword: '$missingOneOf',
        schema: pSchema,
        data: c.data,
        missing: best.map((b) => String(b[0].params.missingProperty)),
        alternatives: byBranch.map((b, i) => (best.includes(b) ? branches[i] : undefined)).filter((x) => x !== undefined) as Schema[],
        params: {},
      });
      continue;
    }
    errs.push(...best[0]);
  }
  return [...errs.map((e) => problemOf(e, data)), ...extra];
}

const PRIORITY: Record<string, number> = { type: 0, $anyType: 0, enum: 1, const: 1 };

/** One problem per location: the most basic one (type before enum before bounds...). Required keys merged. */
export function collapse(problems: Problem[]): Problem[] {
  const byKey = new Map<string, Problem>();
  for (const p of problems) {
    const loc = JSON.stringify(p.segs);
    const key =
      p.keyword === 'additionalProperties'
        ? `k${loc}${p.prop}`
        : p.keyword === 'required' || p.keyword === '$missingOneOf'
          ? `r${loc}`
          : `v${loc}`;
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, p);
    } else if (p.keyword === 'required' && prev.keyword === 'required') {
      prev.missing = [...new Set([...(prev.missing ?? []), ...(p.missing ?? [])])];
    } else if ((PRIORITY[p.keyword] ?? 2) < (PRIORITY[prev.keyword] ?? 2)) {
      byKey.set(key, p);
    }
  }
  return [...byKey.values()];
}

