// GET /api/v1/jurisdiction/locate: its answer, and the query for what a
// person typed into the locate field.

export interface CodeName {
  code: string
  name: string
}

export interface LocatedPlace {
  community: CodeName
  grid: CodeName
  micro_grid: CodeName
  building: CodeName | null
  wgs84?: { lat: number; long: number }
}

export type LocateQuery = { lat: string; long: string; datum: string } | { address: string } | { code: string }

const coordinates = /^\s*(-?\d{1,3}(?:\.\d+)?)\s*[,，\s]\s*(-?\d{1,3}(?:\.\d+)?)\s*$/
const code = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+$/

// "29.8301, 106.4302" (or "106.4302,29.8301": a first number over 90 is a
// longitude, as map apps copy it), a code such as LY-XSP-03, or any other
// text as an address. null for empty input.
export function parseLocateInput(input: string, datum: string): LocateQuery | null {
  const text = input.trim()
  if (!text) return null
  const m = coordinates.exec(text)
  if (m) {
    let [lat, long] = [m[1], m[2]]
    if (Math.abs(Number(lat)) > 90) [lat, long] = [long, lat]
    return { lat, long, datum }
  }
  if (code.test(text)) return { code: text.toUpperCase() }
  return { address: text }
}
