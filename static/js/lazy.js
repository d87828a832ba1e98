// Parts of a page that load once the page is shown: <div data-kopru-load="url">, holding a
// link to the same url for browsers without JavaScript. The server renders the part; it is
// inserted as it comes, or the link stays when it cannot be loaded (or the session has ended).
"use strict";

async function loadPart(box) {
  try {
    const response = await fetch(box.dataset.kopruLoad, {
      headers: { "X-Kopru-Fragment": "1" },
      credentials: "same-origin",
    });
    if (!response.ok || response.redirected) {
      return;
    }
    box.innerHTML = await response.text();
    // A link to #attachments or #history (after an upload, say) finds its target now.
    const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && box.contains(target)) {
      target.scrollIntoView();
    }
  } finally {
    box.removeAttribute("aria-busy");
  }
}

document.querySelectorAll("[data-kopru-load]").forEach(loadPart);
