export { createDevOutbox, createSmtpMailer, type DevOutbox, type Mailer, type SmsSender, type OutgoingMail, type OutgoingSms } from './mail.ts';
