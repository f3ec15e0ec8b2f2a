/** The French words of the console (the same vocabulary as the API). */

export const TOPICS = Object.freeze({
  vol: "Vol / cambriolage",
  escroquerie: "Escroquerie / arnaque en ligne",
  violences: "Violences (conjugales, sexuelles)",
  stupefiants: "Stupéfiants",
  demarches: "Démarches administratives",
  autre: "Autre",
});

/** Orientation outcomes an officer closes with (docs/protocol.md), in display order. */
export const OUTCOMES = Object.freeze({
  commissariat: "Se rendre au commissariat",
  plainte_en_ligne: "Plainte en ligne ou Visioplainte",
  perceval: "Perceval (fraude à la carte bancaire)",
  thesee: "THESEE (escroquerie en ligne)",
  pharos: "PHAROS (contenu illicite en ligne)",
  cybermalveillance: "17Cyber / cybermalveillance.gouv.fr",
  arretonslesviolences: "arretonslesviolences.gouv.fr",
  urgence: "Urgence : 17 / 112",
  information: "Information donnée",
  autre: "Autre",
});

export const SYSTEM_OUTCOMES = Object.freeze({
  fin_citoyen: "Conversation terminée par la personne",
  abandon: "Personne déconnectée",
  annule: "Demande annulée",
});

export const PRESENCE = Object.freeze({ online: "En ligne", away: "En pause", offline: "Hors ligne" });

export const REPORT_KINDS = Object.freeze({
  point_de_deal: "Point de deal",
  rodeo_urbain: "Rodéo urbain",
  maltraitance_animale: "Maltraitance animale",
  autre_nuisance: "Autre nuisance",
});

export const REPORT_STATUSES = Object.freeze({
  recu: "Reçu",
  en_analyse: "En cours d'analyse",
  transmis: "Transmis au service local",
  cloture: "Clôturé",
});

export const ANSWERS = Object.freeze({ oui: "Oui", en_partie: "En partie", non: "Non" });
export const WANTED_ONLINE = Object.freeze({ oui: "Oui", non: "Non", ne_sait_pas: "Ne sait pas" });

export const DETAIL_LABELS = Object.freeze({
  people_count: "Nombre de personnes",
  lookouts: "Guetteurs",
  vehicles: "Véhicules",
  place_type: "Type de lieu",
  vehicle_count: "Nombre de véhicules",
  vehicle_types: "Types de véhicules",
  at_night: "La nuit",
  animal_type: "Animal",
  animal_count: "Nombre d'animaux",
  immediate_danger: "Danger immédiat",
  nuisance: "Nuisance",
});

/** French messages for the WebSocket error codes (the server's message wins when present). */
export const FRAME_ERRORS = Object.freeze({
  queue_empty: "Personne n'attend pour le moment.",
  at_capacity: "Vous avez déjà le nombre maximum de conversations.",
  conversation_closed: "Cette conversation est terminée.",
  not_your_conversation: "Cette conversation est suivie par un autre policier.",
  officer_unavailable: "Ce collègue n'est plus disponible.",
  rate_limited: "Trop de messages : patientez quelques secondes.",
  busy: "Le service est occupé : réessayez.",
  invalid_input: "Saisie invalide.",
});

export function label(dictionary, key) {
  return Object.prototype.hasOwnProperty.call(dictionary, key) ? dictionary[key] : String(key ?? "");
}
