// Spreadsheet downloads without a library: CSV for Russian Excel and a
// minimal XLSX (Office Open XML) packed in a ZIP with the STORED method.
//
// CSV: UTF-8 with a byte order mark and ';' between fields, CRLF line ends.
// Excel opens a .csv with the system's regional "list separator", which is
// ';' wherever the decimal separator is ',' (ru-RU); with ',' every row would
// land in one column. Without the BOM Excel reads the file as Windows-1251
// and the Cyrillic turns into mojibake. Numbers are written with a decimal
// comma for the same reason.
//
// XLSX: the five parts Excel and LibreOffice need ([Content_Types].xml,
// _rels/.rels, xl/workbook.xml, xl/_rels/workbook.xml.rels,
// xl/worksheets/sheet1.xml), strings inline (no shared-strings part), numbers
// as numbers. STORED (no compression) keeps this module small; the sheets of
// a consolidated report are a few hundred KB at most.

export type SheetValue = string | number | null | undefined;

// ---------------------------------------------------------------- CSV

function csvField(v: SheetValue): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? String(v).replace('.', ',') : v;
  return /[";\r\n]/.test(s) || /^\s|\s$/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** The rows as CSV text for Russian Excel: BOM, ';', CRLF. */
export function toCsv(rows: SheetValue[][]): string {
  return '\uFEFF' + rows.map((r) => r.map(csvField).join(';')).join('\r\n') + '\r\n';
}

// ---------------------------------------------------------------- ZIP (STORED)

let crcTable: Uint32Array | null = null;

/** CRC-32 (IEEE 802.3, the ZIP one). */
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = (crcTable[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

/** A ZIP archive of the entries, each STORED (method 0), names flagged UTF-8. */
export function zipStored(entries: ZipEntry[], when: Date = new Date()): Uint8Array {
  const enc = new TextEncoder();
  const dosTime = (when.getHours() << 11) | (when.getMinutes() << 5) | Math.floor(when.getSeconds() / 2);
  const dosDate = (Math.max(0, when.getFullYear() - 1980) << 9) | ((when.getMonth() + 1) << 5) | when.getDate();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = enc.encode(e.name);
    const crc = crc32(e.data);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true); // version needed
    lv.setUint16(6, 0x0800, true); // UTF-8 names
    lv.setUint16(8, 0, true); // STORED
    lv.setUint16(10, dosTime, true);
    lv.setUint16(12, dosDate, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, e.data.length, true);
    lv.setUint32(22, e.data.length, true);
    lv.setUint16(26, name.length, true);
    lv.setUint16(28, 0, true);
    local.set(name, 30);
    const dir = new Uint8Array(46 + name.length);
    const dv = new DataView(dir.buffer);
    dv.setUint32(0, 0x02014b50, true);
    dv.setUint16(4, 20, true); // made by
    dv.setUint16(6, 20, true);
    dv.setUint16(8, 0x0800, true);
    dv.setUint16(10, 0, true);
    dv.setUint16(12, dosTime, true);
    dv.setUint16(14, dosDate, true);
    dv.setUint32(16, crc, true);
    dv.setUint32(20, e.data.length, true);
    dv.setUint32(24, e.data.length, true);
    dv.setUint16(28, name.length, true);
    // extra, comment, disk, internal and external attributes: 0
    dv.setUint32(42, offset, true);
    dir.set(name, 46);
    parts.push(local, e.data);
    central.push(dir);
    offset += local.length + e.data.length;
  }
  const dirSize = central.reduce((n, d) => n + d.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, dirSize, true);
  ev.setUint32(16, offset, true);
  const all = [...parts, ...central, end];
  const out = new Uint8Array(offset + dirSize + end.length);
  let at = 0;
  for (const p of all) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---------------------------------------------------------------- XLSX

function xmlText(s: string): string {
  // Characters XML 1.0 does not allow are dropped.
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A1-style column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnName(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

function sheetXml(rows: SheetValue[][]): string {
  const out: string[] = [XML_HEAD, `<worksheet xmlns="${NS_MAIN}"><sheetData>`];
  rows.forEach((row, r) => {
    out.push(`<row r="${r + 1}">`);
    row.forEach((v, c) => {
      const ref = columnName(c) + (r + 1);
      if (v === null || v === undefined || v === '') return;
      if (typeof v === 'number' && Number.isFinite(v)) out.push(`<c r="${ref}"><v>${v}</v></c>`);
      else {
        const s = String(v);
        const space = /^\s|\s$/.test(s) ? ' xml:space="preserve"' : '';
        out.push(`<c r="${ref}" t="inlineStr"><is><t${space}>${xmlText(s)}</t></is></c>`);
      }
    });
    out.push('</row>');
  });
  out.push('</sheetData></worksheet>');
  return out.join('');
}

/** A sheet name Excel accepts: at most 31 characters, none of []:*?/\. */
export function sheetName(name: string): string {
  const s = name.replace(/[[\]:*?/\\]/g, ' ').trim().slice(0, 31);
  return s || 'Sheet1';
}

/** An XLSX workbook with one sheet holding the rows. */
export function toXlsx(rows: SheetValue[][], name: string, when: Date = new Date()): Uint8Array {
  const enc = new TextEncoder();
  const part = (n: string, text: string): ZipEntry => ({ name: n, data: enc.encode(text) });
  return zipStored(
    [
      part(
        '[Content_Types].xml',
        XML_HEAD +
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
          '<Default Extension="xml" ContentType="application/xml"/>' +
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
          '</Types>',
      ),
      part(
        '_rels/.rels',
        XML_HEAD +
          `<Relationships xmlns="${NS_PKG_REL}">` +
          `<Relationship Id="rId1" Type="${NS_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
      ),
      part(
        'xl/workbook.xml',
        XML_HEAD +
          `<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><sheets>` +
          `<sheet name="${xmlText(sheetName(name))}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      ),
      part(
        'xl/_rels/workbook.xml.rels',
        XML_HEAD +
          `<Relationships xmlns="${NS_PKG_REL}">` +
          `<Relationship Id="rId1" Type="${NS_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
      ),
      part('xl/worksheets/sheet1.xml', sheetXml(rows)),
    ],
    when,
  );
}

/** Offers the bytes as a file download. */
export function download(name: string, type: string, data: Uint8Array | string): void {
  const blob = new Blob([data as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
