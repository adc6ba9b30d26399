export { AppError, unauthenticated, forbidden, notFound, conflict, invalidField, rateLimited, type LocalizedText } from './app-error.ts';
export { installErrorHandling } from './error-handler.ts';
export { localizeError, pickLocale, type Locale } from './messages.ts';
export { createOriginCheck, type OriginCheck } from './origin.ts';
export { createMetrics, registerMetricsRoute, type Metrics } from './metrics.ts';
export { requireIdentity, type Identity } from './identity.ts';
