import { definePlugin } from '#plugin_host/define_plugin'

const HOUR = 60
const name = { ja: 'ひとり親家庭ホームヘルプサービス', en: 'Single-parent home help' }
const yen = (tier: string, yenPerUnit: number) => ({
  code: tier,
  name: { ja: `${tier}階層`, en: `Tier ${tier}` },
  yenPerUnit,
})

/**
 * Minato-ku's ひとり親家庭ホームヘルプサービス (see ../shared/DESIGN.md): a
 * household with a child in 6th grade or younger and a qualifying reason
 * gets 24–48 tickets of one hour per registration, chosen by staff; the
 * registration runs to 31 March. Housework up to 2 hours a day, childcare
 * up to 4, between 07:00 and 22:00; an hourly co-payment by income tier.
 */
export default definePlugin({
  id: 'single_parent_home_help',
  version: '1.0.0',
  requiresCore: '^1.0.0',
  name,
  programs: [
    {
      code: 'home_help',
      name,
      unit: { label: { ja: '時間（枚）', en: 'hours (tickets)' }, minutes: HOUR },
      services: [
        { code: 'housework', name: { ja: '家事援助', en: 'Housework' } },
        { code: 'childcare', name: { ja: '育児援助', en: 'Childcare' } },
      ],
      deductionPriority: ['housework', 'childcare'],
      visit: {
        minutes: [60, 120, 180, 240],
        perDay: 2,
        from: '07:00',
        to: '22:00',
        dailyMinutes: { housework: 2 * HOUR, childcare: 4 * HOUR },
      },
      eligibility: {
        childMaxSchoolGrade: 6,
        reasons: [
          { code: 'work', name: { ja: '就労', en: 'Work' } },
          { code: 'job_search', name: { ja: '求職活動', en: 'Job search' } },
          { code: 'training', name: { ja: '技能習得のための通学', en: 'Training' } },
          { code: 'ceremony', name: { ja: '冠婚葬祭', en: 'Ceremonies' } },
          { code: 'parent_illness', name: { ja: '親の疾病', en: 'Illness of the parent' } },
          {
            code: 'grandparent_illness',
            name: {
              ja: '家事を担う祖父母の疾病',
              en: 'Illness of a grandparent who does the housework',
            },
          },
        ],
      },
      copayment: {
        tiers: [
          yen('I', 0),
          yen('II', 100),
          yen('III', 250),
          yen('IV', 510),
          yen('V', 770),
          yen('VI', 1030),
          yen('VII', 1290),
        ],
      },
      definitions: [
        {
          version: '2025-04',
          name: { ja: '2025年度からの制度', en: 'Rules from FY2025' },
          effectiveFrom: '2025-04-01',
          per: 'resident',
          windows: [
            {
              key: 'registration_year',
              name: { ja: '登録年度（3月31日まで）', en: 'Registration year (to 31 March)' },
              from: { anchor: 'issue' },
              to: { anchor: 'fiscal_year_end' },
              minimumMinutes: 24 * HOUR,
              totalMinutes: 48 * HOUR,
            },
          ],
        },
      ],
      defaultDefinition: '2025-04',
    },
  ],
  applicationForm: {
    fields: [
      {
        key: 'reason',
        type: 'choice',
        label: { ja: '利用する理由', en: 'Reason for using the service' },
        required: true,
        options: [
          { value: 'work', label: { ja: '就労', en: 'Work' } },
          { value: 'job_search', label: { ja: '求職活動', en: 'Job search' } },
          { value: 'training', label: { ja: '技能習得のための通学', en: 'Training' } },
          { value: 'ceremony', label: { ja: '冠婚葬祭', en: 'Ceremonies' } },
          { value: 'parent_illness', label: { ja: '親の疾病', en: 'Illness of the parent' } },
          {
            value: 'grandparent_illness',
            label: {
              ja: '家事を担う祖父母の疾病',
              en: 'Illness of a grandparent who does the housework',
            },
          },
        ],
      },
      {
        key: 'details',
        type: 'textarea',
        label: { ja: '状況の説明', en: 'Your situation' },
        required: true,
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
        key: 'provider_usage',
        name: { ja: '事業者別利用実績（自己負担額つき）', en: 'Provider usage with co-payments' },
        columns: [
          { field: 'visit_date', header: { ja: '利用日', en: 'Visit date' } },
          { field: 'visit_start', header: { ja: '開始時刻', en: 'Start' } },
          { field: 'resident_number', header: { ja: '利用者ID', en: 'Resident ID' } },
          { field: 'resident_name', header: { ja: '氏名', en: 'Name' } },
          { field: 'service_name', header: { ja: 'サービス', en: 'Service' } },
          { field: 'units', header: { ja: '利用時間（枚）', en: 'Hours (tickets)' } },
          { field: 'copayment_tier', header: { ja: '階層', en: 'Tier' } },
          { field: 'copayment_yen', header: { ja: '自己負担額（円）', en: 'Co-payment (yen)' } },
          { field: 'provider_name', header: { ja: '事業者', en: 'Provider' } },
          { field: 'definition_version', header: { ja: '制度版', en: 'Rules version' } },
        ],
      },
    ],
    import: [
      {
        key: 'registrations',
        name: { ja: '年度登録の一括発行', en: 'Bulk registration grants' },
        columns: [
          { field: 'resident_number', header: { ja: '利用者ID', en: 'Resident ID' } },
          { field: 'units', header: { ja: '交付時間（枚）', en: 'Hours granted' } },
          { field: 'copayment_tier', header: { ja: '階層', en: 'Tier' } },
        ],
      },
    ],
  },
  permissions: [
    {
      key: 'issue',
      name: { ja: '利用券の交付', en: 'Grant tickets' },
      roles: ['municipal_admin', 'municipal_staff'],
    },
    {
      key: 'switch_definition',
      name: { ja: '制度版の切替', en: 'Switch the rules version' },
      roles: ['municipal_admin'],
    },
  ],
})
