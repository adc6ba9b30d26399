import { randomUUID } from 'node:crypto';
import type { TChat, TMessage, TUploadResponse } from '@parta/contracts';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentDisposition, createConfiguredFileStore, downloadName, parseRange, sniffContentType, type FileStore } from '../../platform/files/index.ts';
import { transaction } from '../../platform/db/index.ts';
import {
  makeImage,
  makeMatroska,
  makeMp3,
  makeMp4,
  makePhoto,
  makeZip,
  plainZip,
  postWithAttachments,
  sampleDocm,
  sampleDocx,
  sampleLocation,
  sampleOgg,
  samplePptx,
  sampleXlsx,
  uploadAttachment,
} from '../../test/attachments.ts';
import { asUser, signIn, startTestApp, type SignedIn, type TestApp } from '../../test/harness.ts';
import { samplePdf, upload } from '../../test/organizations.ts';
import { startS3Server } from '../../test/s3-server.ts';
import { call, populateSchool, type PopulatedSchool } from '../../test/school.ts';
import { attachmentsOf, removeAttachmentsOf } from './attachments.ts';

let t: TestApp;
let s: PopulatedSchool;
let chat: TChat;
/** The store the app was configured with, to look at its files. */
let store: FileStore;

/**
 * Where the app keeps file bytes, configured as an operator would: the suites from «uploading»
 * to «sweeping» run once with each, the S3 one on an S3-compatible server started for this file.
 */
const fileStorages: { name: string; start(): Promise<{ env: Record<string, string>; close(): Promise<void> }> }[] = [
  { name: 'on local disk', start: async () => ({ env: {}, close: async () => undefined }) },
  { name: 'in an S3-compatible bucket', start: startS3Server },
];

/** Whether the app's store (the disk or the bucket) holds a file under `key`. */
const isStored = (key: string) =>
  store.get(key).then(
    () => true,
    (error: { code?: string }) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );

const docx = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const pptx = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';

async function uploaded(content: Buffer, name: string, as: SignedIn = s.classTeacher): Promise<TUploadResponse> {
  const response = await uploadAttachment(t, content, name, as);
  if (response.statusCode !== 201) throw new Error(`upload of ${name} → ${response.statusCode}: ${response.body}`);
  return response.json();
}

const fileCount = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM files`.execute(t.database.db)).rows[0]!.n;
const get = (url: string, as: SignedIn | null, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers: { ...(as ? asUser(as) : {}), ...headers } });

describe('sniffing: the content decides the type', () => {
  it('knows every accepted type by its bytes, whatever the name says', async () => {
    const cases: [Buffer, string | null][] = [
      [await makePhoto(), 'image/jpeg'],
      [await makeImage('png'), 'image/png'],
      [await makeImage('gif'), 'image/gif'],
      [await makeImage('webp'), 'image/webp'],
      [samplePdf, 'application/pdf'],
      [makeMp4(), 'video/mp4'],
      [makeMp4('qt  '), 'video/quicktime'],
      [makeMp4('M4A '), 'audio/mp4'],
      [makeMp4('heic'), null],
      [makeMatroska('webm'), 'video/webm'],
      [makeMatroska('matroska'), null],
      [makeMp3(true), 'audio/mpeg'],
      [makeMp3(false), 'audio/mpeg'],
      [sampleOgg, 'audio/ogg'],
      [sampleDocx, docx],
      [sampleXlsx, xlsx],
      [samplePptx, pptx],
      [sampleDocm, null],
      [plainZip, null],
      [makeZip({ '[Content_Types].xml': '<Types/>', 'other/x.xml': '<x/>' }), null],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), null],
      [Buffer.from('<!doctype html><script>alert(1)</script>'), null],
      [Buffer.from([0xff, 0xfb, 0x90, 0x64, 1, 2, 3, ...Buffer.alloc(500), 9, 9, 9, 9]), null], // one frame header, then no second frame
    ];
    for (const [content, expected] of cases) expect(sniffContentType(content, 'файл.bin'), expected ?? 'refused').toBe(expected);
  });

  it('takes plain text only from a .txt file that is valid UTF-8 without NUL bytes', () => {
    const text = Buffer.from('Завтра экскурсия, сбор в 8:30.\n', 'utf8');
    expect(sniffContentType(text, 'объявление.txt')).toBe('text/plain');
    expect(sniffContentType(text, 'объявление.TXT')).toBe('text/plain');
    expect(sniffContentType(text, 'page.html')).toBeNull();
    expect(sniffContentType(Buffer.from('a\0b'), 'a.txt')).toBeNull();
    expect(sniffContentType(Buffer.from([0x61, 0xc3, 0x28]), 'a.txt')).toBeNull(); // invalid UTF-8
  });
});

describe.each(fileStorages)('with files kept $name', ({ start }) => {
  let storage: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    storage = await start();
    t = await startTestApp({ env: storage.env });
    store = createConfiguredFileStore(t.config);
    s = await populateSchool(t);
    chat = await call<TChat>(t, s.classTeacher, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: '5А — фото', memberIds: [s.parent.userId, s.student.userId] });
  });
  afterAll(async () => {
    await t.close();
    await storage.close();
  });

  describe('uploading chat attachments', () => {
    it('accepts every kind from a signed-in person and reports the type the content has', async () => {
      const files: [Buffer, string, string][] = [
        [samplePdf, 'Расписание.pdf', 'application/pdf'],
        [sampleDocx, 'Протокол.docx', docx],
        [sampleXlsx, 'Оценки.xlsx', xlsx],
        [samplePptx, 'Презентация.pptx', pptx],
        [makeMatroska('webm'), 'клип.webm', 'video/webm'],
        [makeMp3(true), 'песня.mp3', 'audio/mpeg'],
        [sampleOgg, 'голос.ogg', 'audio/ogg'],
        [Buffer.from('Сбор в 8:30'), 'заметка.txt', 'text/plain'],
        [await makeImage('png'), 'схема.png', 'image/png'],
        [await makeImage('gif'), 'анимация.gif', 'image/gif'],
        [await makeImage('webp'), 'картинка.webp', 'image/webp'],
      ];
      for (const [content, name, contentType] of files) {
        const result = await uploaded(content, name);
        expect(result).toMatchObject({ name, contentType });
      }
    });

    it('refuses an anonymous chat upload with 401 and keeps anonymous appointment orders working', async () => {
      const before = await fileCount();
      const anonymous = await uploadAttachment(t, samplePdf, 'a.pdf', null);
      expect(anonymous.statusCode).toBe(401);
      expect(await fileCount()).toBe(before);
      expect((await upload(t, samplePdf)).statusCode).toBe(201);
    });

    it('refuses a type it does not take with 415 and a message listing what it does, in the person’s language', async () => {
      const before = await fileCount();
      for (const [content, name] of [
        [plainZip, 'архив.zip'],
        [sampleDocm, 'макрос.docx'],
        [Buffer.from('<html><script>alert(1)</script></html>'), 'page.html'],
        [Buffer.from('MZ\x90\0'), 'program.exe'],
      ] as const) {
        const response = await uploadAttachment(t, content, name, s.classTeacher);
        expect(response.statusCode, name).toBe(415);
        expect(response.json().error.code).toBe('unsupported_media_type');
        expect(response.json().error.message).toMatch(/^Такой файл не принимается\. Можно: JPEG, PNG, GIF, WebP, MP4, MOV, WebM, MP3, OGG, M4A, PDF, DOCX, XLSX, PPTX, TXT\.$/);
      }
      const english = await t.app.inject({ method: 'POST', url: '/api/uploads?purpose=chat_attachment&name=a.zip', payload: plainZip, headers: { ...asUser(s.classTeacher), 'content-type': 'application/zip', 'accept-language': 'en' } });
      expect(english.json().error.message).toMatch(/^This kind of file is not accepted\. Accepted: JPEG, .*TXT\.$/);
      // An image that is damaged past its signature is refused too.
      const broken = await uploadAttachment(t, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100)]), 'broken.png', s.classTeacher);
      expect(broken.statusCode).toBe(415);
      expect(await fileCount()).toBe(before);
    });

    it('refuses a file over its kind’s limit with 413 (images 20 MB), storing nothing', async () => {
      const before = await fileCount();
      const png = await makeImage('png');
      const huge = await uploadAttachment(t, Buffer.concat([png, Buffer.alloc(20 * 1024 * 1024)]), 'огромная.png', s.classTeacher);
      expect(huge.statusCode).toBe(413);
      expect(huge.json().error).toMatchObject({ code: 'payload_too_large', message: 'Файл слишком большой: можно не больше 20 МБ.' });
      // The same number of bytes is fine for a video (200 MB).
      const video = await uploadAttachment(t, Buffer.concat([makeMp4(), Buffer.alloc(20 * 1024 * 1024)]), 'video.mp4', s.classTeacher);
      expect(video.statusCode).toBe(201);
      expect(await fileCount()).toBe(before + 1);
    });

    it('stores a photo turned upright and without its EXIF (no GPS position), with a WebP preview of at most 640 px', async () => {
      const photo = await makePhoto(1200, 800);
      const original = await sharp(photo).metadata();
      expect(original.orientation).toBe(6);
      expect(original.exif?.includes(Buffer.from('TestPhone'))).toBe(true);

      const result = await uploaded(photo, 'Экскурсия.jpg');
      const { attachments } = await postWithAttachments(t, chat.id, s.classTeacher, [result.uploadToken]);
      const [attachment] = attachments;
      expect(attachment).toMatchObject({ kind: 'image', contentType: 'image/jpeg', width: 800, height: 1200, name: 'Экскурсия.jpg' });
      expect(attachment!.previewUrl).toBe(`/api/attachments/${attachment!.id}/preview`);

      const stored = await get(attachment!.url, s.parent);
      expect(stored.statusCode).toBe(200);
      const storedMeta = await sharp(stored.rawPayload).metadata();
      expect(storedMeta).toMatchObject({ format: 'jpeg', width: 800, height: 1200 });
      expect(storedMeta.exif).toBeUndefined();
      expect(storedMeta.orientation).toBeUndefined();
      expect(stored.rawPayload.includes(Buffer.from('TestPhone'))).toBe(false);
      expect(Number(stored.headers['content-length'])).toBe(attachment!.size);

      const preview = await get(attachment!.previewUrl!, s.parent);
      expect(preview.statusCode).toBe(200);
      expect(preview.headers['content-type']).toBe('image/webp');
      const previewMeta = await sharp(preview.rawPayload).metadata();
      expect(previewMeta).toMatchObject({ format: 'webp', width: 427, height: 640 });
      expect(previewMeta.exif).toBeUndefined();
      expect(preview.headers['content-disposition']).toContain("filename*=UTF-8''%D0%AD%D0%BA%D1%81%D0%BA%D1%83%D1%80%D1%81%D0%B8%D1%8F.webp");
    });

    it('does not enlarge a small image for its preview', async () => {
      const result = await uploaded(await makeImage('png', 300, 200), 'значок.png');
      const { attachments } = await postWithAttachments(t, chat.id, s.classTeacher, [result.uploadToken]);
      const preview = await get(attachments[0]!.previewUrl!, s.student);
      expect(await sharp(preview.rawPayload).metadata()).toMatchObject({ width: 300, height: 200 });
      expect(attachments[0]).toMatchObject({ width: 300, height: 200 });
    });

    it('blanks the place a video was recorded, keeping its length (so it still plays)', async () => {
      const video = makeMp4();
      expect(video.includes(Buffer.from(sampleLocation))).toBe(true);
      const result = await uploaded(video, 'утренник.mp4');
      expect(result.size).toBe(video.length);
      const { attachments } = await postWithAttachments(t, chat.id, s.classTeacher, [result.uploadToken]);
      const stored = await get(attachments[0]!.url, s.parent);
      expect(stored.rawPayload.length).toBe(video.length);
      expect(stored.rawPayload.includes(Buffer.from(sampleLocation))).toBe(false);
      expect(stored.rawPayload.includes(Buffer.from('com.apple.quicktime.location'))).toBe(false);
      expect(stored.rawPayload.subarray(0, 40).equals(video.subarray(0, 40))).toBe(true); // ftyp and the movie header untouched
      expect(attachments[0]).toMatchObject({ kind: 'video', contentType: 'video/mp4', previewUrl: null });
      expect(attachments[0]!.width).toBeUndefined();
    });

    it('counts uploads per person: one person’s limit does not stop another', async () => {
      const [first, second] = [await signIn(t), await signIn(t)];
      const note = Buffer.from('Заметка');
      const statuses: number[] = [];
      for (let i = 0; i < 101; i++) statuses.push((await uploadAttachment(t, note, 'n.txt', first)).statusCode);
      expect(statuses.slice(0, 100).every((status) => status === 201)).toBe(true);
      expect(statuses[100]).toBe(429);
      expect((await uploadAttachment(t, note, 'n.txt', second)).statusCode).toBe(201);
    });
  });

  describe('claiming uploads for a message', () => {
    it('attaches the sender’s uploads in the order given and lists them per message in one query', async () => {
      const files = [await uploaded(samplePdf, 'a.pdf'), await uploaded(sampleDocx, 'b.docx'), await uploaded(makeMp3(false), 'c.mp3')];
      const posted = await postWithAttachments(t, chat.id, s.classTeacher, files.map((file) => file.uploadToken).reverse());
      expect(posted.attachments.map((a) => [a.name, a.kind])).toEqual([
        ['c.mp3', 'audio'],
        ['b.docx', 'file'],
        ['a.pdf', 'file'],
      ]);
      const plain = await postWithAttachments(t, chat.id, s.classTeacher, [], 'Без файлов');
      const map = await attachmentsOf(t.database.db, [posted.messageId, plain.messageId]);
      expect(map.get(posted.messageId)).toEqual(posted.attachments);
      expect(map.get(plain.messageId)).toEqual([]);
    });

    it('refuses someone else’s upload, an upload for another purpose, a used token and more than 10 files — the whole send rolls back', async () => {
      const mine = await uploaded(samplePdf, 'mine.pdf');
      const theirs = await uploaded(samplePdf, 'theirs.pdf', s.parent);
      const order = (await upload(t, samplePdf, { as: s.classTeacher })).json<TUploadResponse>();
      for (const tokens of [[mine.uploadToken, theirs.uploadToken], [order.uploadToken], ['x'.repeat(43)]]) {
        await expect(postWithAttachments(t, chat.id, s.classTeacher, tokens)).rejects.toMatchObject({ status: 400, fields: { attachmentTokens: expect.anything() } });
      }
      const eleven = Array.from({ length: 11 }, () => mine.uploadToken);
      await expect(postWithAttachments(t, chat.id, s.classTeacher, eleven)).rejects.toMatchObject({ status: 400 });
      // Nothing was claimed by the failed attempts: the upload still attaches, once.
      const posted = await postWithAttachments(t, chat.id, s.classTeacher, [mine.uploadToken, mine.uploadToken]);
      expect(posted.attachments).toHaveLength(1);
      await expect(postWithAttachments(t, chat.id, s.classTeacher, [mine.uploadToken])).rejects.toMatchObject({ status: 400 });
    });

    it('can remove a deleted message’s files with it (rows and bytes, after commit)', async () => {
      const photo = await uploaded(await makeImage('png'), 'удалить.png');
      const posted = await postWithAttachments(t, chat.id, s.classTeacher, [photo.uploadToken]);
      const rows = await t.database.db.selectFrom('files').select(['id', 'storage_key', 'preview_file_id']).where('name', '=', 'удалить.png').execute();
      const keys = [...rows.map((row) => row.storage_key)];
      expect(rows).toHaveLength(2); // the image and its preview
      for (const key of keys) expect(await isStored(key)).toBe(true);
      await transaction(t.database.db, (tx) => removeAttachmentsOf(tx, { uploads: t.services.uploads }, [posted.messageId]));
      expect((await attachmentsOf(t.database.db, [posted.messageId])).get(posted.messageId)).toEqual([]);
      expect(await t.database.db.selectFrom('files').select('id').where('name', '=', 'удалить.png').execute()).toEqual([]);
      for (const key of keys) expect(await isStored(key)).toBe(false);
    });
  });

  describe('attachments in messages', () => {
    it('travel with the message to every member and in the history; deleting the message deletes the files', async () => {
      const photo = await uploaded(await makeImage('png'), 'доска.png');
      const before = await fileCount();
      const sent = await t.app.inject({ method: 'POST', url: `/api/chats/${chat.id}/messages`, headers: asUser(s.classTeacher), payload: { clientId: randomUUID(), attachmentTokens: [photo.uploadToken] } });
      expect(sent.statusCode).toBe(201);
      const message = sent.json<TMessage>();
      expect(message).toMatchObject({ text: '', attachments: [{ kind: 'image', name: 'доска.png' }] });
      const event = await t.database.db.selectFrom('user_events').select('payload').where('user_id', '=', s.parent.userId).where('name', '=', 'message.created').orderBy('seq', 'desc').executeTakeFirstOrThrow();
      expect((event.payload as { message: TMessage }).message.attachments.map((a) => a.id)).toEqual(message.attachments.map((a) => a.id));
      const { messages } = await call<{ messages: TMessage[] }>(t, s.student, 'GET', `/api/chats/${chat.id}/messages`);
      expect(messages.find((m) => m.id === message.id)?.attachments).toEqual(message.attachments);
      expect((await get(message.attachments[0]!.url, s.student)).statusCode).toBe(200);

      await call(t, s.classTeacher, 'DELETE', `/api/chats/${chat.id}/messages/${message.id}`);
      expect((await get(message.attachments[0]!.url, s.student)).statusCode).toBe(404);
      expect(await fileCount()).toBe(before - 2); // the image and its preview
    });
  });

  describe('downloading attachments', () => {
    let message: { messageId: string; seq: number; attachments: Awaited<ReturnType<typeof postWithAttachments>>['attachments'] };
    let video: Buffer;
    let latecomer: SignedIn;

    beforeAll(async () => {
      video = makeMp4();
      const files = [await uploaded(samplePdf, 'Расписание «5А».pdf'), await uploaded(video, 'Утренник.mp4'), await uploaded(Buffer.from('<script>alert(1)</script>'), 'скрипт.txt'), await uploaded(samplePdf, 'счёт.html')];
      message = await postWithAttachments(t, chat.id, s.classTeacher, files.map((file) => file.uploadToken));
      // Joins after the message: history before joining stays hidden, attachments included.
      latecomer = s.verifiedTeacher;
      await call(t, s.classTeacher, 'POST', `/api/chats/${chat.id}/members`, { userIds: [latecomer.userId] }, [204]);
    });

    it('serves a file as a download under its Cyrillic name (RFC 5987), never to be sniffed or rendered', async () => {
      const pdf = message.attachments[0]!;
      const response = await get(pdf.url, s.parent);
      expect(response.statusCode).toBe(200);
      expect(response.rawPayload.equals(samplePdf)).toBe(true);
      expect(response.headers).toMatchObject({
        'content-type': 'application/pdf',
        'content-disposition': `attachment; filename="__________ _5__.pdf"; filename*=UTF-8''${encodeURIComponent('Расписание «5А».pdf')}`,
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
        'cache-control': 'private, no-cache',
        'accept-ranges': 'bytes',
      });
      // Text is served as text/plain, and a file named like a page is saved with its real extension.
      const text = await get(message.attachments[2]!.url, s.parent);
      expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(text.headers['content-disposition']).toMatch(/^attachment;/);
      const renamed = await get(message.attachments[3]!.url, s.parent);
      expect(renamed.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('счёт.html.pdf')}`);
    });

    it('answers Range requests with 206 and exactly those bytes (video seeking)', async () => {
      const url = message.attachments[1]!.url;
      const size = video.length;
      const first = await get(url, s.student, { range: 'bytes=0-99' });
      expect(first.statusCode).toBe(206);
      expect(first.headers['content-range']).toBe(`bytes 0-99/${size}`);
      expect(first.headers['content-length']).toBe('100');
      expect(first.rawPayload.equals((await get(url, s.student)).rawPayload.subarray(0, 100))).toBe(true);
      const whole = (await get(url, s.student)).rawPayload;
      const middle = await get(url, s.student, { range: 'bytes=1000-' });
      expect(middle.statusCode).toBe(206);
      expect(middle.headers['content-range']).toBe(`bytes 1000-${size - 1}/${size}`);
      expect(middle.rawPayload.equals(whole.subarray(1000))).toBe(true);
      const tail = await get(url, s.student, { range: 'bytes=-10' });
      expect(tail.rawPayload.equals(whole.subarray(size - 10))).toBe(true);
      const clamped = await get(url, s.student, { range: `bytes=${size - 5}-${size + 100}` });
      expect(clamped.headers['content-range']).toBe(`bytes ${size - 5}-${size - 1}/${size}`);
      const past = await get(url, s.student, { range: `bytes=${size}-` });
      expect(past.statusCode).toBe(416);
      expect(past.headers['content-range']).toBe(`bytes */${size}`);
      // Several ranges, or a range of another version of the file: the whole file.
      expect((await get(url, s.student, { range: 'bytes=0-1,5-6' })).statusCode).toBe(200);
      expect((await get(url, s.student, { range: 'bytes=0-1', 'if-range': '"other"' })).statusCode).toBe(200);
      const etag = first.headers.etag as string;
      expect((await get(url, s.student, { range: 'bytes=0-1', 'if-range': etag })).statusCode).toBe(206);
      expect((await get(url, s.student, { 'if-none-match': etag })).statusCode).toBe(304);
      const head = await t.app.inject({ method: 'HEAD', url, headers: asUser(s.student) });
      expect(head.statusCode).toBe(200);
      expect(head.headers['content-length']).toBe(String(size));
    });

    it('is 404 for people outside the chat and for a member who joined after the message; 401 without a session', async () => {
      const url = message.attachments[0]!.url;
      expect((await get(url, null)).statusCode).toBe(401);
      for (const outsider of [s.director, s.teacher, latecomer, await signIn(t)]) expect((await get(url, outsider)).statusCode).toBe(404);
      expect((await get(`/api/attachments/${crypto.randomUUID()}`, s.parent)).statusCode).toBe(404);
      // A PDF has no preview.
      expect((await get(`${url}/preview`, s.parent)).statusCode).toBe(404);
    });

    it('is 404 once the person is removed from the chat', async () => {
      const other = await call<TChat>(t, s.classTeacher, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: 'Временный', memberIds: [s.parent.userId] });
      const posted = await postWithAttachments(t, other.id, s.classTeacher, [(await uploaded(samplePdf, 'x.pdf')).uploadToken]);
      expect((await get(posted.attachments[0]!.url, s.parent)).statusCode).toBe(200);
      await call(t, s.classTeacher, 'DELETE', `/api/chats/${other.id}/members/${s.parent.userId}`, undefined, [204]);
      expect((await get(posted.attachments[0]!.url, s.parent)).statusCode).toBe(404);
    });

    it('is 404 once the message is deleted for everyone', async () => {
      const photo = await uploaded(await makeImage('webp'), 'фото.webp');
      const posted = await postWithAttachments(t, chat.id, s.classTeacher, [photo.uploadToken]);
      const [attachment] = posted.attachments;
      expect((await get(attachment!.url, s.parent)).statusCode).toBe(200);
      await call(t, s.classTeacher, 'DELETE', `/api/chats/${chat.id}/messages/${posted.messageId}`);
      expect((await get(attachment!.url, s.parent)).statusCode).toBe(404);
      expect((await get(attachment!.previewUrl!, s.parent)).statusCode).toBe(404);
      expect((await attachmentsOf(t.database.db, [posted.messageId])).get(posted.messageId)).toEqual([]);
    });
  });

  describe('sweeping unclaimed uploads', () => {
    it('deletes uploads nobody claimed within a day — rows, previews and bytes — and keeps the rest', async () => {
      const stale = [await uploaded(await makeImage('png'), 'забыт.png'), await uploaded(samplePdf, 'забыт.pdf')];
      const claimed = await uploaded(samplePdf, 'отправлен.pdf');
      await postWithAttachments(t, chat.id, s.classTeacher, [claimed.uploadToken]);
      t.clock.advance(25 * 3600_000);
      const fresh = await uploaded(samplePdf, 'свежий.pdf');
      const staleRows = await t.database.db.selectFrom('files').select(['storage_key']).where('name', 'in', ['забыт.png', 'забыт.pdf']).execute();
      expect(staleRows).toHaveLength(3); // two uploads and one preview

      const swept = await t.services.uploads.sweepUnclaimed(new Date(t.clock.now().getTime() - 24 * 3600_000));
      expect(swept.files).toBeGreaterThanOrEqual(2);
      expect(await t.database.db.selectFrom('files').select('id').where('name', 'in', ['забыт.png', 'забыт.pdf']).execute()).toEqual([]);
      for (const row of staleRows) expect(await isStored(row.storage_key)).toBe(false);
      expect(await t.database.db.selectFrom('files').select('name').where('name', 'in', ['отправлен.pdf', 'свежий.pdf']).execute()).toHaveLength(2);
      // The fresh upload still attaches; the swept ones do not.
      await postWithAttachments(t, chat.id, s.classTeacher, [fresh.uploadToken]);
      await expect(postWithAttachments(t, chat.id, s.classTeacher, [stale[1]!.uploadToken])).rejects.toMatchObject({ status: 400 });
    });
  });
});

describe('serving helpers', () => {
  it('parses byte ranges like RFC 9110', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-5', 100)).toEqual({ start: 95, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    for (const ignored of ['bytes=9-0', 'bytes=0-1,3-4', 'items=0-1', 'bytes=abc', 'bytes=-']) expect(parseRange(ignored, 100)).toBeNull();
  });

  it('names downloads safely', () => {
    expect(downloadName('Фото.JPG', ['jpg', 'jpeg'])).toBe('Фото.JPG');
    expect(downloadName('cod\u202Egnp.exe', ['png'])).toBe('codgnp.exe.png');
    expect(downloadName('../../etc/passwd', ['txt'])).toBe('.._.._etc_passwd.txt');
    expect(downloadName('..', ['pdf'])).toBe('file.pdf');
    expect(contentDisposition('attachment', 'a "b".pdf')).toBe(`attachment; filename="a _b_.pdf"; filename*=UTF-8''a%20%22b%22.pdf`);
    expect(contentDisposition('attachment', "it's (1).txt")).toBe(`attachment; filename="it's (1).txt"; filename*=UTF-8''it%27s%20%281%29.txt`);
  });
});
