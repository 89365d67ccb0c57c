// Compile-time checks of the package's .d.ts (tsc --noEmit; Vite never bundles this file).
// Each @ts-expect-error must see an error: if a type decayed to `any`, the directive itself
// becomes the error ("Unused '@ts-expect-error' directive") and the type check fails.
import { BWClient, type Call, type CallStats, type LoginOptions, type Phone } from 'bwclient';

export async function usage(token: string): Promise<void> {
  const options: LoginOptions = {
    server: 'wss://sip.example.test/sip',
    logLevel: 'debug',
    iceServers: [{ urls: 'stun:stun.example.test:3478' }],
    reconnect: { initialMs: 500, maxMs: 10_000 },
    dtmf: 'info',
  };
  const phone: Phone = await BWClient.login(token, options);
  phone.on('incomingCall', (call) => call.answer());
  phone.on('registrationFailed', ({ code, status, reason }) => console.warn(code, status, reason));
  phone.on('tokenWillExpire', ({ secondsLeft }) => console.info(secondsLeft.toFixed(0)));
  phone.on('log', ({ level, message }) => console.debug(level, message));
  phone.on('reconnecting', ({ attempt, server, reason }) => console.info(attempt, server, reason === 'keepalive_timeout'));
  // @ts-expect-error: reason is one of 'closed' | 'connect_timeout' | 'keepalive_timeout'
  phone.on('reconnecting', ({ reason }) => reason === 'pong_timeout');
  const keepAlive: LoginOptions = { keepAliveSeconds: 0 };
  // @ts-expect-error: keepAliveSeconds is a number of seconds
  const badKeepAlive: LoginOptions = { keepAliveSeconds: true };
  console.info(keepAlive, badKeepAlive);
  phone.on('reconnected', ({ server }) => console.info(server === phone.server));
  const failover = await BWClient.login(token, { servers: ['wss://a.example.test/sip', 'wss://b.example.test/sip'] });
  const on: string = failover.server;
  const callServer: string | null = failover.call('bob').getInfo().server;
  console.info(on, callServer);

  const call: Call = phone.call('bob', { extraHeaders: ['X-Foo: bar'] });
  call.on('ended', ({ reason, code }) => console.info(reason, code ?? 0));
  call.on('held', ({ by }) => console.info(by === 'local'));
  const held: boolean = call.getInfo().held;
  const started: number | null = call.getInfo().startTime;
  const stats: CallStats = await call.getStats();
  console.info(held, started, stats.mos, call.getInfo().direction === 'out');
  call.sendDtmf('12#');
  call.hangup();
  await phone.logout();

  const legacy = BWClient.createPhone({ username: 'alice', domain: 'example.test', authToken: token });
  legacy.on('registrationSuccess', ({ expires }) => console.info(expires));
  legacy.register();

  // Negative controls: each line below must NOT type-check.
  // @ts-expect-error -- not a log level
  await BWClient.login(token, { logLevel: 'loud' });
  // @ts-expect-error -- not an option
  await BWClient.login(token, { sever: 'wss://typo.example.test' });
  // @ts-expect-error -- `servers` is a list
  await BWClient.login(token, { servers: 'wss://a.example.test/sip' });
  // @ts-expect-error -- `phone.server` is read-only
  phone.server = 'wss://elsewhere.example.test/sip';
  // @ts-expect-error -- an incoming call has no `pickUp`
  phone.on('incomingCall', (c) => c.pickUp());
  // @ts-expect-error -- `held` is a boolean
  const heldText: string = call.getInfo().held;
  // @ts-expect-error -- the ended payload has no `cause`
  call.on('ended', ({ cause }) => console.info(cause));
  // @ts-expect-error -- no such call event
  call.on('answeredElsewhere', () => {});
  console.info(heldText);
}
