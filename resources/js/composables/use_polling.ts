import { onBeforeUnmount, onMounted, watch } from 'vue'
import { router } from '@inertiajs/vue3'

/**
 * While `active()` holds, asks the server again every `everyMs` for the
 * props named in `only` (an Inertia partial reload), one request at a
 * time; it starts again when `active()` becomes true (another job opened
 * on the same page) and stops for good when the page is left, so a reload
 * still in flight cannot start the timer on the next page.
 */
export function usePolling(options: { active: () => boolean; only: string[]; everyMs: number }) {
  let timer: ReturnType<typeof setTimeout> | undefined
  let left = false

  function poll() {
    clearTimeout(timer)
    timer = undefined
    if (left || !options.active()) return
    timer = setTimeout(() => {
      router.reload({ only: options.only, onFinish: poll })
    }, options.everyMs)
  }

  onMounted(poll)
  watch(options.active, poll)
  onBeforeUnmount(() => {
    left = true
    clearTimeout(timer)
  })
}
