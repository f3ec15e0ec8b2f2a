/**
 * The API's rules (chalicelib/reports/schemas.py, chalicelib/feedback/schemas.py), checked in
 * the browser first so that mistakes are explained precisely before anything is sent.
 */

export const POSTCODE = /^(?:(?:0[1-9]|[1-8][0-9]|9[0-5])[0-9]{3}|9[78][0-9]{3})$/;
export const CONTACT =
  /^(?:[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}|\+?[0-9][0-9 .()-]{5,19})$/;
export const TIME = /^(?:[01][0-9]|2[0-3]):[0-5][0-9]$/;
export const DATE = /^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$/;
export const PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp"];

const number = new Intl.NumberFormat("fr-FR");

/** Adds {field, message} to `problems` when `value` is empty or longer than `max`. */
export function requireText(problems, field, value, max, missing) {
  if (!value) problems.push({ field, message: missing });
  else if (value.length > max) {
    problems.push({ field, message: `Ce texte doit faire ${number.format(max)} caractères au maximum.` });
  }
}

/** Adds a problem when an optional text is too long. */
export function limitText(problems, field, value, max) {
  if (value.length > max) {
    problems.push({ field, message: `Ce texte doit faire ${number.format(max)} caractères au maximum.` });
  }
}

/** An optional whole number between min and max; returns it, or undefined when empty. */
export function wholeNumber(problems, field, raw, min, max) {
  if (raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push({ field, message: `Indiquez un nombre entier entre ${min} et ${max}.` });
    return undefined;
  }
  return value;
}

/** A contact (e-mail or phone) in the API's format. */
export function checkContact(problems, field, value) {
  if (value && (value.length > 120 || !CONTACT.test(value))) {
    problems.push({
      field,
      message: "Indiquez une adresse e-mail (par exemple nom@exemple.fr) ou un numéro de téléphone (par exemple 06 12 34 56 78).",
    });
  }
}

/** "oui" → true, "non" → false, anything else → undefined (« Je ne sais pas »). */
export function yesNo(value) {
  if (value === "oui") return true;
  if (value === "non") return false;
  return undefined;
}
