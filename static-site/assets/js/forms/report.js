/**
 * The report form (/signaler/<kind>/): checked in the browser, sent as JSON to POST /api/reports
 * with an Idempotency-Key drawn once per form fill (a retry never files twice), then the photos
 * (presigned POST to the bucket, then `complete`), and the tracking code shown once.
 */
import { newClientId } from "/shared/js/ids.js";
import { apiErrors, callApi, checked, enhance, showDone, text } from "./submit.js";
import * as rules from "./rules.js";

const MAX_PHOTOS = 3;
const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
const number = new Intl.NumberFormat("fr-FR");

/** [{field, message}] and the JSON body of the report, read from the form. */
function read(form, kind, coordinates) {
  const problems = [];
  const location = {
    address: text(form, "address"),
    postcode: text(form, "postcode").replace(/\s+/g, ""),
    commune: text(form, "commune"),
  };
  rules.requireText(problems, "location.address", location.address, 200, "Indiquez l'adresse ou le lieu.");
  if (!location.postcode) problems.push({ field: "location.postcode", message: "Indiquez le code postal." });
  else if (!rules.POSTCODE.test(location.postcode)) {
    problems.push({ field: "location.postcode", message: "Le code postal doit compter 5 chiffres, par exemple 93200." });
  }
  rules.requireText(problems, "location.commune", location.commune, 100, "Indiquez la commune.");
  if (coordinates) location.coordinates = coordinates;

  const observed = { days: checked(form, "days"), time_ranges: [] };
  if (observed.days.length === 0) {
    problems.push({ field: "observed.days", message: "Cochez au moins un jour où vous constatez les faits." });
  }
  const rangeRows = []; // index sent → index on the page, to place the API's errors
  form.querySelectorAll(".plage").forEach((row, index) => {
    if (row.hidden) return;
    const [start, end] = [...row.querySelectorAll('input[type="time"]')].map((input) => input.value.slice(0, 5));
    if (!start && !end) return;
    const field = `observed.time_ranges.${index}`;
    if (!start || !end) {
      problems.push({ field, message: `Indiquez l'heure de début et l'heure de fin de la plage horaire ${index + 1}.` });
    } else if (!rules.TIME.test(start) || !rules.TIME.test(end)) {
      problems.push({ field, message: `Indiquez des heures au format 18:30 pour la plage horaire ${index + 1}.` });
    } else {
      observed.time_ranges.push({ start, end });
      rangeRows.push(index);
    }
  });
  let since = text(form, "since");
  // Browsers without a date picker give the text as typed: accept 27/03/2026 too.
  const typed = since.match(/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/);
  if (typed) since = `${typed[3]}-${typed[2].padStart(2, "0")}-${typed[1].padStart(2, "0")}`;
  if (since) {
    const today = new Date();
    const todayText = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, "0")}-${String(today.getDate()).padStart(2, "0")}`;
    const [year, month, day] = since.split("-").map(Number);
    const real = new Date(Date.UTC(year, month - 1, day));
    if (!rules.DATE.test(since) || real.getUTCDate() !== day || real.getUTCMonth() !== month - 1) {
      problems.push({ field: "observed.since", message: "Indiquez une vraie date, par exemple 27/03/2026." });
    } else if (since > todayText) {
      problems.push({ field: "observed.since", message: "La date ne peut pas être dans le futur." });
    } else observed.since = since;
  }

  const description = text(form, "description");
  rules.requireText(problems, "description", description, 5000, "Décrivez ce que vous avez constaté.");

  const details = readDetails(form, kind, problems);

  const photos = [...(form.elements.namedItem("photos")?.files ?? [])];
  if (photos.length > MAX_PHOTOS) {
    problems.push({ field: "photos", message: `Choisissez ${MAX_PHOTOS} photos au maximum.` });
  }
  for (const photo of photos.slice(0, MAX_PHOTOS)) {
    if (!rules.PHOTO_TYPES.includes(photo.type)) {
      problems.push({ field: "photos", message: `« ${photo.name} » n'est pas une photo au format JPEG, PNG ou WebP.` });
    } else if (photo.size > MAX_PHOTO_BYTES) {
      problems.push({ field: "photos", message: `« ${photo.name} » est trop lourde : ${MAX_PHOTO_BYTES / 1024 / 1024} Mo au maximum.` });
    } else if (photo.size === 0) {
      problems.push({ field: "photos", message: `« ${photo.name} » est vide.` });
    }
  }

  const name = text(form, "contact_name");
  const reach = text(form, "contact_reach");
  rules.limitText(problems, "contact.name", name, 100);
  if (name && !reach) {
    problems.push({
      field: "contact.reach",
      message: "Pour être recontacté, indiquez aussi une adresse e-mail ou un numéro de téléphone.",
    });
  }
  rules.checkContact(problems, "contact.reach", reach);

  const body = { kind, location, observed, description };
  if (observed.time_ranges.length === 0) delete observed.time_ranges;
  if (Object.keys(details).length > 0) body.details = details;
  if (reach) body.contact = name ? { name, reach } : { reach };
  return { problems, body, photos, rangeRows };
}

function readDetails(form, kind, problems) {
  const details = {};
  const set = (key, value) => {
    if (value !== undefined && value !== "" && !(Array.isArray(value) && value.length === 0)) details[key] = value;
  };
  if (kind === "point_de_deal") {
    set("people_count", rules.wholeNumber(problems, "details.people_count", text(form, "people_count"), 1, 500));
    set("lookouts", rules.yesNo(checked(form, "lookouts")[0]));
    const vehicles = text(form, "vehicles");
    rules.limitText(problems, "details.vehicles", vehicles, 500);
    set("vehicles", vehicles);
    set("place_type", text(form, "place_type"));
  } else if (kind === "rodeo_urbain") {
    set("vehicle_count", rules.wholeNumber(problems, "details.vehicle_count", text(form, "vehicle_count"), 1, 200));
    set("vehicle_types", checked(form, "vehicle_types"));
    set("at_night", rules.yesNo(checked(form, "at_night")[0]));
  } else if (kind === "maltraitance_animale") {
    set("animal_type", text(form, "animal_type"));
    set("animal_count", rules.wholeNumber(problems, "details.animal_count", text(form, "animal_count"), 1, 500));
    set("immediate_danger", rules.yesNo(checked(form, "immediate_danger")[0]));
  } else {
    const nuisance = text(form, "nuisance");
    rules.limitText(problems, "details.nuisance", nuisance, 200);
    set("nuisance", nuisance);
  }
  return details;
}

// -- photos ---------------------------------------------------------------------------------

async function uploadPhoto(reportId, code, photo) {
  const headers = { "X-Tracking-Code": code };
  const base = `/reports/${encodeURIComponent(reportId)}/photos`;
  const grant = await callApi(base, { body: { content_type: photo.type }, headers });
  if (!grant.ok) throw new Error(apiErrors(grant)[0].message);
  const { photo_id: photoId, upload } = grant.data;
  const body = new FormData();
  for (const [key, value] of Object.entries(upload.fields)) body.append(key, value);
  body.append("file", photo); // S3 wants the file last
  let stored;
  try {
    stored = await fetch(upload.url, { method: "POST", body, credentials: "omit" });
  } catch {
    throw new Error("la connexion a été coupée pendant l'envoi");
  }
  if (!stored.ok) throw new Error("le serveur de stockage l'a refusée");
  const done = await callApi(`${base}/${encodeURIComponent(photoId)}/complete`, { headers });
  if (!done.ok) throw new Error(apiErrors(done)[0].message);
}

async function uploadPhotos(report, photos, state) {
  const allowed = photos.slice(0, Math.max(0, Number(report.photos_allowed) || MAX_PHOTOS));
  const failures = [];
  for (const [index, photo] of allowed.entries()) {
    state.textContent = `Envoi des photos : ${index + 1} sur ${allowed.length}…`;
    try {
      await uploadPhoto(report.report_id, report.tracking_code, photo);
    } catch (error) {
      failures.push(`« ${photo.name} » : ${error.message}`);
    }
  }
  const sent = allowed.length - failures.length;
  const parts = [];
  if (sent > 0) parts.push(`${number.format(sent)} photo${sent > 1 ? "s" : ""} envoyée${sent > 1 ? "s" : ""}.`);
  if (failures.length > 0) {
    parts.push(
      `${failures.length > 1 ? "Ces photos n'ont pas pu être envoyées" : "Cette photo n'a pas pu être envoyée"} (le signalement, lui, est bien reçu) : ${failures.join(" ; ")}.`,
    );
  }
  state.textContent = parts.join(" ");
}

// -- tracking code --------------------------------------------------------------------------

function offerCode(panel, code) {
  panel.querySelector("[data-report-code]").textContent = code;
  const state = panel.querySelector("[data-report-copy-state]");
  panel.querySelector("[data-report-copy]").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(code);
      state.textContent = "Code copié. Collez-le dans un endroit sûr (une note, un e-mail à vous-même).";
    } catch {
      const selection = window.getSelection();
      selection.selectAllChildren(panel.querySelector("[data-report-code]"));
      state.textContent = "Le code est sélectionné : copiez-le avec Ctrl + C (ou un appui long sur téléphone).";
    }
  });
  panel.querySelector("[data-report-save]").addEventListener("click", () => {
    const note =
      `Code de suivi de votre signalement sur moncommissariat :\n${code}\n\n` +
      `Pour suivre le signalement : ${window.location.origin}/signaler/suivi/\n`;
    const url = URL.createObjectURL(new Blob([note], { type: "text/plain;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = "code-de-suivi-signalement.txt";
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    state.textContent = "Le fichier « code-de-suivi-signalement.txt » est enregistré dans vos téléchargements.";
  });
}

// -- page enhancements ----------------------------------------------------------------------

function setUpTimeRanges(form) {
  const add = form.querySelector("[data-plage-ajouter]");
  if (!add) return;
  const hiddenRows = () => [...form.querySelectorAll("[data-plage-cachee]")].filter((row) => row.hidden);
  add.hidden = hiddenRows().length === 0;
  add.addEventListener("click", () => {
    const [next] = hiddenRows();
    if (!next) return;
    next.hidden = false;
    next.querySelector("input").focus();
    add.hidden = hiddenRows().length === 0;
  });
}

function setUpGeolocation(form, onChange) {
  const box = form.querySelector("[data-geoloc]");
  if (!box || !("geolocation" in navigator)) return;
  const use = box.querySelector("[data-geoloc-use]");
  const clear = box.querySelector("[data-geoloc-clear]");
  const state = box.querySelector("[data-geoloc-state]");
  box.hidden = false;
  use.addEventListener("click", () => {
    state.textContent = "Recherche de votre position…";
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const round = (value) => Math.round(value * 1e5) / 1e5;
        onChange({ lat: round(position.coords.latitude), lon: round(position.coords.longitude) });
        const accuracy = Math.round(position.coords.accuracy || 0);
        state.textContent = accuracy
          ? `Position ajoutée (précision d'environ ${number.format(accuracy)} m).`
          : "Position ajoutée.";
        clear.hidden = false;
      },
      (error) => {
        onChange(null);
        clear.hidden = true;
        state.textContent =
          error.code === error.PERMISSION_DENIED
            ? "Vous n'avez pas autorisé l'accès à votre position : vous pouvez continuer sans."
            : "Votre position n'a pas pu être trouvée : vous pouvez continuer sans.";
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  });
  clear.addEventListener("click", () => {
    onChange(null);
    clear.hidden = true;
    state.textContent = "Position retirée.";
    use.focus();
  });
}

function setUp(form) {
  const kind = form.dataset.kind;
  const panel = document.querySelector("[data-report-done]");
  let coordinates = null;
  let idempotencyKey = newClientId(); // one per form fill: resending after a lost answer files once
  let current = null;
  setUpTimeRanges(form);
  setUpGeolocation(form, (value) => {
    coordinates = value;
  });
  enhance(form, {
    validate: () => {
      current = read(form, kind, coordinates);
      return current.problems;
    },
    send: () => callApi("/reports", { body: current.body, headers: { "Idempotency-Key": idempotencyKey } }),
    // The API numbers time ranges as sent; the page numbers its rows (an empty row is skipped).
    fieldFor: (field) =>
      field.replace(/^observed\.time_ranges\.(\d+)/, (_, sent) => {
        const row = current.rangeRows[Number(sent)];
        return `observed.time_ranges.${row ?? sent}`;
      }),
    done: async (report) => {
      idempotencyKey = newClientId();
      offerCode(panel, report.tracking_code);
      const photoState = panel.querySelector("[data-report-photos]");
      showDone(form, panel);
      if (current.photos.length > 0) await uploadPhotos(report, current.photos, photoState);
    },
  });
}

const reportForm = document.querySelector("[data-report-form]");
if (reportForm) setUp(reportForm);
