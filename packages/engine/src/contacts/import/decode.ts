// Turns the bytes of an import file into text. Files reach us from Swedish Excel
// (Windows-1252 or UTF-8 with BOM), from "Unicode text" exports (UTF-16 LE with BOM), from
// Outlook, Google and phones (UTF-8). A byte sequence that is not valid UTF-8 is taken as
// Windows-1252, which is what an unmarked file from a Swedish Windows machine is.
import iconv from 'iconv-lite';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'windows-1252';

export interface DecodedText {
  text: string;
  encoding: TextEncoding;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function detectEncoding(bytes: Uint8Array): TextEncoding {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  // UTF-16 LE without a BOM: Latin text has a zero in every second byte.
  const probe = Math.min(bytes.length, 2000) & ~1;
  let oddZeros = 0;
  for (let i = 1; i < probe; i += 2) if (bytes[i] === 0) oddZeros++;
  if (probe >= 4 && oddZeros > probe / 2 / 2) return 'utf-16le';
  try {
    utf8.decode(bytes);
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

export class UnsupportedEncodingError extends Error {}

export function decodeText(bytes: Uint8Array, forced?: TextEncoding): DecodedText {
  if (bytes[0] === 0xfe && bytes[1] === 0xff && !forced) {
    throw new UnsupportedEncodingError(
      'The file is UTF-16 big-endian, which GDial does not read; save it as UTF-8 or "Unicode text" (UTF-16 LE).',
    );
  }
  const encoding = forced ?? detectEncoding(bytes);
  let text: string;
  switch (encoding) {
    case 'utf-8':
      if (forced) text = new TextDecoder('utf-8').decode(bytes);
      else text = utf8.decode(bytes);
      break;
    case 'utf-16le':
      text = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'utf-16le');
      break;
    case 'windows-1252':
      text = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'windows-1252');
      break;
    default: {
      const unexpected: never = encoding;
      throw new Error(`unknown encoding ${String(unexpected)}`);
    }
  }
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, encoding };
}
