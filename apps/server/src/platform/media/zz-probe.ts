// scratch (deleted before finishing)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadJanode } from './janode-loader.ts';
import { startLocalJanus } from './local-janus.ts';
import { createWeriftPublisher, createWeriftSubscriber } from './testing/werift-peer.ts';

const logger = { info() {}, warn: (o: object, m: string) => console.log('WARN', m), error: (o: object, m: string) => console.log('ERR', m, o) };
const { Janode, VideoRoomPlugin } = await loadJanode();
const j1 = await startLocalJanus({ dir: mkdtempSync(join(tmpdir(), 'p1-')), logger, rtpPortRange: [21000, 21099] });
const j2 = await startLocalJanus({ dir: mkdtempSync(join(tmpdir(), 'p2-')), logger, rtpPortRange: [21100, 21199] });
try {
  const c1 = await Janode.connect({ address: [{ url: j1.url }] });
  const c2 = await Janode.connect({ address: [{ url: j2.url }] });
  const s1 = await c1.create(); const s2 = await c2.create();
  const m1: any = await s1.attach(VideoRoomPlugin); const m2: any = await s2.attach(VideoRoomPlugin);
  await m1.create({ room: 11, permanent: false }); await m2.create({ room: 22, permanent: false });
  const pubH: any = await s1.attach(VideoRoomPlugin);
  const pub = createWeriftPublisher();
  const joined = await pubH.joinConfigurePublisher({ room: 11, display: 'Speaker', jsep: { type: 'offer', sdp: await pub.offer() } });
  console.log('configured streams', JSON.stringify(joined.streams));
  await pub.accept(joined.jsep.sdp);
  let pj: any;
  for (let i = 0; i < 20; i++) {
  const probe: any = await s1.attach(VideoRoomPlugin);
  pj = await probe.message({ request: 'join', ptype: 'publisher', room: 11, display: 'probe' });
  console.log(i, 'probe join', JSON.stringify(pj.plugindata.data));
  await probe.message({ request: 'leave' }).catch((e: Error) => console.log('leave err', e.message));
  await probe.detach();
  if (pj.plugindata.data.publishers.length) break;
  await new Promise((r) => setTimeout(r, 100));
  }
  const speaker = (pj.plugindata.data.publishers as any[])[0];
  const add = await m2.message({ request: 'add_remote_publisher', room: 22, display: speaker.display, iface: '127.0.0.1', streams: speaker.streams.map((s: any) => ({ type: s.type, mindex: s.mindex, mid: s.mid, codec: s.codec })) });
  console.log('add_remote_publisher', JSON.stringify(add.plugindata.data));
  const d = add.plugindata.data;
  const pr = await m1.message({ request: 'publish_remotely', room: 11, publisher_id: joined.feed, remote_id: 'r1', host: d.ip, port: d.port, rtcp_port: d.rtcp_port });
  console.log('publish_remotely', JSON.stringify(pr.plugindata.data));
  const lr = await m1.message({ request: 'listremotes', room: 11, publisher_id: joined.feed });
  console.log('listremotes', JSON.stringify(lr.plugindata.data));
  console.log('participants B', JSON.stringify((await m2.message({ request: 'listparticipants', room: 22 })).plugindata.data));
  const subH: any = await s2.attach(VideoRoomPlugin);
  const sj = await subH.joinSubscriber({ room: 22, streams: [{ feed: d.id }], autoupdate: false });
  console.log('sub streams', JSON.stringify(sj.streams));
  const viewer = createWeriftSubscriber();
  await subH.start({ jsep: { type: 'answer', sdp: await viewer.answer(sj.jsep.sdp) } });
  await viewer.waitFor(() => viewer.received.video > 20 && viewer.received.audio > 20, 10000).catch((e: Error) => console.log(e.message));
  console.log('received', viewer.received);
  console.log('unpublish', JSON.stringify((await m1.message({ request: 'unpublish_remotely', room: 11, publisher_id: joined.feed, remote_id: 'r1' })).plugindata.data));
  const before = { ...viewer.received }; await new Promise((r) => setTimeout(r, 1000));
  console.log('after unpublish 1s', before, viewer.received);
  console.log('remove', JSON.stringify((await m2.message({ request: 'remove_remote_publisher', room: 22, id: d.id })).plugindata.data));
  console.log('participants B', JSON.stringify((await m2.message({ request: 'listparticipants', room: 22 })).plugindata.data));
  await m2.message({ request: 'remove_remote_publisher', room: 22, id: d.id }).catch((e: any) => console.log('remove again', e.message, e._code));
  await m1.message({ request: 'unpublish_remotely', room: 11, publisher_id: joined.feed, remote_id: 'r1' }).catch((e: any) => console.log('unpublish again', e.message, e._code));
  await viewer.close(); await pub.close();
  await c1.close(); await c2.close();
} finally {
  await j1.stop(); await j2.stop();
}
console.log('done');
