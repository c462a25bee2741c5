// The table import's waiting state: asks the server where the background job is, every second, and
// reloads the page when the job moves on (read, queued, imported, refused). Without JavaScript, the page's
// "Refresh" link does the same by hand.
(function () {
  const box = document.querySelector("[data-table-import-status]");
  if (!box) return;
  const text = box.querySelector("[data-status-text]");
  async function poll() {
    try {
      const response = await fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const job = await response.json();
        if (job.status !== box.dataset.status) {
          text.textContent = job.label; // announced by the live region while the page reloads
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // The server may be restarting: try again at the next tick.
    }
    window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 1000);
})();
