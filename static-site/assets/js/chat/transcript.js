/**
 * « Télécharger la conversation »: GET {apiBase}/conversations/{id}/transcript with the resume
 * token in a header (never in the URL), saved as a text file through a Blob.
 */

export async function downloadTranscript(apiBase, conversationId, token) {
  const response = await fetch(
    `${apiBase}/conversations/${encodeURIComponent(conversationId)}/transcript`,
    { headers: { "X-Resume-Token": token, Accept: "text/plain" }, cache: "no-store" },
  );
  if (!response.ok) throw new Error(`transcript ${response.status}`);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = `conversation-moncommissariat-${new Date().toISOString().slice(0, 10)}.txt`;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
