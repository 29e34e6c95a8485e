// Unit test of src/sheet.ts (CSV for Russian Excel, the STORED ZIP, the XLSX
// parts): the archive is read back by an independent reader here, its CRC-32
// checked with node's zlib, and the cells compared, Cyrillic included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { columnName, crc32, sheetName, toCsv, toXlsx, zipStored } from '../src/sheet';

/** Entries of a ZIP by its central directory; checks each local header against it. */
function unzip(buf: Uint8Array): Map<string, { method: number; data: Uint8Array; crc: number }> {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const eocd = buf.length - 22;
  assert.equal(v.getUint32(eocd, true), 0x06054b50, 'end of central directory');
  const count = v.getUint16(eocd + 10, true);
  let p = v.getUint32(eocd + 16, true);
  const out = new Map<string, { method: number; data: Uint8Array; crc: number }>();
  const dec = new TextDecoder();
  for (let i = 0; i < count; i++) {
    assert.equal(v.getUint32(p, true), 0x02014b50, 'central header');
    const method = v.getUint16(p + 10, true);
    const crc = v.getUint32(p + 16, true);
    const size = v.getUint32(p + 20, true);
    const nameLen = v.getUint16(p + 28, true);
    const extra = v.getUint16(p + 30, true);
    const comment = v.getUint16(p + 32, true);
    const local = v.getUint32(p + 42, true);
    const name = dec.decode(buf.subarray(p + 46, p + 46 + nameLen));
    assert.equal(v.getUint32(local, true), 0x04034b50, 'local header of ' + name);
    assert.equal(v.getUint32(local + 14, true), crc, 'local CRC of ' + name);
    const lname = v.getUint16(local + 26, true);
    const lextra = v.getUint16(local + 28, true);
    const start = local + 30 + lname + lextra;
    out.set(name, { method, crc, data: buf.subarray(start, start + size) });
    p += 46 + nameLen + extra + comment;
  }
  return out;
}

test('crc32 matches the standard check value and zlib', () => {
  const enc = new TextEncoder();
  assert.equal(crc32(enc.encode('123456789')), 0xcbf43926);
  const text = enc.encode('Сводный отчёт «Контингент» — МБОУ СОШ № 1');
  assert.equal(crc32(text), zlibCrc32(text));
  assert.equal(crc32(new Uint8Array(0)), 0);
});

test('CSV: BOM, semicolons, CRLF, quoting, decimal comma', () => {
  const csv = toCsv([
    ['Школа', 'Класс', 'Число'],
    ['МБОУ "Гимназия"; № 2', '5', 23],
    ['Итого', null, 0.75],
  ]);
  assert.ok(csv.startsWith('\uFEFF'), 'BOM first');
  assert.equal(
    csv,
    '\uFEFFШкола;Класс;Число\r\n"МБОУ ""Гимназия""; № 2";5;23\r\nИтого;;0,75\r\n',
  );
});

test('column names and sheet names', () => {
  assert.deepEqual([0, 25, 26, 27, 701, 702].map(columnName), ['A', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  assert.equal(sheetName('Контингент: 2026/11?'), 'Контингент  2026 11');
  assert.equal(sheetName('a'.repeat(40)).length, 31);
});

test('zipStored: every entry STORED with its CRC and bytes', () => {
  const enc = new TextEncoder();
  const zip = zipStored([
    { name: 'a.txt', data: enc.encode('привет') },
    { name: 'dir/b.bin', data: new Uint8Array([0, 1, 2, 255]) },
  ]);
  const files = unzip(zip);
  assert.deepEqual([...files.keys()], ['a.txt', 'dir/b.bin']);
  for (const f of files.values()) {
    assert.equal(f.method, 0);
    assert.equal(f.crc, zlibCrc32(f.data));
  }
  assert.equal(new TextDecoder().decode(files.get('a.txt')!.data), 'привет');
  assert.deepEqual([...files.get('dir/b.bin')!.data], [0, 1, 2, 255]);
});

test('toXlsx: the five parts, inline Cyrillic strings, numbers as numbers, escaping', () => {
  const xlsx = toXlsx(
    [
      ['Учреждение', 'Класс', 'Число'],
      ['МБОУ СОШ № 1 «Ёлочка» & <ко>', '5', 23],
      ['Итого', null, '≤4'],
    ],
    'Контингент',
  );
  const files = unzip(xlsx);
  assert.deepEqual(
    [...files.keys()].sort(),
    ['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml'],
  );
  const text = (n: string) => new TextDecoder().decode(files.get(n)!.data);
  assert.match(text('[Content_Types].xml'), /PartName="\/xl\/worksheets\/sheet1.xml"/);
  assert.match(text('xl/workbook.xml'), /<sheet name="Контингент" sheetId="1" r:id="rId1"\/>/);
  const sheet = text('xl/worksheets/sheet1.xml');
  assert.ok(sheet.includes('<c r="A2" t="inlineStr"><is><t>МБОУ СОШ № 1 «Ёлочка» &amp; &lt;ко&gt;</t></is></c>'), sheet);
  assert.ok(sheet.includes('<c r="C2"><v>23</v></c>'), sheet);
  assert.ok(sheet.includes('<c r="B2" t="inlineStr"><is><t>5</t></is></c>'), sheet);
  assert.ok(sheet.includes('<c r="C3" t="inlineStr"><is><t>≤4</t></is></c>'), sheet);
  assert.ok(!sheet.includes('r="B3"'), 'an empty cell is left out');
});
