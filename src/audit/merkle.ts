import { createHash } from 'node:crypto';

const sha256 = (...parts: (Buffer | string)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** A leaf: one case's chain head (case id, seq, event hash), domain-separated as in RFC 6962. */
export function leafHash(caseId: string, seq: number, headHash: string): string {
  return sha256(Buffer.from([0x00]), `${caseId}\u0000${seq}\u0000${headHash}`).toString('hex');
}

/** RFC 6962 Merkle tree hash over leaf hashes (hex); the empty tree hashes the empty string. */
export function merkleRoot(leaves: string[]): string {
  if (leaves.length === 0) return sha256('').toString('hex');
  return mth(leaves.map((l) => Buffer.from(l, 'hex'))).toString('hex');
}

function mth(nodes: Buffer[]): Buffer {
  if (nodes.length === 1) return nodes[0]!;
  let k = 1;
  while (k * 2 < nodes.length) k *= 2;
  return sha256(Buffer.from([0x01]), mth(nodes.slice(0, k)), mth(nodes.slice(k)));
}
