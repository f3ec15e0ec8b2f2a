/**
 * /signaler/suivi/: the status of a report from its tracking code. The code travels in the
 * X-Tracking-Code header (GET /api/reports/track), never in a URL.
 */
import { callApi, enhance, text } from "./submit.js";

// « K7MQ-2XH9-PD4R » (12 symbols without 0/O/1/I/L), or the first format « 12 characters.43 ».
const SHORT = /^[2-9A-HJKMNP-Z]{12}$/;
const FIRST = /^[0-9A-HJKMNP-TV-Z]{12}\.[A-Za-z0-9_-]{43}$/;
const FIELD = "X-Tracking-Code";
const DATE = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeStyle: "short" });

function when(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : DATE.format(date);
}

function setUp(form) {
  const result = document.querySelector("[data-tracking-result]");
  let code = "";
  enhance(form, {
    validate: () => {
      // Pasted or typed codes come with spaces, dashes or small letters; a first-format code's
      // 12 first characters are capitals.
      const raw = text(form, "code").replace(/\s+/g, "");
      const dot = raw.indexOf(".");
      code = dot > 0 ? raw.slice(0, dot).toUpperCase() + raw.slice(dot) : raw.toUpperCase().replace(/[-.]/g, "");
      if (!code) return [{ field: FIELD, message: "Indiquez votre code de suivi." }];
      if (!SHORT.test(code) && !FIRST.test(code)) {
        return [
          {
            field: FIELD,
            message:
              "Ce code n'a pas la bonne forme : 12 lettres et chiffres, par exemple K7MQ-2XH9-PD4R (sans 0, O, 1, I ni L). Vérifiez-le ou collez-le tel qu'il vous a été donné.",
          },
        ];
      }
      return [];
    },
    send: async () => {
      result.hidden = true;
      const answer = await callApi("/reports/track", { method: "GET", headers: { [FIELD]: code } });
      if (answer.status === 404 || answer.status === 401) {
        return {
          ...answer,
          data: { error: { field: FIELD, message: "Aucun signalement ne correspond à ce code. Vérifiez-le, caractère par caractère." } },
        };
      }
      return answer;
    },
    done: (report) => {
      result.querySelector("[data-tracking-status]").textContent = `État : ${report.status_label}.`;
      const received = when(report.received_at);
      const updated = when(report.updated_at);
      result.querySelector("[data-tracking-dates]").textContent =
        `Reçu le ${received}.` + (updated && updated !== received ? ` Dernière mise à jour le ${updated}.` : "");
      result.hidden = false;
      result.querySelector("h2").focus();
    },
  });
}

const trackingForm = document.querySelector("[data-tracking-form]");
if (trackingForm) setUp(trackingForm);
