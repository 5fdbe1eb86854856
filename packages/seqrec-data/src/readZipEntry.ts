/**
 * Minimal ZIP reader (PKWARE APPNOTE §4.3): walks the central directory and inflates one entry
 * with node:zlib, so `ml-1m.zip` loads without a dependency. Stored (0) and deflate (8) entries
 * only; ZIP64 and encryption are rejected with an error naming the archive.
 */
import { inflateRawSync } from 'node:zlib';
import { DataFormatError } from './DataFormatError';

const EOCD_SIG = 0x06054b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  flags: number;
}

/** Lists the entries of a ZIP archive held in memory. `source` names the archive in errors. */
export function listZipEntries(zip: Uint8Array, source: string): ZipEntry[] {
  const buf = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  // The end-of-central-directory record is the last 22 bytes plus an optional comment (<= 64 KiB).
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new DataFormatError(source, 0, 'not a ZIP archive (no end of central directory record)');
  const count = buf.readUInt16LE(eocd + 10);
  let offset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || offset === 0xffffffff)
    throw new DataFormatError(source, 0, 'ZIP64 archives are not supported');
  const entries: ZipEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (offset + 46 > buf.length || buf.readUInt32LE(offset) !== CENTRAL_SIG) {
      throw new DataFormatError(source, 0, `corrupt ZIP central directory (entry ${k} at byte ${offset})`);
    }
    const nameLength = buf.readUInt16LE(offset + 28);
    const extraLength = buf.readUInt16LE(offset + 30);
    const commentLength = buf.readUInt16LE(offset + 32);
    entries.push({
      flags: buf.readUInt16LE(offset + 8),
      method: buf.readUInt16LE(offset + 10),
      compressedSize: buf.readUInt32LE(offset + 20),
      size: buf.readUInt32LE(offset + 24),
      localHeaderOffset: buf.readUInt32LE(offset + 42),
      name: buf.toString('utf8', offset + 46, offset + 46 + nameLength),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The uncompressed bytes of one entry. */
export function readZipEntry(zip: Uint8Array, entry: ZipEntry, source: string): Buffer {
  const buf = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  const where = `${source}/${entry.name}`;
  const at = entry.localHeaderOffset;
  if (at + 30 > buf.length || buf.readUInt32LE(at) !== LOCAL_SIG)
    throw new DataFormatError(where, 0, 'corrupt ZIP local header');
  if (entry.flags & 1) throw new DataFormatError(where, 0, 'encrypted ZIP entries are not supported');
  // Sizes come from the central directory: the local header may defer them to a data descriptor.
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  const data = buf.subarray(start, start + entry.compressedSize);
  let out: Buffer;
  if (entry.method === 0) out = data;
  else if (entry.method === 8) out = inflateRawSync(data);
  else
    throw new DataFormatError(where, 0, `unsupported ZIP compression method ${entry.method} (only stored and deflate)`);
  if (out.length !== entry.size)
    throw new DataFormatError(where, 0, `ZIP entry inflated to ${out.length} bytes, expected ${entry.size}`);
  return out;
}
