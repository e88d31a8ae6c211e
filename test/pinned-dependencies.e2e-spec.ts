import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import { samplePng } from './support/sample-files.js';

const samplePdf = () => Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

/**
 * package.json `overrides` hold three packages at their last release for Node 20 (the next majors want
 * Node 22). Each test drives the code path of the package that uses it, on the pinned version.
 */
describe('dependencies pinned for Node 20 by overrides', () => {
  /** The version npm installed for `from`'s dependency `pkg`: nested under it, or hoisted to the top. */
  const versionOf = (pkg: string, from: string) => {
    const root = join(__dirname, '..', 'node_modules');
    const file = [join(root, from, 'node_modules', pkg, 'package.json'), join(root, pkg, 'package.json')].find((f) => existsSync(f))!;
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  };

  it('content-disposition 2.0.1: @fastify/static downloads name the file, UTF-8 included', async () => {
    expect(versionOf('content-disposition', '@fastify/static')).toBe('2.0.1');
    const root = mkdtempSync(join(tmpdir(), 'onegate-static-'));
    writeFileSync(join(root, 'laporan.pdf'), samplePdf());
    const app = Fastify();
    try {
      await app.register(fastifyStatic, { root, serve: false });
      app.get('/download', (_req, reply) => reply.download('laporan.pdf', 'Laporan akhir — Muaro Jambi.pdf'));
      const res = await app.inject({ method: 'GET', url: '/download' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="Laporan akhir ? Muaro Jambi.pdf"; filename*=UTF-8''Laporan%20akhir%20%E2%80%94%20Muaro%20Jambi.pdf`);
      expect(res.rawPayload.equals(samplePdf())).toBe(true);
    } finally {
      await app.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("cookie 1.1.1: light-my-request (fastify's inject, Nest's app.inject) sends request cookies", async () => {
    expect(versionOf('cookie', 'light-my-request')).toBe('1.1.1');
    const app = Fastify();
    try {
      app.get('/echo', (req, reply) => reply.header('set-cookie', 'seen=1; Path=/; HttpOnly').send({ cookie: req.headers.cookie ?? null }));
      const res = await app.inject({ method: 'GET', url: '/echo', cookies: { session: 'a b;c', lang: 'id' } });
      expect(res.json()).toEqual({ cookie: 'session=a%20b%3Bc; lang=id' });
      expect(res.cookies).toEqual([{ name: 'seen', value: '1', path: '/', httpOnly: true }]);
      const scoped = await app.inject({ method: 'GET', url: '/echo', cookies: [{ name: 'only', value: 'admin', path: '/admin' }] });
      expect(scoped.json<{ cookie: string | null }>().cookie ?? '').not.toContain('only=');
    } finally {
      await app.close();
    }
  });

  it("file-type 21.3.4: @nestjs/common's FileTypeValidator reads the type from the bytes", () => {
    expect(versionOf('file-type', '@nestjs/common')).toBe('21.3.4');
    // In plain Node, as the server runs: Jest's CommonJS sandbox cannot take the validator's import('file-type').
    const script = `
      import { FileTypeValidator } from '@nestjs/common';
      const png = Buffer.from(${JSON.stringify(samplePng().toString('base64'))}, 'base64');
      const pdf = Buffer.from(${JSON.stringify(samplePdf().toString('base64'))}, 'base64');
      const asPng = new FileTypeValidator({ fileType: 'image/png' });
      const asPdf = new FileTypeValidator({ fileType: 'application/pdf' });
      console.log(JSON.stringify([
        await asPng.isValid({ buffer: png, mimetype: 'image/png' }),
        await asPng.isValid({ buffer: pdf, mimetype: 'image/png' }), // a PDF claiming to be a PNG: only the bytes tell
        await asPdf.isValid({ buffer: pdf, mimetype: 'image/png' }),
      ]));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: join(__dirname, '..'), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual([true, false, true]);
  });
});
