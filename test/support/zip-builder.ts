import { createDeflateRaw, crc32, deflateRawSync } from 'node:zlib';

/** One entry of a hand-made zip: its bytes (deflated here), and how its headers may lie or hide it. */
export interface ZipEntrySpec {
  name: string;
  /** The entry's bytes, or what deflatedZeros() made for a large entry that is never held in memory whole. */
  data: Buffer | Deflated;
  /** Left out of the central directory: its local header and data still sit between the listed entries. */
  hidden?: boolean;
  /** The uncompressed size the headers declare, when it should differ from the truth. */
  declaredSize?: number;
}

/**
 * A zip built byte by byte for hostile-input tests (archivers refuse to write lies): local headers and
 * deflated data back to back, then the central directory of the entries not `hidden`, then its end record.
 */
export function buildZip(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const given = Buffer.isBuffer(e.data) ? { deflated: deflateRawSync(e.data), size: e.data.length, crc: crc32(e.data) >>> 0 } : e.data;
    const data = given.deflated;
    const crc = given.crc;
    const size = e.declaredSize ?? given.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, data);
    if (!e.hidden) {
      const c = Buffer.alloc(46);
      c.writeUInt32LE(0x02014b50, 0);
      c.writeUInt16LE(20, 4);
      c.writeUInt16LE(20, 6);
      c.writeUInt16LE(0x0800, 8);
      c.writeUInt16LE(8, 10);
      c.writeUInt32LE(crc, 16);
      c.writeUInt32LE(data.length, 20);
      c.writeUInt32LE(size, 24);
      c.writeUInt16LE(name.length, 28);
      c.writeUInt32LE(offset, 42);
      central.push(c, name);
    }
    offset += 30 + name.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const listed = entries.filter((e) => !e.hidden).length;
  end.writeUInt16LE(listed, 8);
  end.writeUInt16LE(listed, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

export interface Deflated {
  deflated: Buffer;
  size: number;
  crc: number;
}

/** `size` zero bytes deflated a MiB at a time: a bomb's payload (1,000:1) without holding it inflated. */
export async function deflatedZeros(size: number): Promise<Deflated> {
  const chunk = Buffer.alloc(2 ** 20);
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  let crc = 0;
  for (let left = size; left > 0; left -= chunk.length) {
    const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
    crc = crc32(piece, crc);
    if (!deflate.write(piece)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await done;
  return { deflated: Buffer.concat(out), size, crc: crc >>> 0 };
}
