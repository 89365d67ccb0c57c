// Injected before a bench page's own scripts (after tests/e2e/lib/instrument.js, which it
// wraps): stamps when each RTCPeerConnection reaches connectionState 'connected' (ICE + DTLS
// done), on the clock every bench page uses, performance.timeOrigin + performance.now()
// (comparable across the tabs of one browser).
(() => {
  const Native = window.RTCPeerConnection;
  if (!Native || window.__pcw) return;
  const now = () => performance.timeOrigin + performance.now();
  const w = { pcs: [] };
  window.__pcw = w;
  class Watched extends Native {
    constructor(...args) {
      super(...args);
      const rec = { createdAt: now(), connectedAt: null };
      w.pcs.push(rec);
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected' && rec.connectedAt === null) rec.connectedAt = now();
      });
    }
  }
  window.RTCPeerConnection = Watched;
})();
