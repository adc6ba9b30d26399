import { defineRouteChecks } from '../../test/route-checks.ts';

// Route table, OpenAPI and generated bad-input checks; see test/route-checks.ts (shard 1 of 2).
await defineRouteChecks({ shard: 1, shards: 2 });
