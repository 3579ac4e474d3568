import { nextTick, ref } from 'vue'
import { useForm } from '@inertiajs/vue3'

/** A child as the resident page (staff) and the profile page (resident) list them */
export type EditableChild = {
  id: number
  givenName: string | null
  dueDate: string | null
  birthDate: string | null
  multipleBirth: boolean
}

type ChildFormErrors = Partial<
  Record<'due_date' | 'birth_date' | 'given_name' | 'multiple_birth' | 'count', string>
>

/** A form's errors as <ResidentChildFields :errors> reads them (due_date → dueDate) */
export function childErrors(errors: ChildFormErrors) {
  return {
    dueDate: errors.due_date,
    birthDate: errors.birth_date,
    givenName: errors.given_name,
    multipleBirth: errors.multiple_birth,
    count: errors.count,
  }
}

/**
 * Correcting one child at a time, under the child in the list: the staff
 * console's resident page and the resident's own profile. `pathOf` is
 * where a child's changes are PUT. Opening a child's form moves the focus
 * into it (the form appears below the button that opened it); opening it
 * again closes it.
 */
export function useChildEditing(pathOf: (childId: number) => string) {
  const editing = ref<number | null>(null)
  const editForm = useForm({ due_date: '', birth_date: '', given_name: '', multiple_birth: false })

  async function startEditing(child: EditableChild) {
    if (editing.value === child.id) {
      editing.value = null
      return
    }
    editForm.clearErrors()
    editForm.defaults({
      due_date: child.dueDate ?? '',
      birth_date: child.birthDate ?? '',
      given_name: child.givenName ?? '',
      multiple_birth: child.multipleBirth,
    })
    editForm.reset()
    editing.value = child.id
    await nextTick()
    document.getElementById(`child-${child.id}-form`)?.querySelector('input')?.focus()
  }

  function saveChild(child: EditableChild) {
    editForm.put(pathOf(child.id), {
      preserveScroll: true,
      onSuccess: () => {
        editing.value = null
      },
    })
  }

  return { editing, editForm, startEditing, saveChild }
}
