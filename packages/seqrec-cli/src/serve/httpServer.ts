/**
 * The HTTP face of the service (fastify): `POST /v1/recommend`, `GET /v1/health`,
 * `GET /v1/model`. Bodies are checked against a JSON schema (no coercion, no unknown fields)
 * and bounded in bytes; every error is JSON `{ error, field }` naming the body field at fault.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { ModelSlot } from './ModelSlot';
import { MAX_K, RequestError, type RecommendBody, type RecommendService } from './RecommendService';

/** Largest accepted request body (bytes) and history / exclusion list. */
export const MAX_BODY_BYTES = 256 * 1024;
export const MAX_LIST_ITEMS = 5000;

const rawId = { type: ['string', 'integer'], maxLength: 256 };
const recommendBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    user: rawId,
    items: { type: 'array', minItems: 1, maxItems: MAX_LIST_ITEMS, items: rawId },
    timestamps: { type: 'array', maxItems: MAX_LIST_ITEMS, items: { type: 'number' } },
    k: { type: 'integer', minimum: 1, maximum: MAX_K },
    exclude: { type: 'array', maxItems: MAX_LIST_ITEMS, items: rawId },
  },
} as const;

interface ValidationIssue {
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

/** `/items/3` -> `items[3]`; a missing or unknown property names itself. */
function fieldOf(issue: ValidationIssue): string {
  const named = issue.params['missingProperty'] ?? issue.params['additionalProperty'];
  const parts = issue.instancePath.split('/').filter((p) => p !== '');
  if (typeof named === 'string') parts.push(named);
  if (parts.length === 0) return 'body';
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function describe(issue: ValidationIssue, field: string): string {
  if (issue.params['additionalProperty'] !== undefined) return `unknown field '${field}'`;
  if (issue.params['missingProperty'] !== undefined) return `'${field}' is required`;
  return `'${field}' ${issue.message ?? 'is invalid'}`;
}

export interface HttpServerOptions {
  /** Called with an unexpected error (a 500): the service logs it. */
  onInternalError?: (error: unknown) => void;
}

export function buildHttpServer(
  slot: ModelSlot,
  service: RecommendService,
  options: HttpServerOptions = {},
): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    ajv: {
      customOptions: {
        allowUnionTypes: true,
        removeAdditional: false,
        coerceTypes: false,
        useDefaults: false,
        allErrors: false,
      },
    },
  });

  app.setErrorHandler((error: FastifyError | RequestError, _request, reply) => {
    if (error instanceof RequestError)
      return reply.code(error.status).send({ error: error.message, field: error.field });
    const issue = (error as FastifyError).validation?.[0] as ValidationIssue | undefined;
    if (issue !== undefined) {
      const field = fieldOf(issue);
      return reply.code(400).send({ error: describe(issue, field), field });
    }
    const status = (error as FastifyError).statusCode ?? 500;
    if (status >= 400 && status < 500) return reply.code(status).send({ error: error.message, field: 'body' });
    options.onInternalError?.(error);
    return reply.code(500).send({ error: 'internal error' });
  });
  let inFlight = 0; // requests received and not yet answered (health reports it)
  app.addHook('onRequest', async () => void (inFlight += 1));
  app.addHook('onResponse', async () => void (inFlight -= 1));
  // While closing, each answered connection is closed too: an idle keep-alive connection
  // would otherwise hold close() open until its timeout.
  let closing = false;
  app.addHook('preClose', async () => void (closing = true));
  app.addHook('onSend', async (_request, reply) => {
    if (closing) void reply.header('connection', 'close');
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: `no route ${request.method} ${request.url}`, field: 'url' }),
  );

  app.post<{ Body: RecommendBody }>('/v1/recommend', { schema: { body: recommendBody } }, async (request) =>
    service.recommend(request.body),
  );
  app.get('/v1/health', async () => ({
    status: 'ok',
    model_id: slot.description.model_id,
    in_flight: inFlight - 1,
    batching: service.batching, // batches formed so far, requests in them, the largest
    scoring_restarts: slot.scoringRestarts, // scoring workers of this model replaced after a crash
  }));
  app.get('/v1/model', async () => slot.description);
  return app;
}
