/**
 * How a lot names the window instance it belongs to. Windows that end at a
 * date counted from the child's birth are told apart by the lot's child;
 * others (a fiscal year, a period from issuance) by their last day, so next
 * year's registration is a new window: "fiscal_year@2027-03-31".
 */
export default class WindowKey {
  static instance(key: string, validTo: string, countsFromBirth: boolean) {
    return countsFromBirth ? key : `${key}@${validTo}`
  }

  static base(instanceKey: string | null) {
    return instanceKey?.split('@')[0] ?? null
  }
}
