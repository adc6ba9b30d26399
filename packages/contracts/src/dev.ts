import { z } from 'zod';

export const ZOutboxMessage = z
  .object({
    id: z.string(),
    channel: z.enum(['email', 'phone']),
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    sentAt: z.iso.datetime(),
  })
  .meta({ id: 'OutboxMessage' });
export type TOutboxMessage = z.infer<typeof ZOutboxMessage>;

export const ZOutboxResponse = z
  .object({ messages: z.array(ZOutboxMessage) })
  .meta({ id: 'OutboxResponse' });
export type TOutboxResponse = z.infer<typeof ZOutboxResponse>;
