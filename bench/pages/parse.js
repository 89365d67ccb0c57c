// SIP parsing in the browser: our parser (bwclient-sip's Message::parse compiled to wasm,
// bench/wasm-parse) against JsSIP's own (lib/Parser.js parseMessage, the function its
// transport calls for every WebSocket frame), on the same corpus of messages (strings, as a
// WebSocket delivers them). Bundled by esbuild; the wasm glue is imported at run time.
import { parseMessage } from 'jssip/lib/Parser.js';

const now = () => performance.now();
let ours = null;

async function load() {
  if (!ours) {
    ours = await import('/bench/wasm-parse/parse.js');
    await ours.default();
  }
  return ours;
}

/** One implementation over the corpus: returns how many messages parsed in one pass. */
function pass(impl, frames) {
  let ok = 0;
  switch (impl) {
    case 'jssip':
      for (const f of frames) if (parseMessage(f, undefined) !== undefined) ok += 1;
      return ok;
    case 'ours-call-per-message':
      for (const f of frames) if (ours.parse_one(f)) ok += 1;
      return ok;
    case 'ours-call-per-message-typed':
      for (const f of frames) if (ours.parse_one_typed(f)) ok += 1;
      return ok;
    case 'ours-loop-in-wasm':
      return ours.parse_corpus(frames, 1);
    case 'ours-loop-in-wasm-typed':
      return ours.parse_corpus_typed(frames, 1);
    default:
      throw new Error(`unknown implementation ${impl}`);
  }
}

/**
 * Runs `impl` for about `ms` milliseconds; returns {perSecond, messages, ms}. The in-wasm loop
 * runs `batch` corpus passes per call so JS is out of the measurement.
 */
async function run(impl, frames, ms = 300) {
  await load();
  // Every message must parse, or the figure means nothing.
  const once = pass(impl, frames);
  if (once !== frames.length) throw new Error(`${impl} parsed ${once} of ${frames.length} messages`);
  const inWasm = impl.startsWith('ours-loop-in-wasm');
  const batch = 20;
  let messages = 0;
  const t0 = now();
  let t = t0;
  while (t - t0 < ms) {
    if (inWasm) {
      messages += (impl.endsWith('typed') ? ours.parse_corpus_typed : ours.parse_corpus)(frames, batch);
    } else {
      for (let i = 0; i < batch; i += 1) messages += pass(impl, frames);
    }
    t = now();
  }
  return { perSecond: (messages / (t - t0)) * 1000, messages, ms: t - t0 };
}

/** Which messages each parser accepts (for the report). */
async function check(frames) {
  await load();
  return frames.map((f) => ({ jssip: parseMessage(f, undefined) !== undefined, ours: ours.parse_one(f), oursTyped: ours.parse_one_typed(f) }));
}

window.bench = { ready: true, run, check };
