/**
 * The chat's French words: queue position, wait, who speaks, what went wrong. The topics are
 * the product's vocabulary (/shared/js/vocabulary.js, generated from chalicelib/vocabulary.py).
 */

export const SENDERS = Object.freeze({ citizen: "Vous", officer: "Policier", system: "Information" });

/** « Vous êtes la prochaine personne. », « 1 personne avant vous. », « 3 personnes avant vous. »:
 * neutral words, whoever reads them. */
export function placeText(position) {
  if (!Number.isInteger(position) || position < 1) return "Vous êtes dans la file.";
  const ahead = position - 1;
  if (ahead === 0) return "Vous êtes la prochaine personne.";
  return `${ahead} personne${ahead > 1 ? "s" : ""} avant vous.`;
}

/** "moins d'une minute", "environ 1 minute", "environ 12 minutes", "plus d'une heure". */
export function waitText(seconds) {
  if (seconds < 60) return "moins d'une minute";
  if (seconds >= 3600) return "plus d'une heure";
  const minutes = Math.round(seconds / 60);
  return `environ ${minutes} minute${minutes > 1 ? "s" : ""}`;
}

/** « 2 personnes avant vous. Attente estimée : environ 5 minutes. » */
export function queueText(frame, { deferred = false } = {}) {
  const place = placeText(frame.position);
  if (deferred) {
    return `Votre message est enregistré. Un policier vous répondra à la réouverture du tchat : gardez votre code de reprise pour lire la réponse.`;
  }
  if (frame.officers_online === 0) {
    return `${place} Les policiers de service sont occupés : votre demande reste dans la file.`;
  }
  const seconds = Number(frame.estimated_wait_seconds);
  if (!Number.isFinite(seconds) || seconds < 0) return place;
  return `${place} Attente estimée : ${waitText(seconds)}.`;
}

const PARIS_MOMENT = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  weekday: "long",
  day: "numeric",
  month: "long",
  hour: "numeric",
  minute: "2-digit",
});

/** « lundi 22 décembre à 08:00 » → « lundi 22 décembre à 8 h » (Paris time), or "". */
export function momentText(iso) {
  const date = new Date(iso);
  if (typeof iso !== "string" || Number.isNaN(date.getTime())) return "";
  const parts = Object.fromEntries(PARIS_MOMENT.formatToParts(date).map((part) => [part.type, part.value]));
  const minute = parts.minute === "00" ? "" : ` ${parts.minute}`;
  const day = parts.day === "1" ? "1er" : parts.day;
  return `${parts.weekday} ${day} ${parts.month} à ${Number(parts.hour)} h${minute}`;
}

/** What the page says when nobody can answer now. */
export function closedTitle(status) {
  return status.within_hours === false
    ? "Le tchat est fermé pour le moment"
    : "Aucun policier n'est disponible pour le moment";
}

export function reopenText(status) {
  const when = momentText(status.next_opening);
  if (status.within_hours === false) {
    return when ? `Il rouvre ${when} (heure de Paris).` : "Il n'a pas de date de réouverture pour le moment.";
  }
  return "Revenez dans un moment, ou utilisez l'une des aides ci-dessous.";
}

export const STATES = Object.freeze({
  connecting: "Connexion en cours…",
  waiting: "Votre demande est enregistrée. Un policier va vous répondre.",
  deferred: "Votre message est enregistré. Un policier vous répondra à la réouverture du tchat : gardez votre code de reprise pour lire la réponse.",
  assigned: "Un policier vous répond.",
  reconnecting: "Connexion perdue. Reconnexion en cours… Vos messages seront envoyés dès le retour de la connexion.",
});

/** The connection line (role="status"): within seconds of a cut, until the socket is back. */
export const CONNECTION_LOST = "Connexion perdue, reconnexion… Vos messages partiront dès le retour de la connexion.";

export const ERRORS = Object.freeze({
  unreachable: "Le service de tchat ne répond pas pour le moment. Nouvel essai automatique…",
  notFound: "Cette conversation n'est plus disponible (elle a peut-être expiré). Vous pouvez en commencer une nouvelle.",
  tooMany: "Cette conversation est déjà ouverte dans plusieurs onglets. Fermez les autres onglets puis rechargez cette page.",
  offline: "La connexion est coupée : réessayez dans un instant.",
  topic: "Choisissez le sujet de votre question.",
  empty: "Écrivez votre message avant de l'envoyer.",
  download: "Le téléchargement n'a pas abouti. Réessayez dans un instant.",
  code: "Aucune conversation ne correspond à ce code. Vérifiez-le, caractère par caractère : il ne contient ni 0, ni O, ni 1, ni I, ni L.",
  codeShape: "Indiquez les 10 lettres et chiffres du code, par exemple K7MQ2-XH9PD.",
  codeTooMany: "Trop de codes essayés en peu de temps. Vérifiez votre code et réessayez dans quelques minutes.",
  generic: "Une erreur est survenue. Réessayez dans un instant.",
});

export const PENDING = "envoi…";
export const FAILED = "non envoyé";
export const READ = "Lu";
