import {
  inject,
  onBeforeUnmount,
  provide,
  shallowRef,
  watchEffect,
  type InjectionKey,
  type ShallowRef,
} from 'vue'
import type { IconName } from '~/components/nav_icon.vue'

/**
 * One destination of a section menu. It is current on its own address
 * and, unless `exact`, on every address below it; `also` names more
 * addresses (with what is below them) that belong to it.
 */
export type MenuSection = {
  key: string
  href: string
  label: string
  icon?: IconName
  exact?: boolean
  also?: string[]
}

/** A page's menu of destinations, as the shell's menu repeats it */
export type ShellSections = { label: string; sections: MenuSection[] }

const KEY: InjectionKey<ShallowRef<ShellSections | null>> = Symbol('shell-sections')

/** The shell's place for the page's destinations (shown in its menu when the tab bar does not fit) */
export function provideShellSections() {
  const sections = shallowRef<ShellSections | null>(null)
  provide(KEY, sections)
  return sections
}

/**
 * Gives the page's destinations to the shell's menu while the page is
 * shown; they are taken back when it goes (unless the next page's are
 * there already).
 */
export function offerSectionsToShell(current: () => ShellSections) {
  const slot = inject(KEY, null)
  if (!slot) return
  let offered: ShellSections | null = null
  watchEffect(() => {
    offered = current()
    slot.value = offered
  })
  onBeforeUnmount(() => {
    if (slot.value === offered) slot.value = null
  })
}
