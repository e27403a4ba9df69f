import yazl from 'yazl';

/** A zip archive of the given files, in the given order, all stamped with `mtime` (reproducible). */
export async function zipFiles(
  files: readonly { name: string; bytes: Uint8Array }[],
  mtime: Date,
): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const f of files) {
    zip.addBuffer(Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength), f.name, {
      mtime,
      compress: true,
    });
  }
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
  zip.end();
  return done;
}
