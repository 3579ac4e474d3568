import type { ApiClient, ApiResponse } from '@japa/api-client'

/**
 * The messages a page is shown with: its language's catalogue, fetched from
 * the URL the page names, as the front end fetches it.
 */
export async function messagesOf(
  client: ApiClient,
  page: ApiResponse
): Promise<Record<string, string>> {
  const { i18n } = page.body().props
  const catalogue = await client.get(i18n.catalogues[i18n.locale])
  catalogue.assertStatus(200)
  return catalogue.body()
}
