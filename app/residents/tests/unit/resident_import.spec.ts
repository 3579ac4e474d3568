import { test } from '@japa/runner'
import { mkdir, writeFile } from 'node:fs/promises'
import iconv from 'iconv-lite'
import { DateTime } from 'luxon'
import testUtils from '@adonisjs/core/services/test_utils'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import ace from '@adonisjs/core/services/ace'
import i18nManager from '@adonisjs/i18n/services/main'
import ResidentImport, { type ImportReport } from '#residents/resident_import'
import { IMPORT_ERROR_CODES } from '#csv/import_issues'
import ResidentDirectory from '#residents/resident_directory'
import { isUniqueViolation } from '#shared/unique_violation'
import { importIssueText, importReportText } from '#residents/resident_import_messages'
import { parseJapaneseDate } from '#csv/japanese_dates'
import Resident from '#residents/resident'
import Child from '#residents/child'
import type Municipality from '#tenancy/municipality'
import { minato, staffOf } from '#tests/helpers/programs'
import { createSecondTenant } from '#tests/helpers/tenants'

const HEADER = '利用者ID,氏,名,氏（カナ）,名（カナ）,電話番号,子の出産予定日,子の生年月日,多胎'

/** Lines joined as Excel writes them (CRLF, final line break) */
function csv(...lines: string[]) {
  return lines.map((line) => `${line}\r\n`).join('')
}

function utf8(text: string, bom = false) {
  return Buffer.from(bom ? `\uFEFF${text}` : text, 'utf8')
}

/** A UTF-8 import file: the standard header, then these lines */
function importFile(...lines: string[]) {
  return utf8(csv(HEADER, ...lines))
}

function cp932(text: string) {
  return iconv.encode(text, 'cp932')
}

const importer = new ResidentImport()

async function preview(bytes: Uint8Array, municipality?: Municipality) {
  const tenant = municipality ?? (await minato())
  return importer.preview(tenant.id, bytes)
}

async function commit(bytes: Uint8Array, municipality?: Municipality) {
  const tenant = municipality ?? (await minato())
  return importer.commit(tenant.id, bytes, await staffOf(tenant))
}

/** The problems as [row, column, code], the shape a reader checks */
function problems(report: ImportReport) {
  return report.errors.map((issue) => [issue.row, issue.column, issue.code])
}

async function residentNumbered(residentNumber: string, municipality?: Municipality) {
  const tenant = municipality ?? (await minato())
  return Resident.findBy({ municipalityId: tenant.id, residentNumber })
}

/** Back-dates a resident's updated_at, so that any later write would show */
async function backdate(resident: Resident) {
  const old = DateTime.fromISO('2001-02-03T04:05:06').toFormat(
    db.connection().dialect.dateTimeFormat
  )
  await db.from('residents').where('id', resident.id).update({ updated_at: old })
}

async function updatedAtOf(resident: Resident) {
  const row = await db.from('residents').where('id', resident.id).firstOrFail()
  return DateTime.fromJSDate(new Date(row.updated_at)).year
}

async function importEvents(municipality: Municipality) {
  return db
    .from('audit_events')
    .where({ municipality_id: municipality.id, action: 'residents.imported' })
    .orderBy('sequence')
}

test.group('Resident import: reading the file', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('UTF-8 with a BOM, as Excel saves "CSV UTF-8"', async ({ assert }) => {
    const report = await preview(
      utf8(
        csv(
          HEADER,
          'CSV-001,山田,花子,ヤマダ,ハナコ,03-1234-5678,2026-08-01,,',
          'CSV-002,佐藤,一郎,サトウ,イチロウ,,,,'
        ),
        true
      )
    )
    assert.deepEqual(problems(report), [])
    assert.equal(report.encoding, 'utf8_bom')
    assert.include(report, { rows: 2, toCreate: 2, toUpdate: 0, unchanged: 0, childrenToAdd: 1 })
    assert.isFalse(report.committed)
    assert.isNull(await residentNumbered('CSV-001'), 'a preview saves nothing')
  })

  test('UTF-8 without a BOM, LF line ends and no final line break', async ({ assert }) => {
    const text = `${HEADER}\nCSV-001,山田,花子,ヤマダ,ハナコ,,,,`
    const report = await preview(utf8(text))
    assert.deepEqual(problems(report), [])
    assert.equal(report.encoding, 'utf8')
    assert.equal(report.toCreate, 1)
  })

  test('Shift_JIS (CP932) as Excel saves "CSV", with NEC/IBM kanji kept exactly', async ({
    assert,
  }) => {
    // 髙 and 﨑 exist only in CP932's extensions; NFKC would not change them
    // either, but a name is stored exactly as written.
    const bytes = cp932(
      csv(
        HEADER,
        'CSV-101,髙﨑,美穂,タカサキ,ミホ,090-1111-2222,令和8年9月1日,,0',
        '"CSV-102","渡辺","""ゆう""",ワタナベ,ユウ,,,,'
      )
    )
    assert.isFalse(bytes.toString('utf8').includes('髙'), 'the bytes really are not UTF-8')

    const report = await commit(bytes)
    assert.deepEqual(problems(report), [])
    assert.equal(report.encoding, 'cp932')
    assert.isTrue(report.committed)

    const takasaki = await residentNumbered('CSV-101')
    assert.include(takasaki!.serialize(), {
      familyName: '髙﨑',
      givenName: '美穂',
      familyNameKana: 'タカサキ',
      phone: '090-1111-2222',
    })
    const child = await Child.findByOrFail('residentId', takasaki!.id)
    assert.equal(child.dueDate, '2026-09-01')
    assert.isFalse(child.multipleBirth)
    const watanabe = await residentNumbered('CSV-102')
    assert.equal(watanabe!.givenName, '"ゆう"', 'RFC 4180 doubled quotes')
  })

  test('rows are numbered as the spreadsheet shows them, a quoted line break included', async ({
    assert,
  }) => {
    const report = await preview(
      importFile(
        'CSV-001,"山田\r\n花子",花子,ヤマダ,ハナコ,,,,',
        'CSV-002,佐藤,一郎,さとう,イチロウ,,,,',
        ',,,,,,,,',
        'CSV-003,鈴木,,スズキ,ジロウ,,,,'
      )
    )
    assert.deepEqual(problems(report), [
      [2, '氏', 'line_break'],
      [3, '氏（カナ）', 'kana_only'],
      [5, '名', 'required'],
    ])
    assert.include(report, { rows: 3, rowsWithErrors: 3, errorCount: 3 })
  })

  test('binary and non-CSV content is refused with the reason', async ({ assert }) => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])
    const xlsx = Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0]),
      utf8('[Content_Types].xml'),
    ])
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(HEADER, 'utf16le')])
    // 0x81 0x20: a Shift_JIS lead byte without its trail byte, and not UTF-8
    const neither = Buffer.concat([utf8(`${HEADER}\r\n`), Buffer.from([0x81, 0x20, 0x41])])
    const controls = utf8(`${HEADER}\r\nCSV-1,\u0007,x,ア,イ,,,,\r\n`)

    const cases: [Buffer, string][] = [
      [png, 'not_csv'],
      [xlsx, 'excel_workbook'],
      [utf16, 'utf16'],
      [neither, 'unreadable'],
      [controls, 'not_csv'],
      [Buffer.alloc(0), 'empty_file'],
      [utf8('\r\n  \r\n'), 'empty_file'],
      [utf8(csv(HEADER)), 'no_rows'],
      [importFile('CSV-1,"山田,x,ア,イ,,,,'), 'malformed_csv'],
    ]
    for (const [bytes, code] of cases) {
      const report = await preview(bytes)
      assert.deepEqual(
        report.errors.map((issue) => issue.code),
        [code],
        `expected ${code}`
      )
      assert.equal(report.rows, 0)
    }
    const malformed = await preview(
      importFile('CSV-1,山田,花子,ヤマダ,ハナコ,,,,', 'CSV-2,"山"田,x,ア,イ,,,,')
    )
    assert.deepEqual(problems(malformed), [[3, null, 'malformed_csv']])
  })

  test('files over the size or row limit are refused', async ({ assert }) => {
    const tenant = await minato()
    const text = csv(
      HEADER,
      'CSV-1,山田,花子,ヤマダ,ハナコ,,,,',
      'CSV-2,山田,太郎,ヤマダ,タロウ,,,,'
    )
    const small = new ResidentImport({ maxBytes: 100 })
    const oversize = await small.preview(tenant.id, utf8(text))
    assert.deepEqual(problems(oversize), [[null, null, 'file_too_large']])
    assert.deepEqual(small.oversizeReport(101)?.errors[0].code, 'file_too_large')
    assert.isNull(small.oversizeReport(100))

    const oneRow = new ResidentImport({ maxRows: 1 })
    const tooMany = await oneRow.preview(tenant.id, utf8(text))
    assert.deepEqual(problems(tooMany), [[null, null, 'too_many_rows']])
    assert.deepEqual(tooMany.errors[0].values, { limit: 1 })
  })

  test('the header: required columns, English names, unknown and repeated columns', async ({
    assert,
  }) => {
    const missing = await preview(utf8(csv('利用者ID,氏,名,名（カナ）', 'CSV-1,山田,花子,ハナコ')))
    assert.deepEqual(problems(missing), [[1, '氏（カナ）', 'missing_column']])

    const unknown = await preview(
      utf8(
        csv(
          '利用者ID,氏,名,氏（カナ）,名（カナ）,住所,氏',
          'CSV-1,山田,花子,ヤマダ,ハナコ,港区,山田'
        )
      )
    )
    assert.deepEqual(problems(unknown), [
      [1, '住所', 'unknown_column'],
      [1, '氏', 'duplicate_column'],
    ])

    // English aliases, and half-width brackets and kana in a Japanese header
    const english = await preview(
      utf8(
        csv(
          'Resident ID,family_name,Given Name,氏(ｶﾅ),given_name_kana,phone,due_date,Birth Date,multiple_birth,',
          'CSV-1,山田,花子,ヤマダ,ハナコ,,,2026-01-05,1,'
        )
      )
    )
    assert.deepEqual(problems(english), [])
    assert.include(english, { toCreate: 1, childrenToAdd: 1 })

    // An empty header after the last column is Excel's; a value under it is not
    const stray = await preview(utf8(csv(`${HEADER},`, 'CSV-1,山田,花子,ヤマダ,ハナコ,,,,,メモ')))
    assert.deepEqual(problems(stray), [[2, 'J', 'value_without_header']])
  })
})

test.group('Resident import: values', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('full-width digits, letters and dashes in IDs, phones and dates are normalized', async ({
    assert,
  }) => {
    const report = await commit(
      importFile(
        'ＣＳＶ－０１２３,山田,花子,ヤマダ,ハナコ,０３ー１２３４−５６７８,２０２６／０４／０１,,'
      )
    )
    assert.deepEqual(problems(report), [])
    const resident = await residentNumbered('CSV-0123')
    assert.equal(resident?.phone, '03-1234-5678')
    const child = await Child.findByOrFail('residentId', resident!.id)
    assert.equal(child.dueDate, '2026-04-01')
  })

  test('half-width kana becomes full-width; hiragana and kanji are refused', async ({ assert }) => {
    const report = await preview(
      importFile(
        'CSV-1,山田,花子,ﾔﾏﾀﾞ,ﾊﾅｺ,,,,',
        'CSV-2,山田,花子,やまだ,ハナコ,,,,',
        'CSV-3,山田,花子,ヤマダ,花子,,,,',
        'CSV-4,Smith,John,スミス,ジョン・ポール　ジュニア,,,,'
      )
    )
    assert.deepEqual(problems(report), [
      [3, '氏（カナ）', 'kana_only'],
      [4, '名（カナ）', 'kana_only'],
    ])
    assert.equal(report.toCreate, 2)

    await commit(importFile('CSV-1,山田,花子,ﾔﾏﾀﾞ,ﾊﾅｺ,,,,'))
    const resident = await residentNumbered('CSV-1')
    assert.include(resident!.serialize(), { familyNameKana: 'ヤマダ', givenNameKana: 'ハナコ' })
  })

  test('dates: ISO, slashes, 年月日 and the era forms', ({ assert }) => {
    const accepted: [string, string][] = [
      ['2025-04-01', '2025-04-01'],
      ['2025/4/1', '2025-04-01'],
      ['2025年4月1日', '2025-04-01'],
      ['令和7年4月1日', '2025-04-01'],
      ['R7.4.1', '2025-04-01'],
      ['R7/4/1', '2025-04-01'],
      ['r07.04.01', '2025-04-01'],
      ['令和元年5月1日', '2019-05-01'],
      ['R1.5.1', '2019-05-01'],
      ['平成31年4月30日', '2019-04-30'],
      ['H31.4.30', '2019-04-30'],
      ['平成元年1月8日', '1989-01-08'],
      ['昭和64年1月7日', '1989-01-07'],
      ['S60.12.31', '1985-12-31'],
      ['㋿7年4月1日', '2025-04-01'],
      ['令和７年４月１日', '2025-04-01'],
      ['Ｒ７．４．１', '2025-04-01'],
      ['２０２５－０４－０１', '2025-04-01'],
      ['2025ー04ー01', '2025-04-01'],
      [' 令和 7年 4月 1日 ', '2025-04-01'],
      ['2024-02-29', '2024-02-29'],
    ]
    for (const [input, date] of accepted) {
      assert.deepEqual(parseJapaneseDate(input), { ok: true, date }, input)
    }
    const refused: [string, string][] = [
      ['2025-02-29', 'impossible'],
      ['令和7年2月30日', 'impossible'],
      ['2025/13/1', 'impossible'],
      ['2025-04-31', 'impossible'],
      ['令和1年4月30日', 'outside_era'],
      ['R1.4.30', 'outside_era'],
      ['平成31年5月1日', 'outside_era'],
      ['平成元年1月7日', 'outside_era'],
      ['昭和64年1月8日', 'outside_era'],
      ['R0.5.1', 'outside_era'],
      ['2025-4', 'format'],
      ['2025/04-01', 'format'],
      ['25/4/1', 'format'],
      ['来月', 'format'],
      ['T15.1.1', 'format'],
    ]
    for (const [input, reason] of refused) {
      assert.deepEqual(parseJapaneseDate(input), { ok: false, reason }, input)
    }
  })

  test('impossible and unreadable dates are reported with row, column and the text', async ({
    assert,
  }) => {
    const report = await preview(
      importFile(
        'CSV-1,山田,花子,ヤマダ,ハナコ,,2026-02-30,,',
        'CSV-2,山田,花子,ヤマダ,ハナコ,,,令和1年4月30日,',
        'CSV-3,山田,花子,ヤマダ,ハナコ,,,そのうち,',
        'CSV-4,山田,花子,ヤマダ,ハナコ,,R8.1.10,平成31年4月30日,はい'
      )
    )
    assert.deepEqual(
      report.errors.map((issue) => [issue.row, issue.column, issue.code, issue.values]),
      [
        [2, '子の出産予定日', 'impossible_date', { value: '2026-02-30' }],
        [3, '子の生年月日', 'date_outside_era', { value: '令和1年4月30日' }],
        [4, '子の生年月日', 'invalid_date', { value: 'そのうち' }],
      ]
    )
    assert.equal(report.childrenToAdd, 1)
  })

  test('other cell rules: ID form, phone, yes/no, multiple birth without a child', async ({
    assert,
  }) => {
    const report = await preview(
      utf8(
        csv(
          HEADER,
          'CSV 1,山田,花子,ヤマダ,ハナコ,,,,',
          'CSV-2,山田,花子,ヤマダ,ハナコ,312345678,,,',
          'CSV-3,山田,花子,ヤマダ,ハナコ,(03)1234-5678,,,',
          'CSV-4,山田,花子,ヤマダ,ハナコ,,2026-05-01,,たぶん',
          'CSV-5,山田,花子,ヤマダ,ハナコ,,,,1',
          `CSV-6,${'長'.repeat(61)},花子,ヤマダ,ハナコ,,,,`
        )
      )
    )
    assert.deepEqual(problems(report), [
      [2, '利用者ID', 'invalid_resident_number'],
      [3, '電話番号', 'invalid_phone'],
      [4, '電話番号', 'invalid_phone'],
      [5, '多胎', 'invalid_yes_no'],
      [6, '多胎', 'child_date_required'],
      [7, '氏', 'too_long'],
    ])
  })

  test('a resident ID twice in the file is refused, also when written differently', async ({
    assert,
  }) => {
    const report = await preview(
      importFile(
        'CSV-01,山田,花子,ヤマダ,ハナコ,,,,',
        'CSV-02,佐藤,一郎,サトウ,イチロウ,,,,',
        'ＣＳＶ－０１,山田,花子,ヤマダ,ハナコ,,,,'
      )
    )
    assert.deepEqual(
      report.errors.map((issue) => [issue.row, issue.column, issue.code, issue.values]),
      [[4, '利用者ID', 'duplicate_resident_number', { firstRow: 2 }]]
    )
  })
})

test.group('Resident import: committing', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a file with one bad row commits nothing', async ({ assert }) => {
    const tenant = await minato()
    const before = await importEvents(tenant)
    const hanako = await Resident.findByOrFail('residentNumber', 'MN-000101')
    const report = await commit(
      utf8(
        csv(
          HEADER,
          'CSV-1,山田,花子,ヤマダ,ハナコ,,2026-05-01,,',
          `MN-000101,${hanako.familyName},改名,${hanako.familyNameKana},カイメイ,,,,`,
          'CSV-3,佐藤,一郎,サトウ,イチロウ,,2026-02-30,,'
        )
      )
    )
    assert.isFalse(report.committed)
    assert.deepEqual(problems(report), [[4, '子の出産予定日', 'impossible_date']])
    // The counts say what the file would do, as a preview's do
    assert.include(report, { rows: 3, rowsWithErrors: 1, toCreate: 1, toUpdate: 1 })
    assert.isNull(await residentNumbered('CSV-1'))
    await hanako.refresh()
    assert.notEqual(hanako.givenName, '改名')
    assert.lengthOf(await importEvents(tenant), before.length, 'no audit event either')
  })

  test('importing the same file again changes nothing and says so', async ({ assert }) => {
    const tenant = await minato()
    const bytes = cp932(
      csv(
        HEADER,
        'CSV-1,山田,花子,ﾔﾏﾀﾞ,ﾊﾅｺ,０３-1234-5678,R8.5.1,,',
        'CSV-2,佐藤,一郎,サトウ,イチロウ,,,2025/12/24,1'
      )
    )
    const first = await commit(bytes)
    assert.include(first, { committed: true, toCreate: 2, toUpdate: 0, childrenToAdd: 2 })
    const stored = await residentNumbered('CSV-1')
    await backdate(stored!)

    const again = await commit(bytes)
    assert.include(again, {
      committed: true,
      rows: 2,
      toCreate: 0,
      toUpdate: 0,
      unchanged: 2,
      childrenToAdd: 0,
      childrenToUpdate: 0,
    })
    assert.equal(await updatedAtOf(stored!), 2001, 'not written again')
    const children = await Child.query().whereIn('residentId', [stored!.id])
    assert.lengthOf(children, 1)

    const i18n = i18nManager.locale('ja')
    assert.equal(importReportText(again, i18n, false).outcome, i18n.t('csv_import.nothing_changed'))

    // Both commits are audited; the second says it changed nothing.
    const events = await importEvents(tenant)
    const details = events.slice(-2).map((event) => JSON.parse(event.details))
    assert.include(details[0], { rows: 2, created: 2, updated: 0, children_added: 2 })
    assert.include(details[1], { rows: 2, created: 0, updated: 0, unchanged: 2, children_added: 0 })
    assert.equal(details[0].file_sha256, details[1].file_sha256)
    assert.notInclude(JSON.stringify(details), '山田', 'no names in the audit trail')
  })

  test('a changed name updates that resident only; a blank phone keeps the stored one', async ({
    assert,
  }) => {
    await commit(
      importFile(
        'CSV-1,山田,花子,ヤマダ,ハナコ,03-1234-5678,,,',
        'CSV-2,佐藤,一郎,サトウ,イチロウ,,,,'
      )
    )
    const untouched = await residentNumbered('CSV-2')
    await backdate(untouched!)
    const report = await commit(
      importFile('CSV-1,田中,花子,タナカ,ハナコ,,,,', 'CSV-2,佐藤,一郎,サトウ,イチロウ,,,,')
    )
    assert.include(report, { committed: true, toCreate: 0, toUpdate: 1, unchanged: 1 })
    const renamed = await residentNumbered('CSV-1')
    assert.include(renamed!.serialize(), {
      familyName: '田中',
      familyNameKana: 'タナカ',
      phone: '03-1234-5678',
    })
    assert.equal(await updatedAtOf(untouched!), 2001, 'not written again')
    assert.isAbove(await updatedAtOf(renamed!), 2001)
  })

  test('a child is matched by its date: a birth fills in the expected child', async ({
    assert,
  }) => {
    await commit(importFile('CSV-1,山田,花子,ヤマダ,ハナコ,,2026-05-01,,'))
    const resident = await residentNumbered('CSV-1')

    const born = await commit(importFile('CSV-1,山田,花子,ヤマダ,ハナコ,,2026-05-01,2026-04-28,1'))
    assert.include(born, { toUpdate: 1, childrenToAdd: 0, childrenToUpdate: 1 })
    const children = await Child.query().where('residentId', resident!.id)
    assert.lengthOf(children, 1)
    assert.include(children[0].serialize(), {
      dueDate: '2026-05-01',
      birthDate: '2026-04-28',
      multipleBirth: true,
    })

    // A recorded date is never overwritten by an import
    const conflict = await commit(
      importFile('CSV-1,山田,花子,ヤマダ,ハナコ,,2026-05-01,2026-04-29,')
    )
    assert.isFalse(conflict.committed)
    assert.deepEqual(problems(conflict), [[2, '子の生年月日', 'child_date_conflict']])
    const conflictPreview = await preview(
      importFile('CSV-1,山田,花子,ヤマダ,ハナコ,,2026-05-01,2026-04-29,')
    )
    assert.include(conflictPreview, { rowsWithErrors: 1, toUpdate: 0, unchanged: 0 })

    // A different date is another child
    const sibling = await commit(importFile('CSV-1,山田,花子,ヤマダ,ハナコ,,2028-01-10,,'))
    assert.include(sibling, { toUpdate: 1, childrenToAdd: 1 })
    assert.lengthOf(await Child.query().where('residentId', resident!.id), 2)
  })

  test('the same resident ID in another municipality is another person, never touched', async ({
    assert,
  }) => {
    const tenant = await minato()
    const { municipality: shinjuku } = await createSecondTenant()
    const hanako = await Resident.findByOrFail({
      municipalityId: tenant.id,
      residentNumber: 'MN-000101',
    })
    const shinjukuResident = await Resident.create({
      municipalityId: shinjuku.id,
      residentNumber: 'CSV-1',
      familyName: '新宿',
      givenName: '太郎',
      familyNameKana: 'シンジュク',
      givenNameKana: 'タロウ',
    })

    const intoMinato = await commit(importFile('CSV-1,山田,花子,ヤマダ,ハナコ,,,,'), tenant)
    assert.include(intoMinato, { toCreate: 1, toUpdate: 0 })
    const intoShinjuku = await commit(
      importFile('MN-000101,別人,一郎,ベツジン,イチロウ,,2026-03-03,,'),
      shinjuku
    )
    assert.include(intoShinjuku, { toCreate: 1, toUpdate: 0 })

    await shinjukuResident.refresh()
    assert.equal(shinjukuResident.familyName, '新宿')
    const hanakoAfter = await Resident.findOrFail(hanako.id)
    assert.deepEqual(hanakoAfter.serialize(), hanako.serialize())
    assert.lengthOf(
      await Child.query().where('residentId', hanako.id).where('dueDate', '2026-03-03'),
      0
    )
    assert.lengthOf(await importEvents(shinjuku), 1)
  })
})

test.group('Resident import: large files', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('progress is reported while checking and writing', async ({ assert }) => {
    const tenant = await minato()
    const lines = Array.from(
      { length: 1200 },
      (_, index) => `BULK-${index},山田,花子,ヤマダ,ハナコ,,${index % 2 ? '' : 'R8.6.1'},,`
    )
    const progress: string[] = []
    const report = await importer.commit(tenant.id, importFile(...lines), await staffOf(tenant), {
      onProgress: ({ phase, done, total }) => progress.push(`${phase} ${done}/${total}`),
    })
    assert.include(report, { committed: true, toCreate: 1200, childrenToAdd: 600 })
    // 1,200 rows (600 with a child) are 1,200 rows written, not 1,800 writes
    assert.deepEqual(progress, ['checking 1000/1200', 'checking 1200/1200', 'writing 1200/1200'])
  })

  test('every problem is counted; the report lists the first ones', async ({ assert }) => {
    const tenant = await minato()
    const terse = new ResidentImport({ maxListedErrors: 2 })
    const report = await terse.preview(
      tenant.id,
      importFile('A-1,山田,花子,やまだ,はなこ,,,,', 'A-2,山田,花子,やまだ,ハナコ,,,,')
    )
    assert.equal(report.errorCount, 3)
    assert.deepEqual(problems(report), [
      [2, '氏（カナ）', 'kana_only'],
      [2, '名（カナ）', 'kana_only'],
    ])
    const text = importReportText(report, i18nManager.locale('ja'), true)
    assert.include(text.problems.at(-1), 'ほかに1件のエラーがあります')
    assert.isFalse(text.ok)
  })
})

test.group('Resident import: messages', () => {
  test('every problem reads in Japanese and in English with row and column', ({ assert }) => {
    const issue = { row: 3, column: '氏（カナ）', code: 'kana_only' as const }
    assert.equal(
      importIssueText(issue, i18nManager.locale('ja')),
      '3行目「氏（カナ）」: カタカナで入力してください（ひらがな・漢字・英字は使えません）。'
    )
    assert.equal(
      importIssueText(issue, i18nManager.locale('en')),
      'Row 3, 氏（カナ）: Enter katakana only (no hiragana, kanji or Latin letters).'
    )
    const date = {
      row: 5,
      column: '子の生年月日',
      code: 'impossible_date' as const,
      values: { value: '2026-02-30' },
    }
    assert.include(
      importIssueText(date, i18nManager.locale('ja')),
      '「2026-02-30」という日はありません'
    )
    assert.include(importIssueText(date, i18nManager.locale('en')), 'no such day as "2026-02-30"')

    for (const locale of ['ja', 'en']) {
      const i18n = i18nManager.locale(locale)
      for (const code of IMPORT_ERROR_CODES) {
        const key = `csv_import.errors.${code}`
        assert.isTrue(i18n.hasMessage(key), `${locale}: ${key}`)
      }
    }
  })
})

test.group('Resident import: residents:import command', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  async function fixture(name: string, bytes: Uint8Array) {
    const path = app.tmpPath('csv_import_tests', name)
    await mkdir(app.tmpPath('csv_import_tests'), { recursive: true })
    await writeFile(path, bytes)
    return path
  }

  async function run(commandArgs: string[]) {
    ace.ui.switchMode('raw')
    try {
      const command = await ace.exec('residents:import', commandArgs)
      const logs = command.ui.logger.getLogs().map((log) => log.message)
      return { exitCode: command.exitCode, output: logs.join('\n') }
    } finally {
      ace.ui.switchMode('normal')
    }
  }

  test('exits 0 after a dry run or an import, 1 on any error', async ({ assert }) => {
    const tenant = await minato()
    const good = await fixture(
      'good.csv',
      cp932(
        csv(
          HEADER,
          'CMD-1,山田,花子,ヤマダ,ハナコ,,令和8年5月1日,,',
          'CMD-2,佐藤,一郎,サトウ,イチロウ,,,,'
        )
      )
    )
    const bad = await fixture(
      'bad.csv',
      utf8(csv(HEADER, 'CMD-3,山田,花子,やまだ,ハナコ,,,,'), true)
    )

    const dryRun = await run([good, `--tenant=${tenant.code}`, '--dry-run'])
    assert.equal(dryRun.exitCode, 0)
    assert.include(dryRun.output, '新規 2人')
    assert.include(dryRun.output, 'まだ保存していません')
    assert.isNull(await residentNumbered('CMD-1'))

    const imported = await run([good, `--tenant=${tenant.code}`])
    assert.equal(imported.exitCode, 0)
    assert.include(imported.output, '取り込みました')
    assert.isNotNull(await residentNumbered('CMD-1'))

    const again = await run([good, `--tenant=${tenant.code}`, '--locale=en'])
    assert.equal(again.exitCode, 0)
    assert.include(again.output, 'Nothing was changed')

    const refused = await run([bad, `--tenant=${tenant.code}`])
    assert.equal(refused.exitCode, 1)
    assert.include(refused.output, '2行目「氏（カナ）」')
    assert.isNull(await residentNumbered('CMD-3'))

    const refusedDryRun = await run([bad, `--tenant=${tenant.code}`, '--dry-run', '--locale=en'])
    assert.equal(refusedDryRun.exitCode, 1)
    assert.include(refusedDryRun.output, 'Row 2, 氏（カナ）: Enter katakana only')

    const tooBig = await run([good, `--tenant=${tenant.code}`, '--max-mb=0.0001'])
    assert.equal(tooBig.exitCode, 1)
    assert.include(tooBig.output, 'ファイルが大きすぎます')

    const missing = app.tmpPath('csv_import_tests', 'missing.csv')
    const failures = [
      [good, '--tenant=000000'],
      [good],
      [missing, `--tenant=${tenant.code}`],
      [good, `--tenant=${tenant.code}`, '--locale=fr'],
    ]
    for (const commandArgs of failures) {
      const failure = await run(commandArgs)
      assert.equal(failure.exitCode, 1, commandArgs.join(' '))
    }
  })
})

/*
| Files larger than one write batch (500 rows a statement on SQLite, 2,000
| rows a COPY piece on PostgreSQL): the bulk path must store every row,
| link every child to its own resident, and store nothing at all when any
| row or any write fails.
*/
const BULK_ROWS = 1200

/** Row `index` of a large file (0-based; spreadsheet row index + 2) */
function bulkLine(index: number, familyName = '山田') {
  const number = `BULK-${String(index).padStart(4, '0')}`
  const day = (index % 28) + 1
  const kana = index === 777 ? 'ツバキザカ' : 'ﾔﾏﾀﾞ'
  const phone = index % 3 === 0 ? `０９０-${String(index).padStart(4, '0')}-5678` : ''
  const dueDate = index % 2 === 0 ? `令和8年${(index % 12) + 1}月${day}日` : ''
  const birthDate = index % 4 === 1 ? `2025/${(index % 12) + 1}/${day}` : ''
  const multiple = dueDate || birthDate ? String(index % 50 === 0 ? 1 : 0) : ''
  // A backslash and a quote in a name: kept exactly (COPY escapes them)
  const given = index === 601 ? '"""花\\子"""' : index === 777 ? '椿' : '花子'
  return `${number},${familyName},${given},${kana},ハナコ,${phone},${dueDate},${birthDate},${multiple}`
}

function bulkFile(familyName?: string) {
  return importFile(...Array.from({ length: BULK_ROWS }, (_, index) => bulkLine(index, familyName)))
}

async function bulkResidents(municipality: Municipality) {
  return db
    .from('residents')
    .where('municipality_id', municipality.id)
    .whereLike('resident_number', 'BULK-%')
    .orderBy('resident_number')
}

async function bulkChildren(municipality: Municipality) {
  return db
    .from('children')
    .join('residents', 'residents.id', 'children.resident_id')
    .where('children.municipality_id', municipality.id)
    .whereLike('residents.resident_number', 'BULK-%')
    .orderBy('residents.resident_number')
    .select(
      'residents.resident_number',
      'children.due_date',
      'children.birth_date',
      'children.multiple_birth',
      'children.created_at'
    )
}

test.group('Resident import: large files written in bulk', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('1,200 rows store every resident and child exactly, and search finds them', async ({
    assert,
  }) => {
    const tenant = await minato()
    const before = await importEvents(tenant)
    const report = await commit(bulkFile(), tenant)
    assert.deepEqual(problems(report), [])
    assert.include(report, {
      committed: true,
      toCreate: BULK_ROWS,
      childrenToAdd: 900,
      rows: BULK_ROWS,
    })

    const residents = await bulkResidents(tenant)
    assert.lengthOf(residents, BULK_ROWS)
    const byNumber = new Map(residents.map((row) => [row.resident_number, row]))
    assert.include(byNumber.get('BULK-0000'), {
      family_name: '山田',
      given_name: '花子',
      family_name_kana: 'ヤマダ',
      given_name_kana: 'ハナコ',
      phone: '090-0000-5678',
    })
    assert.include(byNumber.get('BULK-0601'), { given_name: '"花\\子"', phone: null })
    assert.include(byNumber.get('BULK-1199'), { family_name_kana: 'ヤマダ', phone: null })
    assert.include(byNumber.get('BULK-1197'), { phone: '090-1197-5678' })
    for (const row of residents) {
      assert.isNotNull(row.created_at)
      assert.equal(String(row.updated_at), String(row.created_at))
    }

    const children = await bulkChildren(tenant)
    assert.lengthOf(children, 900)
    const childOf = new Map(children.map((row) => [row.resident_number, row]))
    assert.deepInclude(
      {
        due: childOf.get('BULK-0000')?.due_date,
        birth: childOf.get('BULK-0000')?.birth_date,
        multiple: Boolean(childOf.get('BULK-0000')?.multiple_birth),
      },
      { due: '2026-01-01', birth: null, multiple: true }
    )
    assert.equal(childOf.get('BULK-1101')?.birth_date, '2025-10-10')
    assert.isNull(childOf.get('BULK-1101')?.due_date)
    assert.equal(childOf.get('BULK-1198')?.due_date, '2026-11-23')
    assert.isFalse(Boolean(childOf.get('BULK-1198')?.multiple_birth))
    assert.isFalse(childOf.has('BULK-1199'), 'a row without dates has no child')
    assert.equal(children.filter((row) => Boolean(row.multiple_birth)).length, 24)

    const events = await importEvents(tenant)
    const [event, ...others] = events.slice(before.length)
    assert.lengthOf(others, 0, 'one audit event for the whole file')
    assert.include(JSON.parse(event.details), {
      rows: BULK_ROWS,
      created: BULK_ROWS,
      children_added: 900,
    })

    const directory = new ResidentDirectory(tenant.id, () => '2026-06-15')
    const by = await staffOf(tenant)
    const tsubaki = await directory.search('ツバキザカ', 1, by)
    assert.deepEqual(
      tsubaki.residents.map((resident) => resident.residentNumber),
      ['BULK-0777'],
      'imported residents are in the search index'
    )
    const byPhone = await directory.search('09011975678', 1, by)
    assert.deepEqual(
      byPhone.residents.map((resident) => resident.residentNumber),
      ['BULK-1197']
    )

    // Residents registered after the import are indexed as before
    await Resident.create({
      municipalityId: tenant.id,
      residentNumber: 'AFTER-1',
      familyName: '椿坂',
      givenName: '次郎',
      familyNameKana: 'ツバキザカ',
      givenNameKana: 'ジロウ',
    })
    const both = await directory.search('ツバキザカ', 1, by)
    assert.sameMembers(
      both.residents.map((resident) => resident.residentNumber),
      ['BULK-0777', 'AFTER-1']
    )
  })

  test('the same 1,200 residents renamed are all updated; blank phones keep theirs', async ({
    assert,
  }) => {
    const tenant = await minato()
    await commit(bulkFile(), tenant)
    const report = await commit(bulkFile('山田改'), tenant)
    assert.include(report, { committed: true, toCreate: 0, toUpdate: BULK_ROWS, unchanged: 0 })
    assert.equal(report.childrenToAdd, 0)

    const residents = await bulkResidents(tenant)
    assert.lengthOf(residents, BULK_ROWS)
    assert.isTrue(residents.every((row) => row.family_name === '山田改'))
    const byNumber = new Map(residents.map((row) => [row.resident_number, row]))
    assert.equal(byNumber.get('BULK-0999')?.phone, '090-0999-5678')
    assert.isNull(byNumber.get('BULK-1000')?.phone)
    assert.lengthOf(await bulkChildren(tenant), 900, 'the children were matched, not added')

    const directory = new ResidentDirectory(tenant.id, () => '2026-06-15')
    const found = await directory.search('山田改', 1, await staffOf(tenant))
    assert.equal(found.total, BULK_ROWS, 'the search index follows the new names')
  })

  test('one bad row deep in a large file (row 1,100) stores nothing', async ({ assert }) => {
    const tenant = await minato()
    const before = await importEvents(tenant)
    const lines = Array.from({ length: BULK_ROWS }, (_, index) => bulkLine(index))
    lines[1098] = lines[1098].replace('ﾔﾏﾀﾞ', 'やまだ')
    const report = await commit(importFile(...lines), tenant)
    assert.isFalse(report.committed)
    assert.deepEqual(problems(report), [[1100, '氏（カナ）', 'kana_only']])
    assert.lengthOf(await bulkResidents(tenant), 0)
    assert.lengthOf(await bulkChildren(tenant), 0)
    assert.lengthOf(await importEvents(tenant), before.length)
  })

  test('a resident ID registered while the import writes fails the import; nothing is stored', async ({
    assert,
  }) => {
    const tenant = await minato()
    const before = await importEvents(tenant)
    // Someone registers BULK-1151 after the import compared the file with
    // the directory, as BULK-1150 is written (a trigger plays them).
    await addRacingRegistration()
    const failure = await commit(bulkFile(), tenant).then(
      () => null,
      (error: unknown) => error
    )
    assert.isTrue(isUniqueViolation(failure), String(failure))
    assert.lengthOf(await bulkResidents(tenant), 0, 'no resident of the file')
    assert.lengthOf(await bulkChildren(tenant), 0)
    assert.lengthOf(await importEvents(tenant), before.length, 'no audit event')
  })

  test('a database error partway through the residents of a file of several batches stores none', async ({
    assert,
  }) => {
    const tenant = await minato()
    const before = await importEvents(tenant)
    // BULK-2500 fails after 2,500 residents were written (five SQLite
    // INSERTs; PostgreSQL's second COPY piece, a third still to send)
    await refuseInsert('residents', "NEW.resident_number = 'BULK-2500'")
    const lines = Array.from({ length: 4500 }, (_, index) => bulkLine(index))
    const failure = await commit(importFile(...lines), tenant).then(
      () => null,
      (error: unknown) => error
    )
    assert.include(String(failure), 'refused by test')
    assert.lengthOf(await bulkResidents(tenant), 0)
    assert.lengthOf(await bulkChildren(tenant), 0)
    assert.lengthOf(await importEvents(tenant), before.length, 'no audit event')
  })

  test('a database error while writing children stores no resident either', async ({ assert }) => {
    const tenant = await minato()
    await refuseInsert('children', "NEW.due_date = '2026-11-23'")
    const failure = await commit(bulkFile(), tenant).then(
      () => null,
      (error: unknown) => error
    )
    assert.instanceOf(failure, Error)
    assert.include(String(failure), 'refused by test')
    assert.lengthOf(await bulkResidents(tenant), 0)
    assert.lengthOf(await bulkChildren(tenant), 0)
  })
})

/**
 * A BEFORE INSERT trigger for one test (rolled back with it): when
 * `condition` holds for NEW, it runs the dialect's `action`.
 */
async function beforeInsert(
  name: string,
  table: string,
  condition: string,
  action: { postgres: string; sqlite: string }
) {
  if (db.connection().dialect.name === 'postgres') {
    await db.rawQuery(`CREATE FUNCTION ${name}() RETURNS trigger AS $$
      BEGIN
        IF ${condition} THEN ${action.postgres}; END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`)
    await db.rawQuery(`CREATE TRIGGER ${name} BEFORE INSERT ON ${table}
      FOR EACH ROW EXECUTE FUNCTION ${name}()`)
    return
  }
  await db.rawQuery(`CREATE TRIGGER ${name} BEFORE INSERT ON ${table}
    WHEN ${condition} BEGIN ${action.sqlite}; END`)
}

/** Someone registers BULK-1151 just before the import writes BULK-1150 */
async function addRacingRegistration() {
  const insert =
    'INSERT INTO residents (id, municipality_id, resident_number, family_name, given_name, ' +
    'family_name_kana, given_name_kana, created_at, updated_at) ' +
    "VALUES (NEW.id + 100000000, NEW.municipality_id, 'BULK-1151', '競合', '太郎', " +
    "'キョウゴウ', 'タロウ', NEW.created_at, NEW.updated_at)"
  await beforeInsert('test_racing_registration', 'residents', "NEW.resident_number = 'BULK-1150'", {
    postgres: insert,
    sqlite: insert,
  })
}

/** The database refuses the rows of `table` for which `condition` holds */
async function refuseInsert(table: string, condition: string) {
  await beforeInsert(`test_refuse_${table}`, table, condition, {
    postgres: "RAISE EXCEPTION 'refused by test'",
    sqlite: "SELECT RAISE(ABORT, 'refused by test')",
  })
}
