/**
 * loadInteractions: read an interaction file of any spec format (DATA_AND_EVAL.md §Input formats)
 * from disk, streaming. Accepts plain text, gzip (`.gz`, detected by magic bytes), a ZIP archive
 * such as `ml-1m.zip` (its `ratings.dat` or `u.data`), or a folder holding one of those files.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DataFormatError } from './DataFormatError';
import { excerpt } from './excerpt';
import { InteractionParser } from './InteractionParser';
import { type InteractionLog, type LoadOptions } from './InteractionLog';
import { listZipEntries, readZipEntry } from './readZipEntry';

/** Files looked for, in this order, inside a folder or a ZIP archive. */
const KNOWN_FILES = ['ratings.dat', 'ratings.dat.gz', 'u.data'];
const CHUNK_BYTES = 1 << 20;
// Large enough to keep parse cost per chunk low, small enough not to hold a whole file as one string.
const ZIP_TEXT_CHUNK = 1 << 22;

async function parseStream(stream: Readable, source: string, options: LoadOptions): Promise<InteractionLog> {
  stream.setEncoding('utf8'); // decodes multi-byte characters split across chunks correctly
  const parser = new InteractionParser(source, options);
  for await (const chunk of stream) parser.push(chunk as string);
  return parser.end();
}

async function readMagic(file: string): Promise<Buffer> {
  const handle = await fsp.open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function loadZip(zip: Buffer, source: string, options: LoadOptions): InteractionLog {
  const entries = listZipEntries(zip, source).filter((e) => !e.name.endsWith('/'));
  let entry = KNOWN_FILES.map((name) => entries.find((e) => path.posix.basename(e.name) === name)).find(
    (e) => e !== undefined,
  );
  // A lone entry is taken only when named as the archive (`data.zip` holding `data.csv`): an
  // unrelated file (a README) must not be read as interactions.
  const stem = (name: string) => path.posix.basename(name).replace(/\.[^.]*$/, '');
  if (entry === undefined && entries.length === 1 && stem(entries[0]!.name) === stem(source)) entry = entries[0];
  if (entry === undefined) {
    throw new DataFormatError(
      source,
      0,
      `no ${KNOWN_FILES.join(' or ')} in the archive, nor one entry named as the archive (entries: ${entries
        .slice(0, 5)
        .map((e) => excerpt(e.name))
        .join(', ')}${entries.length > 5 ? ', ...' : ''})`,
    );
  }
  if (entry.name.endsWith('.gz'))
    throw new DataFormatError(source, 0, `gzip inside ZIP is not supported (${entry.name})`);
  const bytes = readZipEntry(zip, entry, source);
  const parser = new InteractionParser(`${source}/${entry.name}`, options);
  const decoder = new TextDecoder('utf-8');
  for (let i = 0; i < bytes.length; i += ZIP_TEXT_CHUNK) {
    parser.push(decoder.decode(bytes.subarray(i, i + ZIP_TEXT_CHUNK), { stream: true }));
  }
  parser.push(decoder.decode());
  return parser.end();
}

/**
 * Loads interactions from `file` (plain text, .gz, .zip, or a folder with ratings.dat / u.data).
 * The format is detected from the content unless `options.format` is given.
 * Throws `DataFormatError` naming the file (and line) on any problem, including a missing file.
 */
export async function loadInteractions(file: string, options: LoadOptions = {}): Promise<InteractionLog> {
  let stat;
  try {
    stat = await fsp.stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DataFormatError(
      file,
      0,
      code === 'ENOENT' ? 'no such file or directory' : `cannot read (${describeCode(code) ?? String(err)})`,
    );
  }
  if (!stat.isDirectory() && !stat.isFile())
    throw new DataFormatError(file, 0, 'not a regular file (a device, pipe or socket); give a file or a folder');
  if (stat.isDirectory()) {
    for (const name of KNOWN_FILES) {
      const candidate = path.join(file, name);
      if ((await fsp.stat(candidate).catch(() => null))?.isFile()) return loadInteractions(candidate, options);
    }
    throw new DataFormatError(file, 0, `folder holds none of ${KNOWN_FILES.join(', ')}`);
  }
  try {
    return await loadFile(file, options);
  } catch (err) {
    if (err instanceof DataFormatError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined) throw err;
    throw new DataFormatError(file, 0, `cannot read (${describeCode(code)})`);
  }
}

/** `EACCES` -> 'permission denied (EACCES)'. */
function describeCode(code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  const meaning: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'is a folder',
    EIO: 'input/output error',
  };
  return meaning[code] !== undefined ? `${meaning[code]}, ${code}` : code;
}

async function loadFile(file: string, options: LoadOptions): Promise<InteractionLog> {
  const magic = await readMagic(file);
  if (magic.length >= 2 && magic[0] === 0x1f && magic[1] === 0x8b) {
    const gunzip = createReadStream(file, { highWaterMark: CHUNK_BYTES }).pipe(createGunzip());
    try {
      return await parseStream(gunzip, file, options);
    } catch (err) {
      if (err instanceof DataFormatError) throw err;
      throw new DataFormatError(file, 0, `corrupt gzip data (${(err as Error).message})`);
    }
  }
  if (magic.length === 4 && magic.readUInt32LE(0) === 0x04034b50) {
    return loadZip(await fsp.readFile(file), file, options);
  }
  return parseStream(createReadStream(file, { highWaterMark: CHUNK_BYTES }), file, options);
}
