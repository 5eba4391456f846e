import { FormatError } from '@nn/tensor';

/** One image component of a JPEG frame, with the block grid the decoder (jpeg-js) builds for it. */
export interface JpegComponent {
  id: number;
  h: number;
  v: number;
  /** Blocks holding image data, across and down. */
  blocksPerLine: number;
  blocksPerColumn: number;
  /** Blocks allocated: the grid padded to whole MCUs. */
  allocatedBlocks: number;
}

/** One scan: how many blocks it codes and how many bits of entropy-coded data it has for them. */
export interface JpegScan {
  codedBlocks: number;
  /** The fewest bits any encoder could spend on codedBlocks blocks of this kind of scan. */
  minBits: number;
  availableBits: number;
}

/** What a JPEG's markers say, read without decoding anything. */
export interface JpegStructure {
  width: number;
  height: number;
  progressive: boolean;
  components: JpegComponent[];
  /** Minimum coded units in the frame (the unit of an interleaved scan). */
  mcus: number;
  scans: JpegScan[];
  /** An APP14 'Adobe' segment is present (jpeg-js needs it for 4 components). */
  adobe: boolean;
}

type Frame = Omit<JpegStructure, 'scans' | 'adobe'>;

// A progressive AC scan codes a run of up to 32767 empty blocks (EOBRUN, r <= 14) with one symbol.
const MAX_EOB_RUN = 32767;

/**
 * Walks the marker segments of a JPEG and checks that they are well formed (every length in bounds, tables that
 * exactly fill their segments, one frame, scans naming its components), without decoding or allocating per
 * pixel. Anything the decoder could read differently from this walk is refused, so the limits checked on the
 * result hold for what the decoder will do.
 */
export function readJpegStructure(bytes: Uint8Array, what: string): JpegStructure {
  const corrupt = (problem: string) => new FormatError(`${what}: corrupt JPEG: ${problem}`);
  const u16 = (at: number) => (bytes[at]! << 8) | bytes[at + 1]!;
  let frame: Frame | undefined;
  const scans: JpegScan[] = [];
  let adobe = false;
  let at = 2;
  while (true) {
    if (at >= bytes.length || bytes[at] !== 0xff) throw corrupt(`no marker at byte ${at}`);
    while (bytes[at] === 0xff) at++; // fill bytes
    if (at >= bytes.length) throw corrupt('truncated before EOI');
    const marker = bytes[at++]!;
    if (marker === 0xd9) break; // EOI
    if (marker === 0x00 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      throw corrupt(`unexpected marker 0xff${marker.toString(16)} at byte ${at - 2}`);
    }
    if (at + 2 > bytes.length) throw corrupt('truncated segment length');
    const length = u16(at);
    const end = at + length;
    if (length < 2 || end > bytes.length) {
      throw corrupt(`segment 0xff${marker.toString(16)} claims ${length} bytes, ${bytes.length - at} left`);
    }
    const body = at + 2;
    if (marker === 0xc0 || marker === 0xc1 || marker === 0xc2) {
      if (frame !== undefined) throw corrupt('more than one frame (SOF) segment');
      frame = readFrame(bytes, body, end, marker === 0xc2, corrupt);
    } else if (marker >= 0xc3 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      throw new FormatError(
        `${what}: unsupported JPEG: lossless, hierarchical or arithmetic-coded (SOF 0x${marker.toString(16)})`,
      );
    } else if (marker === 0xc4) {
      checkHuffmanTables(bytes, body, end, corrupt);
    } else if (marker === 0xdb) {
      checkQuantizationTables(bytes, body, end, corrupt);
    } else if (marker === 0xdd || marker === 0xdc) {
      if (length !== 4) throw corrupt(`DRI/DNL segment of ${length} bytes`);
    } else if (marker === 0xda) {
      if (frame === undefined) throw corrupt('scan (SOS) before the frame header (SOF)');
      const scan = readScanHeader(bytes, body, end, frame, corrupt);
      const entropyEnd = endOfEntropyCodedData(bytes, end);
      scans.push({ ...scan, availableBits: (entropyEnd - end) * 8 });
      at = entropyEnd;
      continue;
    } else if (marker === 0xee) {
      adobe ||= length >= 14 && String.fromCharCode(...bytes.subarray(body, body + 6)) === 'Adobe\0';
    } else if (!((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe)) {
      throw corrupt(`unknown marker 0xff${marker.toString(16)} at byte ${at - 2}`);
    }
    at = end;
  }
  if (frame === undefined) throw corrupt('no frame header (SOF)');
  if (scans.length === 0) throw corrupt('no scan (SOS)');
  return { ...frame, scans, adobe };
}

function readFrame(
  bytes: Uint8Array,
  body: number,
  end: number,
  progressive: boolean,
  corrupt: (problem: string) => FormatError,
): Frame {
  const precision = bytes[body]!;
  const height = (bytes[body + 1]! << 8) | bytes[body + 2]!;
  const width = (bytes[body + 3]! << 8) | bytes[body + 4]!;
  const count = bytes[body + 5]!;
  if (end - body !== 6 + 3 * count) throw corrupt(`frame header of ${end - body + 2} bytes for ${count} components`);
  if (precision !== 8) throw corrupt(`${precision}-bit samples (only 8-bit JPEG is supported)`);
  if (width === 0 || height === 0) throw corrupt(`image is ${width}x${height}`);
  if (count !== 1 && count !== 3 && count !== 4) throw corrupt(`${count} components (1, 3 or 4 are supported)`);
  const raw: { id: number; h: number; v: number }[] = [];
  for (let i = 0; i < count; i++) {
    const at = body + 6 + 3 * i;
    const id = bytes[at]!;
    const h = bytes[at + 1]! >> 4;
    const v = bytes[at + 1]! & 15;
    if (h < 1 || h > 4 || v < 1 || v > 4) throw corrupt(`component ${id} has sampling factors ${h}x${v}`);
    if (raw.some((c) => c.id === id)) throw corrupt(`component id ${id} appears twice`);
    raw.push({ id, h, v });
  }
  // The same grid arithmetic as the decoder's, so that block counts match what it allocates and visits.
  const maxH = Math.max(...raw.map((c) => c.h));
  const maxV = Math.max(...raw.map((c) => c.v));
  const mcusPerLine = Math.ceil(width / 8 / maxH);
  const mcusPerColumn = Math.ceil(height / 8 / maxV);
  const components = raw.map((c) => ({
    ...c,
    blocksPerLine: Math.ceil((Math.ceil(width / 8) * c.h) / maxH),
    blocksPerColumn: Math.ceil((Math.ceil(height / 8) * c.v) / maxV),
    allocatedBlocks: mcusPerLine * c.h * mcusPerColumn * c.v,
  }));
  return { width, height, progressive, components, mcus: mcusPerLine * mcusPerColumn };
}

function readScanHeader(
  bytes: Uint8Array,
  body: number,
  end: number,
  frame: Frame,
  corrupt: (problem: string) => FormatError,
): Omit<JpegScan, 'availableBits'> {
  const count = bytes[body]!;
  if (count < 1 || count > 4 || end - body !== 4 + 2 * count) {
    throw corrupt(`scan header of ${end - body + 2} bytes for ${count} components`);
  }
  const members: JpegComponent[] = [];
  for (let i = 0; i < count; i++) {
    const id = bytes[body + 1 + 2 * i]!;
    const component = frame.components.find((c) => c.id === id);
    if (component === undefined) throw corrupt(`scan names component ${id}, which the frame does not have`);
    members.push(component);
  }
  const spectralStart = bytes[body + 1 + 2 * count]!;
  // A one-component scan codes that component's own grid; an interleaved one codes whole MCUs.
  const codedBlocks =
    count === 1
      ? members[0]!.blocksPerLine * members[0]!.blocksPerColumn
      : frame.mcus * members.reduce((sum, c) => sum + c.h * c.v, 0);
  // Each block costs at least one Huffman code of >= 1 bit per coded symbol: DC + end-of-block in a baseline
  // scan, the DC difference (or one refinement bit) in a progressive DC scan, and one EOB run per 32767 blocks
  // in a progressive AC scan.
  const minBits = !frame.progressive
    ? 2 * codedBlocks
    : spectralStart === 0
      ? codedBlocks
      : Math.ceil(codedBlocks / MAX_EOB_RUN);
  return { codedBlocks, minBits };
}

/** The index of the first marker after entropy-coded data: 0xFF followed by anything but 0x00 (stuffing) or RSTn. */
function endOfEntropyCodedData(bytes: Uint8Array, from: number): number {
  let at = from;
  while (true) {
    at = bytes.indexOf(0xff, at);
    if (at < 0 || at + 1 >= bytes.length) return bytes.length;
    const next = bytes[at + 1]!;
    if (next !== 0x00 && (next < 0xd0 || next > 0xd7)) return at;
    at += 2;
  }
}

function checkHuffmanTables(bytes: Uint8Array, at: number, end: number, corrupt: (p: string) => FormatError): void {
  while (at < end) {
    if (at + 17 > end) throw corrupt('Huffman table (DHT) cut short');
    let symbols = 0;
    for (let i = 1; i <= 16; i++) symbols += bytes[at + i]!;
    if (symbols > 256) throw corrupt(`Huffman table with ${symbols} symbols`);
    at += 17 + symbols;
  }
  if (at !== end) throw corrupt('Huffman tables (DHT) overrun their segment');
}

function checkQuantizationTables(bytes: Uint8Array, at: number, end: number, corrupt: (p: string) => FormatError) {
  while (at < end) {
    const precision = bytes[at]! >> 4;
    if (precision > 1) throw corrupt(`quantization table precision ${precision}`);
    at += 1 + 64 * (precision + 1);
  }
  if (at !== end) throw corrupt('quantization tables (DQT) overrun their segment');
}
