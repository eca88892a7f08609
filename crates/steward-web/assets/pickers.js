// Person and item pickers. Each field is a plain text input inside an element marked
// `data-picker`; without this script (or before it runs) the input takes a reference, an
// asset tag or a name, which the server reads. With it, the input becomes an accessible
// autocomplete whose suggestions come from the council's register as the officer types, or
// from the short list the page gives (who holds an office today). The chosen suggestion is
// sent as its label, "Name (REF)", which the server reads back.

const QUERY_MIN = 2;

function remoteSource(url) {
  let pending = null;
  return (query, populate) => {
    if (pending) pending.abort();
    pending = new AbortController();
    const address = `${url}?q=${encodeURIComponent(query)}`;
    fetch(address, {
      signal: pending.signal,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then((response) => (response.ok ? response.json() : []))
      .then((labels) => populate(Array.isArray(labels) ? labels : []))
      .catch(() => {});
  };
}

function listSource(options) {
  return (query, populate) => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    populate(options.filter((label) => words.every((w) => label.toLowerCase().includes(w))));
  };
}

function optionsOf(wrapper) {
  try {
    const parsed = JSON.parse(wrapper.dataset.pickerOptions || "null");
    return Array.isArray(parsed) ? parsed.map(String) : null;
  } catch {
    return null;
  }
}

function enhance(make, wrapper) {
  const input = wrapper.querySelector("input");
  if (!input) return;
  const options = optionsOf(wrapper);
  const url = wrapper.dataset.picker;
  if (!options && !url) return;
  const { id, name, value } = input;
  const classes = input.className;
  // The hint and the error stay announced: the new input is described by them as the plain
  // one was, whatever the autocomplete's own hint does.
  const describedBy = input.getAttribute("aria-describedby");
  input.remove();
  make({
    element: wrapper,
    id,
    name,
    defaultValue: value,
    source: options ? listSource(options) : remoteSource(url),
    minLength: options ? 0 : QUERY_MIN,
    showAllValues: Boolean(options),
    confirmOnBlur: false,
    inputClasses: classes,
    menuAttributes: { "aria-labelledby": `${id}-label` },
    tNoResults: () => "Nothing in the register matches",
    tStatusQueryTooShort: (n) => `Type ${n} or more characters for suggestions`,
    tStatusNoResults: () => "Nothing in the register matches",
  });
  const made = document.getElementById(id);
  if (made && describedBy) {
    made.dataset.describedBy = describedBy;
    made.setAttribute("aria-describedby", describedBy);
  }
}

export function initPickers(root) {
  const make = window.accessibleAutocomplete;
  if (typeof make !== "function") return;
  for (const wrapper of root.querySelectorAll("[data-picker], [data-picker-options]")) {
    enhance(make, wrapper);
  }
}
