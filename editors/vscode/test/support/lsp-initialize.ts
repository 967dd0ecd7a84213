/**
 * Starts a language server process over stdio and sends it one LSP
 * `initialize` request, framed as an editor frames it (Content-Length headers).
 */
import { spawn } from 'node:child_process';

export interface InitializeAnswer {
  readonly result?: { capabilities?: Record<string, unknown>; serverInfo?: { name?: string } };
  readonly error?: unknown;
}

export async function initializeServer(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<InitializeAnswer> {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A server that dies early closes its input; the exit below says why, not an EPIPE.
  child.stdin.on('error', () => undefined);
  const exited = new Promise<never>((_, reject) =>
    child.on('exit', (code) => reject(new Error(`the server exited (code ${code}) before answering:\n${stderr}`))),
  );
  try {
    send(child.stdin, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } });
    const answer = await Promise.race([firstResponse(child.stdout, 1), exited]);
    send(child.stdin, { jsonrpc: '2.0', id: 2, method: 'shutdown' });
    send(child.stdin, { jsonrpc: '2.0', method: 'exit' });
    return answer;
  } finally {
    child.kill();
  }
}

function send(stdin: NodeJS.WritableStream, message: object): void {
  const body = JSON.stringify(message);
  stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/** Reads framed messages until the response with the given id. */
async function firstResponse(stdout: NodeJS.ReadableStream, id: number): Promise<InitializeAnswer> {
  let buffer = Buffer.alloc(0);
  for await (const chunk of stdout) {
    buffer = Buffer.concat([buffer, chunk as Buffer]);
    for (;;) {
      const headerEnd = buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) break;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString())?.[1]);
      if (buffer.length < headerEnd + 4 + length) break;
      const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString()) as InitializeAnswer & { id?: number };
      buffer = buffer.subarray(headerEnd + 4 + length);
      if (message.id === id) return message;
    }
  }
  throw new Error('the server closed its output before answering');
}
