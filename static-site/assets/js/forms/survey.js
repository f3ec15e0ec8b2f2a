/**
 * /avis/: after a closed conversation (its id and resume token are in sessionStorage, put there
 * by the chat), the three-question survey; otherwise the survey for people who never used the
 * service. Both are sent as JSON; the chat survey is answered once, then forgotten.
 */
import { forgetSurvey, pendingSurvey } from "../chat/store.js";
import { callApi, checked, enhance, showDone, text } from "./submit.js";

const QUESTIONS = {
  found_easily: "Dites-nous si vous nous avez trouvé facilement.",
  understood: "Dites-nous si vous avez compris nos réponses.",
  found_service: "Dites-nous si vous avez trouvé le service que vous cherchiez.",
};

function finish(form, data) {
  const panel = document.querySelector("[data-survey-done]");
  if (data && typeof data.message === "string") {
    panel.querySelector("[data-survey-done-message]").textContent = data.message;
  }
  for (const other of document.querySelectorAll("[data-survey]")) other.hidden = true;
  showDone(form, panel);
}

function setUpChatSurvey(form, conversation) {
  enhance(form, {
    validate: () => {
      const problems = [];
      for (const [name, message] of Object.entries(QUESTIONS)) {
        if (checked(form, name).length === 0) problems.push({ field: name, message });
      }
      if (checked(form, "rating").length === 0) {
        problems.push({ field: "rating", message: "Choisissez une note de 1 à 5." });
      }
      return problems;
    },
    send: async () => {
      const body = {
        conversation_id: conversation.conversation_id,
        token: conversation.token,
        found_easily: checked(form, "found_easily")[0],
        understood: checked(form, "understood")[0],
        found_service: checked(form, "found_service")[0],
        rating: Number(checked(form, "rating")[0]),
      };
      const comment = text(form, "comment");
      if (comment) body.comment = comment;
      const result = await callApi("/feedback/chat", { body });
      if (result.status === 409 || result.status === 404) forgetSurvey(); // answered already, or gone
      return result;
    },
    done: (data) => {
      forgetSurvey();
      finish(form, data);
    },
  });
}

function setUpNonUserSurvey(form) {
  enhance(form, {
    validate: () =>
      checked(form, "wanted_online").length === 0
        ? [{ field: "wanted_online", message: "Dites-nous si vous auriez souhaité faire vos démarches en ligne." }]
        : [],
    send: () => {
      const body = { wanted_online: checked(form, "wanted_online")[0], how_far: checked(form, "how_far") };
      const comment = text(form, "comment");
      if (comment) body.comment = comment;
      return callApi("/feedback/non-users", { body });
    },
    done: (data) => finish(form, data),
  });
}

const chatForm = document.querySelector('[data-survey="chat"]');
const nonUserForm = document.querySelector('[data-survey="non-user"]');
const conversation = pendingSurvey();
if (chatForm && conversation) {
  chatForm.hidden = false;
  if (nonUserForm) nonUserForm.hidden = true;
  setUpChatSurvey(chatForm, conversation);
} else if (nonUserForm) {
  setUpNonUserSurvey(nonUserForm);
}
