// Drives one exec, attach or port-forward session with @kubernetes/client-node's own classes
// (Exec, Attach, PortForward, WebSocketHandler), for the Java e2e tests.
//
//   node k8s-stream.mjs exec|attach <url> [--stdin] [--tty] [--no-stderr] [--size WxH]
//   node k8s-stream.mjs portforward <url> --port N
//
// Commands on stdin, one a line: "stdin <base64>", "close-stdin", "resize <w> <h>",
// "data <base64>", "close-data", "disconnect".
// Events on stdout, one a line: "open <protocol>", "stdout|stderr|data|error <base64>",
// "status <json>", "closed <code>", "failed <message>" (then exit 3).
import { Attach, Exec, KubeConfig, PortForward } from '@kubernetes/client-node';
// Not re-exported by the package index, but it is the handler Exec, Attach and PortForward use.
import { WebSocketHandler } from '@kubernetes/client-node/dist/web-socket-handler.js';
import readline from 'node:readline';
import { PassThrough, Writable } from 'node:stream';

const [mode, url, ...flags] = process.argv.slice(2);
const flag = (name) => flags.includes(name);
const option = (name) => {
  const i = flags.indexOf(name);
  return i >= 0 ? flags[i + 1] : undefined;
};

function emit(kind, payload) {
  process.stdout.write(`${kind} ${payload}\n`);
}

function sink(kind) {
  return new Writable({
    write(chunk, _encoding, done) {
      emit(kind, Buffer.from(chunk).toString('base64'));
      done();
    },
  });
}

const target = new URL(url);
const kc = new KubeConfig();
kc.loadFromOptions({
  // The library refuses a plain-http server unless TLS verification is off; there is no TLS here.
  clusters: [{ name: 'runtime', server: target.origin, skipTLSVerify: true }],
  users: [{ name: 'anonymous' }],
  contexts: [{ name: 'runtime', cluster: 'runtime', user: 'anonymous' }],
  currentContext: 'runtime',
});
const handler = new WebSocketHandler(kc);

// Exec, Attach and PortForward build the apiserver's path (/api/v1/namespaces/NS/pods/POD/exec?...)
// and hand it to their WebSocket interface. The kubelet proxies that request to the URL the
// runtime returned, keeping the query string; this interface does the same mapping and leaves
// everything else (subprotocols, channel framing, status, resize, stdin) to the library.
const runtimeUrl = {
  connect(path, textHandler, binaryHandler) {
    const q = path.indexOf('?');
    return handler.connect(target.pathname + (q >= 0 ? path.slice(q) : ''), textHandler, binaryHandler);
  },
};

const stdin = flag('--stdin') ? new PassThrough() : null;
const stdout = sink(mode === 'portforward' ? 'data' : 'stdout');
const stderr = flag('--no-stderr') ? null : sink(mode === 'portforward' ? 'error' : 'stderr');
const size = option('--size');
if (size) {
  // A stream with rows, columns and 'resize' events is what the library treats as a terminal.
  const [w, h] = size.split('x').map(Number);
  stdout.columns = w;
  stdout.rows = h;
}

let ws;
try {
  if (mode === 'exec') {
    ws = await new Exec(kc, runtimeUrl).exec('e2e', 'pod', 'ctr', [], stdout, stderr, stdin, flag('--tty'), (status) =>
      emit('status', JSON.stringify(status)),
    );
  } else if (mode === 'attach') {
    ws = await new Attach(kc, runtimeUrl).attach('e2e', 'pod', 'ctr', stdout, stderr, stdin, flag('--tty'));
  } else if (mode === 'portforward') {
    const input = new PassThrough();
    ws = await new PortForward(kc, true, runtimeUrl).portForward('e2e', 'pod', [Number(option('--port'))], stdout, stderr, input);
    ws.input = input;
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
} catch (e) {
  emit('failed', String(e && e.message ? e.message : e).replace(/\n/g, ' '));
  process.exit(3);
}

emit('open', ws.protocol);
ws.on('close', (code) => {
  emit('closed', code);
  process.exit(0);
});

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, ...args] = line.split(' ');
  switch (cmd) {
    case 'stdin':
      stdin.write(Buffer.from(args[0] ?? '', 'base64'));
      break;
    case 'close-stdin':
      stdin.end();
      break;
    case 'resize':
      stdout.columns = Number(args[0]);
      stdout.rows = Number(args[1]);
      stdout.emit('resize');
      break;
    case 'data':
      ws.input.write(Buffer.from(args[0] ?? '', 'base64'));
      break;
    case 'close-data':
      ws.input.end();
      break;
    case 'disconnect':
      ws.terminate();
      break;
    default:
      emit('failed', `unknown command ${cmd}`);
  }
});
