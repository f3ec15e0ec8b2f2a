/**
 * The chat's French words: queue position, wait, who speaks, what went wrong. The topics are
 * the product's vocabulary (/shared/js/vocabulary.js, generated from chalicelib/vocabulary.py).
 */

export const SENDERS = Object.freeze({ citizen: "Vous", officer: "Policier", system: "Information" });

/** Where one stands, without a gendered ordinal (« 1er / 1re »): the head, or who is ahead. */
export function placeText(position) {
  if (position === 1) return "Vous êtes en tête de la file.";
  const ahead = position - 1;
  return `${ahead} ${ahead > 1 ? "personnes attendent" : "personne attend"} avant vous.`;
}

/** "moins d'une minute", "environ 1 minute", "environ 12 minutes", "plus d'une heure". */
export function waitText(seconds) {
  if (seconds < 60) return "moins d'une minute";
  if (seconds >= 3600) return "plus d'une heure";
  const minutes = Math.round(seconds / 60);
  return `environ ${minutes} minute${minutes > 1 ? "s" : ""}`;
}

/** « 2 personnes attendent avant vous. Attente estimée : environ 5 minutes. » */
export function queueText(frame) {
  const position = Number.isInteger(frame.position) && frame.position > 0 ? frame.position : null;
  const place = position ? placeText(position) : "Vous êtes dans la file.";
  if (frame.officers_online === 0) {
    return `${place} Aucun policier n'est en ligne pour le moment : gardez cette page ouverte, un policier vous répondra dès que possible.`;
  }
  const seconds = Number(frame.estimated_wait_seconds);
  if (!Number.isFinite(seconds) || seconds < 0) return place;
  return `${place} Attente estimée : ${waitText(seconds)}.`;
}

export const STATES = Object.freeze({
  connecting: "Connexion en cours…",
  waiting: "Votre demande est enregistrée. Un policier va vous répondre.",
  assigned: "Un policier vous répond.",
  reconnecting: "Connexion perdue. Reconnexion en cours… Vos messages seront envoyés dès le retour de la connexion.",
});

export const ERRORS = Object.freeze({
  unreachable: "Le service de tchat ne répond pas pour le moment. Nouvel essai automatique…",
  notFound: "Cette conversation n'est plus disponible (elle a peut-être expiré). Vous pouvez en commencer une nouvelle.",
  tooMany: "Cette conversation est déjà ouverte dans plusieurs onglets. Fermez les autres onglets puis rechargez cette page.",
  offline: "La connexion est coupée : réessayez dans un instant.",
  topic: "Choisissez le sujet de votre question.",
  empty: "Écrivez votre message avant de l'envoyer.",
  download: "Le téléchargement n'a pas abouti. Réessayez dans un instant.",
  generic: "Une erreur est survenue. Réessayez dans un instant.",
});

export const PENDING = "envoi…";
export const FAILED = "non envoyé";
export const READ = "Lu";
