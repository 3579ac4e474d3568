import { configApp, RULES_LIST } from '@adonisjs/eslint-config'
import { vue } from '@adonisjs/eslint-config/vue'
import tseslint from 'typescript-eslint'

export default configApp(...vue, {
  name: 'Tomoni: plugin pages are Vue pages too',
  files: ['plugins/*/ui/**/*.{ts,vue}'],
  languageOptions: { parserOptions: { parser: tseslint.parser } },
  rules: {
    ...RULES_LIST,
    'vue/multi-word-component-names': 'off',
    'vue/define-props-declaration': ['error', 'type-based'],
  },
})
