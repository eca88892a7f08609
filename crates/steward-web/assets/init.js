// Starts govuk-frontend's components on every page. Loaded as a module, so it runs only in
// browsers govuk-frontend supports, after the page has been parsed.
import { initAll } from "./govuk-frontend.min.js";
import { initPickers } from "./pickers.js";
import { attachUploadProgress } from "./upload.js";

// govuk-frontend looks for these classes before it sets anything up; the page cannot add them
// itself because the Content Security Policy allows no inline script.
document.body.classList.add("js-enabled", "govuk-frontend-supported");

initAll();
initPickers(document);

// Progress for forms that send large files.
attachUploadProgress();
