/**
 * /ateliers/: workshop volunteers. Consent is an explicit, unticked checkbox; without it
 * nothing is sent.
 */
import { checkContact, requireText } from "./rules.js";
import { callApi, checked, enhance, showDone, text } from "./submit.js";

function read(form) {
  const problems = [];
  const body = { name: text(form, "name"), reach: text(form, "reach"), availability: text(form, "availability") };
  requireText(problems, "name", body.name, 100, "Indiquez votre nom ou votre prénom.");
  if (!body.reach) {
    problems.push({ field: "reach", message: "Indiquez une adresse e-mail ou un numéro de téléphone pour que nous puissions vous contacter." });
  } else checkContact(problems, "reach", body.reach);
  requireText(problems, "availability", body.availability, 500, "Indiquez vos disponibilités, en quelques mots.");
  if (checked(form, "consent").length === 0) {
    problems.push({
      field: "consent",
      message: "Cochez la case pour accepter que nous gardions vos coordonnées 90 jours : sans votre accord, nous ne pouvons pas vous inscrire.",
    });
  }
  body.consent = true;
  return { problems, body };
}

const form = document.querySelector("[data-volunteer-form]");
if (form) {
  let current = null;
  enhance(form, {
    validate: () => {
      current = read(form);
      return current.problems;
    },
    send: () => callApi("/feedback/volunteers", { body: current.body }),
    done: (data) => {
      const panel = document.querySelector("[data-volunteer-done]");
      if (data && typeof data.message === "string") {
        panel.querySelector("[data-volunteer-done-message]").textContent = data.message;
      }
      showDone(form, panel);
    },
  });
}
