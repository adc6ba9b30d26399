import { defineRouteChecks } from '../../test/route-checks.ts';

// Route table, OpenAPI and generated bad-input checks; see test/route-checks.ts (shard 0 of 2).
await defineRouteChecks({ shard: 0, shards: 2 });
