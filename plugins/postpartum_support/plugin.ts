import { definePlugin } from '#plugin_host/define_plugin'

const HOUR = 60
const name = { ja: '産前産後家事・育児支援サービス', en: 'Pre- and postpartum home support' }

/**
 * Minato-ku's 産前産後家事・育児支援サービス (see ../shared/DESIGN.md): hours
 * per child from pregnancy to the third birthday, doula hours inside the
 * first window until the child is 7 months old, home helper spent first,
 * one visit a day between 08:00 and 22:00. The 2021 rules stay as an older
 * definition so lots issued under them keep their terms.
 */
export default definePlugin({
  id: 'postpartum_support',
  version: '1.0.0',
  requiresCore: '^1.0.0',
  name,
  programs: [
    {
      code: 'postpartum',
      name,
      unit: { label: { ja: '時間', en: 'hours' }, minutes: HOUR },
      services: [
        { code: 'home_helper', name: { ja: '家事支援（ホームヘルパー）', en: 'Home helper' } },
        { code: 'doula', name: { ja: '家事・育児支援（産後ドゥーラ）', en: 'Postpartum doula' } },
      ],
      deductionPriority: ['home_helper', 'doula'],
      visit: { minutes: [60, 120, 180, 240], perDay: 1, from: '08:00', to: '22:00' },
      definitions: [
        {
          version: '2021-04',
          name: { ja: '2021年度の制度', en: 'Rules of FY2021' },
          effectiveFrom: '2021-04-01',
          per: 'birth',
          windows: [
            {
              key: 'single_birth',
              name: { ja: '出産後120日まで（単胎）', en: 'Until 120 days after birth (single)' },
              births: 'single',
              from: { anchor: 'issue' },
              to: { anchor: 'birth', days: 119 },
              totalMinutes: 96 * HOUR,
              serviceMinutes: { doula: 15 * HOUR },
            },
            {
              key: 'multiple_birth',
              name: { ja: '出産後1年まで（多胎）', en: 'Until 1 year after birth (multiple)' },
              births: 'multiple',
              from: { anchor: 'issue' },
              to: { anchor: 'birth', months: 12, days: -1 },
              totalMinutes: 200 * HOUR,
              serviceMinutes: { doula: 30 * HOUR },
            },
          ],
        },
        {
          version: '2024-04',
          name: { ja: '2024年度からの制度', en: 'Rules from FY2024' },
          effectiveFrom: '2024-04-01',
          per: 'child',
          windows: [
            {
              key: 'until_first_birthday',
              name: {
                ja: '妊娠中から1歳の誕生日の前日まで',
                en: 'From pregnancy to the day before the 1st birthday',
              },
              from: { anchor: 'issue' },
              to: { anchor: 'birth', months: 12, days: -1 },
              totalMinutes: 128 * HOUR,
              serviceMinutes: { doula: 30 * HOUR },
            },
            {
              key: 'second_year',
              name: { ja: '1歳から2歳の誕生日の前日まで', en: 'From the 1st to the 2nd birthday' },
              from: { anchor: 'birth', months: 12 },
              to: { anchor: 'birth', months: 24, days: -1 },
              totalMinutes: 48 * HOUR,
              services: ['home_helper'],
            },
            {
              key: 'third_year',
              name: { ja: '2歳から3歳の誕生日の前日まで', en: 'From the 2nd to the 3rd birthday' },
              from: { anchor: 'birth', months: 24 },
              to: { anchor: 'birth', months: 36, days: -1 },
              totalMinutes: 48 * HOUR,
              services: ['home_helper'],
            },
          ],
          serviceUntil: { doula: { anchor: 'birth', months: 7, days: -1 } },
        },
      ],
      defaultDefinition: '2024-04',
    },
  ],
  applicationForm: {
    fields: [
      {
        key: 'expecting',
        type: 'boolean',
        label: { ja: '現在妊娠中です', en: 'I am currently pregnant' },
        required: false,
      },
      {
        key: 'support_needed',
        type: 'multi_choice',
        label: { ja: '希望する支援', en: 'Support you would like' },
        required: true,
        options: [
          { value: 'housework', label: { ja: '家事', en: 'Housework' } },
          { value: 'childcare', label: { ja: '育児', en: 'Childcare' } },
          {
            value: 'sibling_care',
            label: { ja: '上のお子さんの世話', en: 'Care of older children' },
          },
        ],
      },
      {
        key: 'notes',
        type: 'textarea',
        label: { ja: '伝えておきたいこと（任意）', en: 'Anything we should know (optional)' },
        required: false,
        maxLength: 500,
      },
    ],
  },
  survey: {
    questions: [
      {
        key: 'satisfaction',
        type: 'rating',
        label: { ja: '今回の支援はいかがでしたか', en: 'How was this visit?' },
        required: false,
        min: 1,
        max: 5,
      },
      {
        key: 'would_use_again',
        type: 'boolean',
        label: { ja: 'また利用したいですか', en: 'Would you use it again?' },
        required: false,
      },
      {
        key: 'comment',
        type: 'textarea',
        label: { ja: 'ご意見（任意）', en: 'Comments (optional)' },
        required: false,
        maxLength: 500,
      },
    ],
  },
  csv: {
    export: [
      {
        key: 'facility_usage',
        name: { ja: '施設別利用実績', en: 'Usage by facility' },
        columns: [
          { field: 'visit_date', header: { ja: '利用日', en: 'Visit date' } },
          { field: 'visit_start', header: { ja: '開始時刻', en: 'Start' } },
          { field: 'resident_number', header: { ja: '利用者ID', en: 'Resident ID' } },
          { field: 'resident_name', header: { ja: '氏名', en: 'Name' } },
          { field: 'service_name', header: { ja: 'サービス', en: 'Service' } },
          { field: 'units', header: { ja: '利用時間', en: 'Hours' } },
          { field: 'provider_name', header: { ja: '事業者', en: 'Provider' } },
          { field: 'definition_version', header: { ja: '制度版', en: 'Rules version' } },
          { field: 'status', header: { ja: '状態', en: 'Status' } },
        ],
      },
    ],
  },
  permissions: [
    {
      key: 'issue',
      name: { ja: 'クーポンの発行', en: 'Issue coupons' },
      roles: ['municipal_admin', 'municipal_staff'],
    },
    {
      key: 'switch_definition',
      name: { ja: '制度版の切替', en: 'Switch the rules version' },
      roles: ['municipal_admin'],
    },
  ],
})
