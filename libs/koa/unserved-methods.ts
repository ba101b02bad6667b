import type { Context, Middleware } from 'koa';
import { unservedMethodAnswer } from '#libs/http';

/** Answers a Koa request with unservedMethodAnswer: sets the 204, or throws the 405. */
export function answerUnservedMethod(ctx: Context, served: Iterable<string>): void {
  const { status, headers } = unservedMethodAnswer(ctx.method, served);
  ctx.status = status;
  ctx.set(headers);
}

interface MatchedLayer {
  methods: string[];
}

/**
 * Registered after every router of a Koa app (in place of each router's
 * allowedMethods()): a request whose path some route matched but whose method none
 * serves reaches it, and gets OPTIONS' 204 or the 405. A path no route matched goes on
 * to the error middleware's 404, whatever its method.
 */
export function answerUnservedMethods(): Middleware {
  return (ctx, next) => {
    // @koa/router records on ctx.matched every layer whose path matched, across all routers.
    const matched = (ctx as { matched?: MatchedLayer[] }).matched ?? [];
    const served = new Set(matched.flatMap((layer) => layer.methods));
    if (served.size === 0) return next();
    answerUnservedMethod(ctx, served);
    return undefined;
  };
}
