/**
 * A stand-in for the browser's MediaStream in jsdom (which has none): a list of tracks, of
 * whatever fake track the test uses.
 */
export class FakeMediaStream<Track extends { kind: 'audio' | 'video' }> {
  private tracks: Track[];
  constructor(tracks: Track[] = []) {
    this.tracks = [...tracks];
  }
  getTracks() {
    return [...this.tracks];
  }
  getAudioTracks() {
    return this.tracks.filter((track) => track.kind === 'audio');
  }
  getVideoTracks() {
    return this.tracks.filter((track) => track.kind === 'video');
  }
  addTrack(track: Track) {
    this.tracks.push(track);
  }
  removeTrack(track: Track) {
    this.tracks = this.tracks.filter((other) => other !== track);
  }
}
