import type { TServerMessage } from '@parta/contracts';
import { z } from 'zod';

/**
 * Runtime check of what the gateway sends (the contract only has a TypeScript type for it).
 * Unknown message types parse to null so an older client ignores newer messages.
 */
const ZServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('event'), seq: z.number().int().nonnegative(), name: z.string(), data: z.unknown(), at: z.string() }),
  z.object({ type: z.literal('ready'), seq: z.number().int().nonnegative(), connectionId: z.string().optional() }),
  z.object({ type: z.literal('resync'), seq: z.number().int().nonnegative() }),
  z.object({ type: z.literal('signal'), name: z.string(), data: z.unknown() }),
  z.object({ type: z.literal('heartbeat'), at: z.string() }),
  z.object({ type: z.literal('pong') }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);

export function parseServerMessage(text: string): TServerMessage | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = ZServerMessage.safeParse(json);
  return parsed.success ? (parsed.data as TServerMessage) : null;
}
