// Shows how far a large file has gone while a form marked data-upload-progress is sent. The
// form is sent as it would be without the script (the same fields and the button pressed),
// but through XMLHttpRequest so the browser reports the bytes sent; the page the server
// answers with then takes this one's place. Without the script the form simply posts.
import { initAll } from "./govuk-frontend.min.js";

function show(html, url) {
  const page = new DOMParser().parseFromString(html, "text/html");
  document.title = page.title;
  document.body.replaceWith(document.adoptNode(page.body));
  document.body.classList.add("js-enabled", "govuk-frontend-supported");
  if (url) history.replaceState(null, "", url);
  window.scrollTo(0, 0);
  initAll();
  attachUploadProgress();
}

export function attachUploadProgress() {
  for (const form of document.querySelectorAll("form[data-upload-progress]")) {
    const box = form.querySelector(".steward-upload-progress");
    if (!box) continue;
    const bar = box.querySelector("progress");
    const status = box.querySelector("[role=status]");
    const doing = form.dataset.uploadProgress;
    const buttons = () => form.querySelectorAll("button");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const data = new FormData(form, event.submitter);
      const xhr = new XMLHttpRequest();
      box.hidden = false;
      bar.value = 0;
      status.textContent = `${doing}: starting`;
      for (const b of buttons()) b.disabled = true;
      xhr.upload.addEventListener("progress", (e) => {
        if (!e.lengthComputable) return;
        const percent = Math.round((e.loaded / e.total) * 100);
        bar.value = percent;
        status.textContent = `${doing}: ${percent}% sent`;
      });
      xhr.upload.addEventListener("load", () => {
        bar.value = 100;
        status.textContent = "Sent. Checking every row: a long file can take a minute.";
      });
      xhr.addEventListener("load", () => show(xhr.responseText, xhr.responseURL));
      xhr.addEventListener("error", () => {
        status.textContent = "The file could not be sent. Check the connection and try again.";
        for (const b of buttons()) b.disabled = false;
      });
      xhr.open("POST", form.action);
      xhr.send(data);
    });
  }
}
