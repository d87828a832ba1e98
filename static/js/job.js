// A background job's page (templates/core/backgroundjob_detail.html): <div data-kopru-job="status url">.
// Polls the job's state and moves its <progress>; once the job is over, reloads the page so the
// server shows the download link or the error. Without JavaScript, reloading the page does the same.
"use strict";

const POLL_MS = 1500;

async function poll(box) {
  try {
    const response = await fetch(box.dataset.kopruJob, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok || response.redirected) {
      return; // signed out or gone: stop, the page stays as it is
    }
    const job = await response.json();
    if (job.over) {
      location.reload();
      return;
    }
    const bar = box.querySelector("[data-kopru-job-progress]");
    if (bar) {
      bar.value = job.progress;
      bar.textContent = `${job.progress} %`;
    }
  } catch {
    // a network blip: try again at the next tick
  }
  setTimeout(() => poll(box), POLL_MS);
}

document.querySelectorAll("[data-kopru-job]").forEach((box) => setTimeout(() => poll(box), POLL_MS));
