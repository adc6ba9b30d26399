import module from 'node:module';
import type JanodeDefault from 'janode';
import type VideoRoomPluginDefault from 'janode/plugins/videoroom';

/**
 * janode's connection module imports its Unix-socket transport, which loads the native addon
 * `unix-dgram` at import time. Parta only talks to Janus over WebSockets, and that addon is
 * compiled by `npm ci` for whichever Node runs npm (the system's), not for the Node 24 that runs
 * the server, so loading it fails ("compiled against a different Node.js version") or finds no
 * build at all. A resolve hook points `unix-dgram` at this stub instead; the Unix transport is
 * never used, so nothing else changes.
 */
const UNIX_DGRAM_STUB =
  'data:text/javascript,' +
  encodeURIComponent('export function createSocket() { throw new Error("janode Unix-socket transport is not available in Parta"); }');

let hooked = false;
let loading: Promise<{ Janode: typeof JanodeDefault; VideoRoomPlugin: typeof VideoRoomPluginDefault }> | undefined;

export function loadJanode() {
  if (!hooked && typeof module.registerHooks === 'function') {
    hooked = true;
    module.registerHooks({
      resolve(specifier, context, nextResolve) {
        if (specifier === 'unix-dgram') return { url: UNIX_DGRAM_STUB, shortCircuit: true, format: 'module' };
        return nextResolve(specifier, context);
      },
    });
  }
  loading ??= Promise.all([import('janode'), import('janode/plugins/videoroom')]).then(([janode, videoroom]) => {
    // janode logs to the console at info level by default; Parta logs what matters itself.
    janode.default.Logger.setLevel('none');
    return { Janode: janode.default, VideoRoomPlugin: videoroom.default };
  });
  return loading;
}
