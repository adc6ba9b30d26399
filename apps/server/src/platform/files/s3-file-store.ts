import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { PassThrough, pipeline, type Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { checkFileKey, fileNotFound, newFileKey, sweepDirectory, type FileStore } from './file-store.ts';

export type S3FileStoreOptions = {
  /** An S3-compatible server's address (MinIO, Ceph, Garage, a cloud's S3 API); absent for AWS itself. */
  endpoint?: string | undefined;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key`; what most self-hosted servers need. */
  forcePathStyle: boolean;
  /** Put before every key (`parta/ab/…`), so that one bucket can hold other things too. */
  prefix?: string | undefined;
  /** The local directory uploads are received into before they go to the bucket. */
  incomingDir: string;
  /** Size of one part of a multipart upload (at least 5 MiB, S3's minimum); files up to it go in one request. */
  partSize?: number;
};

const mebibyte = 1024 * 1024;

/** An object store's "no such object": S3 says NoSuchKey (GET) or NotFound (HEAD), always with 404. */
const isMissing = (error: unknown) =>
  error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404);

/**
 * A FileStore in an S3-compatible bucket, through the AWS SDK. Keys are the same as on local disk
 * (`ab/<uuid>`), under the optional prefix. Uploads are received on local disk (`incomingDir`)
 * and then streamed to the bucket — in parts past `partSize`, so a large video is never held in
 * memory whole — and removed from the disk.
 */
export function createS3FileStore(options: S3FileStoreOptions): FileStore {
  const client = new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    // Since 3.729 the SDK adds CRC checksum headers to every upload (to streamed bodies as
    // aws-chunked trailers) and asks for them on downloads; several S3-compatible servers refuse
    // those headers or store the chunked encoding as the content. So only where an operation
    // requires a checksum; TLS still guards the bytes in transit.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // The SDK retries (3 attempts) but by default waits forever for a silent server. The socket
    // timeout counts inactivity, not duration: a long download that keeps moving is not cut, one
    // whose reader paused for a minute is (a player then asks again with a Range).
    requestHandler: { connectionTimeout: 5_000, socketTimeout: 60_000 },
    maxAttempts: 3,
  });
  const { bucket } = options;
  const prefix = options.prefix ? `${options.prefix.replace(/^\/+|\/+$/g, '')}/` : '';
  const objectKey = (key: string) => `${prefix}${checkFileKey(key)}`;
  const notFoundOr = (key: string) => (error: unknown) => {
    throw isMissing(error) ? fileNotFound(key, error) : error;
  };

  return {
    async put(content) {
      const key = newFileKey();
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: objectKey(key), Body: content, ContentLength: content.byteLength }));
      return { key };
    },
    async putFile(localPath) {
      const key = newFileKey();
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: objectKey(key), Body: createReadStream(localPath) },
        partSize: Math.max(options.partSize ?? 8 * mebibyte, 5 * mebibyte),
        // At most queueSize × partSize in memory at once; a failed upload's parts are removed.
        queueSize: 4,
        leavePartsOnError: false,
      });
      await upload.done();
      await rm(localPath, { force: true });
      return { key };
    },
    async get(key) {
      const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey(key) })).catch(notFoundOr(key));
      const bytes = await response.Body!.transformToByteArray();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    stream(key, range) {
      const request = new GetObjectCommand({ Bucket: bucket, Key: objectKey(key), ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) });
      // FileStore.stream answers at once; the bytes follow when the bucket does.
      const output = new PassThrough();
      // A reader that goes away (a closed tab) ends the request too, before or after it answers.
      const abort = new AbortController();
      output.once('close', () => abort.abort());
      void client.send(request, { abortSignal: abort.signal }).then(
        (response) => pipeline(response.Body as Readable, output, () => undefined),
        (error: unknown) => output.destroy(isMissing(error) ? fileNotFound(key, error) : (error as Error)),
      );
      return output;
    },
    async delete(key) {
      // S3 answers 204 whether or not there was an object.
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
    },
    incomingDir: options.incomingDir,
    sweepIncoming: (before) => sweepDirectory(options.incomingDir, before),
  };
}
