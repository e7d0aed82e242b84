import type { Context } from '../context.js';
import { StepError, runSteps, type Step } from './steps.js';

/** Prints a plan (--dry-run) or runs it, reporting each step; a failure says where and how to roll back. */
export async function runPlan(ctx: Context, heading: string, steps: Step[], opts: { dryRun: boolean; rollbackHint?: string }): Promise<void> {
  if (opts.dryRun) {
    if (ctx.json) {
      ctx.out(JSON.stringify({ dryRun: true, steps: steps.map((s, i) => ({ step: i + 1, title: s.title, detail: s.detail })) }, null, 2));
      return;
    }
    ctx.out(`${heading} (dry run: nothing is changed)\n`);
    steps.forEach((s, i) => {
      ctx.out(`${String(i + 1).padStart(2)}. ${s.title}`);
      ctx.out(s.detail.split('\n').map((l) => `      ${l}`).join('\n'));
    });
    return;
  }
  const done: { step: number; title: string; result: string }[] = [];
  try {
    await runSteps(steps, ctx.log, (step, i, result) => {
      done.push({ step: i + 1, title: step.title, result });
      if (!ctx.json) ctx.out(`${String(i + 1).padStart(2)}/${steps.length} ${step.title}: ${result}`);
    });
  } catch (e) {
    if (!(e instanceof StepError)) throw e;
    const i = steps.indexOf(e.step);
    if (ctx.json) ctx.out(JSON.stringify({ ok: false, done, failed: { step: i + 1, title: e.step.title, detail: e.step.detail, error: e.cause.message } }, null, 2));
    const isStatement = /^\s*(CREATE|DROP|INSERT|SHOW|DESCRIBE|TERMINATE|ALTER)\b/.test(e.step.detail);
    const label = e.step.label ?? (isStatement ? 'statement' : 'command');
    throw new Error(
      [
        `failed at step ${i + 1} of ${steps.length}: ${e.step.title}`,
        `  ${label}: ${e.step.detail.split('\n').join('\n    ')}`,
        `  error: ${e.cause.message}`,
        // A failed prerequisite changed nothing: there is nothing to roll back.
        ...(opts.rollbackHint && e.step.label !== 'checked' ? [`  ${opts.rollbackHint}`] : []),
      ].join('\n'),
    );
  }
  if (ctx.json) ctx.out(JSON.stringify({ ok: true, done }, null, 2));
}
