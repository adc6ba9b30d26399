import { randomUUID } from 'node:crypto';
import type { TOutboxMessage } from '@parta/contracts';
import nodemailer from 'nodemailer';
import type { FastifyBaseLogger } from 'fastify';

export type OutgoingMail = { to: string; subject: string; text: string };
export type OutgoingSms = { to: string; text: string };

/** Delivers e-mail. SMTP in real deployments, the development outbox otherwise. */
export type Mailer = { send(mail: OutgoingMail): Promise<void> };
/** Delivers SMS. Only the development outbox exists so far; a provider plugs in here. */
export type SmsSender = { send(sms: OutgoingSms): Promise<void> };

/**
 * Development delivery: keeps the latest messages in memory for the /dev/outbox page and prints
 * them to the log. Never used when NODE_ENV=production.
 */
export function createDevOutbox(log: Pick<FastifyBaseLogger, 'info'>, capacity = 200) {
  const messages: TOutboxMessage[] = [];
  const keep = (message: Omit<TOutboxMessage, 'id' | 'sentAt'>) => {
    const stored = { ...message, id: randomUUID(), sentAt: new Date().toISOString() };
    messages.unshift(stored);
    messages.length = Math.min(messages.length, capacity);
    log.info({ outbox: { channel: stored.channel, to: stored.to, subject: stored.subject, text: stored.text } }, `development outbox: message to ${stored.to}: ${stored.text}`);
  };
  const mailer: Mailer = {
    async send(mail) {
      keep({ channel: 'email', to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
  const sms: SmsSender = {
    async send(message) {
      keep({ channel: 'phone', to: message.to, subject: 'SMS', text: message.text });
    },
  };
  return { mailer, sms, list: (): TOutboxMessage[] => [...messages] };
}

export type DevOutbox = ReturnType<typeof createDevOutbox>;

export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
}
