import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';

/** An identity provider's published keys and nothing else: one RS256 key (`kid` idp-1) at any path, for AUTH_JWKS_URL. */
export interface KeyServer {
  keys: Awaited<ReturnType<typeof generateKeyPair>>;
  /** The JWKS address at `path`. */
  url(path: string): string;
  close(): Promise<void>;
}

export async function startKeyServer(): Promise<KeyServer> {
  const keys = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
  const server: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { keys, url: (path) => `http://127.0.0.1:${port}${path}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
