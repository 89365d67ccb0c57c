// Legacy BWClient code, as pages were written against bandwidth-webrtc 0.9.x (ES5, global
// BWClient, EventEmitter-style phone and call). Exposes window.legacy for the e2e specs.
(function () {
  var params = new URLSearchParams(location.search);
  var phone;
  var currentCall;

  function $(id) { return document.getElementById(id); }
  function log(text) {
    var li = document.createElement('li');
    li.textContent = new Date().toISOString().slice(11, 23) + ' ' + text;
    $('log').insertBefore(li, $('log').firstChild);
    window.legacy.events.push({ at: Date.now(), text: text });
  }
  function showCall() {
    if (!currentCall) { $('callStatus').textContent = 'none'; return; }
    var info = currentCall.getInfo();
    $('callStatus').textContent = info.status;
    $('callInfo').textContent = info.direction + ' ' + info.remoteUri + (info.microphoneMuted ? ' (muted)' : '');
    $('acceptButton').disabled = !(info.direction === 'in' && info.status === 'connecting');
    $('rejectButton').disabled = $('acceptButton').disabled;
    $('hangupButton').disabled = info.status === 'ended';
    $('muteButton').disabled = info.status !== 'connected';
    $('muteButton').textContent = info.microphoneMuted ? 'Unmute' : 'Mute';
  }

  function bindCall(call) {
    currentCall = call;
    window.legacy.call = call;
    call.on('connecting', function () { log('call connecting'); showCall(); });
    call.on('connected', function () { log('call connected'); showCall(); });
    call.on('ended', function () { log('call ended'); showCall(); });
    showCall();
  }

  function start() {
    phone = BWClient.createPhone({
      username: params.get('username'),
      domain: params.get('domain'),
      authToken: params.get('authToken'),
      logLevel: 'debug'
    });
    window.legacy.phone = phone;
    phone.on('registrationSuccess', function () { $('status').textContent = 'registered'; log('registrationSuccess'); });
    phone.on('registrationFailed', function () { $('status').textContent = 'registration failed'; log('registrationFailed'); });
    phone.on('incomingCall', function (call) {
      log('incomingCall from ' + call.getInfo().remoteUri);
      bindCall(call);
    });
    phone.register();
  }

  $('callButton').onclick = function () {
    var uri = $('number').value;
    if (!uri) return;
    bindCall(phone.call(uri));
  };
  $('acceptButton').onclick = function () { currentCall.accept(); showCall(); };
  $('rejectButton').onclick = function () { currentCall.reject(); showCall(); };
  $('hangupButton').onclick = function () { currentCall.hangup(); showCall(); };
  $('muteButton').onclick = function () {
    if (currentCall.getInfo().microphoneMuted) currentCall.unmute(); else currentCall.mute();
    showCall();
  };
  Array.prototype.forEach.call(document.querySelectorAll('#pad button'), function (b) {
    b.onclick = function () { if (currentCall) currentCall.sendDtmf(b.textContent); };
  });

  window.legacy = { events: [], phone: null, call: null };
  if (window.BWClient) start(); else window.addEventListener('bwclient-ready', start);
})();
